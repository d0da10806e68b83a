import { defaultPolicyInput } from '../../../../functions/core/scaling/default-policy';
import { readScalingSettings } from '../../../../functions/handlers/scaling/settings';

const env = {
  STATE_TABLE: 'misybot-state',
  AUTO_SCALING_GROUP: 'misybot-fleet',
  TARGET_GROUP_FULL_NAME: 'targetgroup/misybot/0123456789abcdef',
  LOAD_BALANCER_FULL_NAME: 'app/misybot/0123456789abcdef',
  INFO_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:info',
  WARNING_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:warning',
  DEFAULT_POLICY: JSON.stringify(defaultPolicyInput),
  DRY_RUN: 'false',
};

describe('readScalingSettings', () => {
  it('reads the deployment and validates the default policy', () => {
    const settings = readScalingSettings(env);
    expect(settings).toMatchObject({
      stateTable: 'misybot-state',
      autoScalingGroupName: 'misybot-fleet',
      dryRun: false,
      defaultPolicy: { maxCapacity: 40, warmupSeconds: 240 },
    });
    expect(readScalingSettings({ ...env, DRY_RUN: 'true' }).dryRun).toBe(true);
  });

  it('names a missing variable', () => {
    const { WARNING_TOPIC_ARN: _, ...rest } = env;
    expect(() => readScalingSettings(rest)).toThrow(/WARNING_TOPIC_ARN: must be set by the deployment/);
  });

  it('names every invalid variable and policy field', () => {
    let error: unknown;
    try {
      readScalingSettings({
        ...env,
        DRY_RUN: 'yes',
        DEFAULT_POLICY: JSON.stringify({
          ...defaultPolicyInput,
          minCapacity: 9,
          maxCapacity: 3,
          surprise: 1,
        }),
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({ name: 'ConfigError' });
    const problems = (error as { problems: string[] }).problems;
    expect(problems).toContain('DRY_RUN: must be "true" or "false", got "yes"');
    expect(problems.some((p) => p.startsWith('DEFAULT_POLICY: ') && p.includes('maxCapacity'))).toBe(true);
    expect(problems.some((p) => p.includes('surprise'))).toBe(true);
  });

  it('says when the policy is not JSON at all', () => {
    expect(() => readScalingSettings({ ...env, DEFAULT_POLICY: '{oops' })).toThrow(
      /DEFAULT_POLICY: must be a JSON policy document/,
    );
  });
});
