import { parseStartArgs } from '../../bin/start';

describe('npm start arguments', () => {
  test('defaults to the status page on 8787, real speed, the embedded configuration, no game day', () => {
    expect(parseStartArgs([], {})).toEqual({ help: false, port: 8787, speed: 1 });
  });

  test('takes PORT from the environment and a scenario by name', () => {
    const args = parseStartArgs(['--scenario', 'instance-loss', '--speed', '5'], { PORT: '0' });
    expect(args.port).toBe(0);
    expect(args.speed).toBe(5);
    expect(args.scenario?.name).toBe('instance-loss');
  });

  test('refuses a PORT that is not a port number, naming it', () => {
    expect(() => parseStartArgs([], { PORT: 'http' })).toThrow(
      'PORT must be a port number (0-65535), got "http"',
    );
  });

  test('refuses an unknown scenario, listing the known ones', () => {
    expect(() => parseStartArgs(['--scenario', 'meteor'], {})).toThrow(
      /--scenario must be one of instance-loss, database-writer-failure, .*got "meteor"/,
    );
  });

  test('refuses a speed out of range and a configuration file that does not exist', () => {
    expect(() => parseStartArgs(['--speed', '0'], {})).toThrow(
      '--speed must be a number from 1 to 60, got "0"',
    );
    expect(() => parseStartArgs(['--config', '/nonexistent.json'], {})).toThrow(
      '--config /nonexistent.json: no such file',
    );
  });

  test('refuses an option it does not know', () => {
    expect(() => parseStartArgs(['--scenaro', 'x'], {})).toThrow(/--scenaro/);
  });
});
