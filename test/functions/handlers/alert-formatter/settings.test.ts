import { readFormatterSettings } from '../../../../functions/handlers/alert-formatter/settings';

const topics = {
  CRITICAL_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:critical',
  WARNING_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:warning',
  INFO_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:info',
  STATE_TABLE: 'misybot-state',
};
const hook = {
  severity: 'critical',
  protocol: 'slack',
  secretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:misybot/slack',
};

describe('readFormatterSettings', () => {
  it('reads the webhooks and maps each topic ARN to its severity', () => {
    const settings = readFormatterSettings({ ...topics, WEBHOOKS: JSON.stringify([hook]) });
    expect(settings.webhooks).toEqual([hook]);
    expect(settings.topicSeverities.get(topics.WARNING_TOPIC_ARN)).toBe('warning');
    expect(settings.stateTable).toBe('misybot-state');
  });

  it.each([
    ['not JSON', '[', /WEBHOOKS: must be JSON/],
    ['empty', '[]', /WEBHOOKS: Too small/],
    ['an unknown protocol', JSON.stringify([{ ...hook, protocol: 'discord' }]), /WEBHOOKS\[0\]\[protocol\]/],
    [
      'a secret name instead of an ARN',
      JSON.stringify([{ ...hook, secretArn: 'misybot/slack' }]),
      /WEBHOOKS\[0\]\[secretArn\]: must be a secret ARN/,
    ],
  ])('refuses %s, naming the field', (_what, value, message) => {
    expect(() => readFormatterSettings({ ...topics, WEBHOOKS: value })).toThrow(message);
  });

  it('needs the topic ARNs', () => {
    expect(() => readFormatterSettings({ WEBHOOKS: JSON.stringify([hook]) })).toThrow(
      /CRITICAL_TOPIC_ARN: must be set/,
    );
  });
});
