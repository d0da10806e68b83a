import { readHealthSettings } from '../../../../functions/handlers/health-check/settings';

const checks = {
  components: [{ id: 'api' }],
  checks: [{ id: 'api-health', component: 'api', kind: 'http', url: 'https://api.example.com/health' }],
};
const env = (extra: Record<string, string | undefined> = {}) => ({
  STATE_TABLE: 'state',
  CRITICAL_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:critical',
  WARNING_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:warning',
  INFO_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:info',
  HEALTH_CHECKS: JSON.stringify(checks),
  ROUNDS: '6',
  ROUND_INTERVAL_MS: '10000',
  ...extra,
});

describe('readHealthSettings', () => {
  it('reads the table, topics, validated checks, rounds, interval and labels', () => {
    const settings = readHealthSettings(env({ ALERT_LABELS: '{"platform":"misybot","stage":"prod"}' }));
    expect(settings).toMatchObject({
      tableName: 'state',
      topicArns: { critical: 'arn:aws:sns:eu-west-1:123456789012:critical' },
      rounds: 6,
      intervalMs: 10_000,
      periodMs: 60_000,
      labels: { platform: 'misybot', stage: 'prod' },
    });
    expect(readHealthSettings(env({ SCHEDULE_PERIOD_MS: '300000' })).periodMs).toBe(300_000);
    expect(() => readHealthSettings(env({ SCHEDULE_PERIOD_MS: '5 minutes' }))).toThrow(
      /SCHEDULE_PERIOD_MS: must be an integer from 1000 to 86400000/,
    );
    expect(settings.config.checks[0]).toMatchObject({ timeoutMs: 5000, failureThreshold: 2 });
  });

  it('names the field of HEALTH_CHECKS that is wrong', () => {
    const bad = { ...checks, checks: [{ ...checks.checks[0], url: 'ftp://nope' }] };
    expect(() => readHealthSettings(env({ HEALTH_CHECKS: JSON.stringify(bad) }))).toThrow(
      expect.objectContaining({
        name: 'ConfigError',
        message: expect.stringMatching(/Invalid HEALTH_CHECKS:\n {2}- checks\[0\]\.url: must be an http/),
      }),
    );
  });

  it.each([
    [{ HEALTH_CHECKS: '{nope' }, /HEALTH_CHECKS: must be JSON/],
    [{ STATE_TABLE: undefined }, /STATE_TABLE: must be set by the deployment/],
    [{ ROUNDS: '13' }, /ROUNDS: must be an integer from 1 to 12, got "13"/],
    [
      { ROUND_INTERVAL_MS: '4000' },
      /ROUND_INTERVAL_MS: must be at least the longest check timeout \(5000 ms\)/,
    ],
    [{ ALERT_LABELS: '{"Platform":"x"}' }, /ALERT_LABELS: must be an object of label names/],
  ])('refuses %j', (extra, message) => {
    expect(() => readHealthSettings(env(extra))).toThrow(message);
  });

  it('fails the cold start of the deployed handler, naming the field', () => {
    const saved = { ...process.env };
    Object.assign(process.env, env({ HEALTH_CHECKS: JSON.stringify({ ...checks, components: [] }) }));
    try {
      jest.isolateModules(() => {
        expect(() => require('../../../../functions/handlers/health-check/index')).toThrow(
          /Invalid HEALTH_CHECKS:\n {2}- components: /,
        );
      });
      Object.assign(process.env, env(), { AWS_REGION: 'eu-west-1' });
      jest.isolateModules(() => {
        expect(typeof require('../../../../functions/handlers/health-check/index').handler).toBe('function');
      });
    } finally {
      process.env = saved;
    }
  });
});
