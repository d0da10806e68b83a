import { readEnv } from '../../../functions/shared/env';
import { ConfigError } from '../../../functions/shared/errors';

describe('readEnv', () => {
  it('returns the named variables', () => {
    expect(readEnv(['TABLE', 'TOPIC'], { TABLE: 't', TOPIC: 'arn', OTHER: 'x' })).toEqual({
      TABLE: 't',
      TOPIC: 'arn',
    });
  });

  it('names every missing or empty variable at once', () => {
    expect(() => readEnv(['TABLE', 'TOPIC', 'GROUP'], { TABLE: 't', TOPIC: '' })).toThrow(ConfigError);
    expect(() => readEnv(['TABLE', 'TOPIC', 'GROUP'], { TABLE: 't', TOPIC: '' })).toThrow(
      /TOPIC: must be set by the deployment, got nothing\n {2}- GROUP: must be set/,
    );
  });
});
