import { toHealthCheckFile } from '../../../../functions/core/health/config-file';
import { parseHealthCheckConfig } from '../../../../functions/core/health/health-config';
import { platformHealthChecks } from '../../../../functions/core/health/platform-checks';

const platform = platformHealthChecks({
  endpointUrl: 'https://api.example.com',
  healthCheckPath: '/health',
  targetGroupArns: ['arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/fleet/0123456789abcdef'],
  clusterIdentifier: 'misybot-db',
  replicationGroupId: 'misybot-cache',
  controlFunctions: [{ name: 'scaling', functionName: 'misybot-scaling' }],
});

describe('toHealthCheckFile', () => {
  it('parses back to the same config', () => {
    expect(parseHealthCheckConfig(JSON.parse(JSON.stringify(toHealthCheckFile(platform))))).toEqual(platform);
  });

  it('moves the timeout and thresholds most checks share into defaults, keeping only the checks that differ', () => {
    const [first, ...rest] = platform.checks;
    const mixed = { ...platform, checks: [{ ...first!, timeoutMs: 900, failureThreshold: 3 }, ...rest] };
    const file = toHealthCheckFile(mixed);
    expect(file.defaults).toEqual({ timeoutMs: 5000, failureThreshold: 2, successThreshold: 2 });
    expect(file.checks[0]).toMatchObject({ timeoutMs: 900, failureThreshold: 3 });
    expect(file.checks[0]).not.toHaveProperty('successThreshold');
    expect(file.checks.slice(1).some((check) => 'timeoutMs' in check)).toBe(false);
    expect(parseHealthCheckConfig(file)).toEqual(mixed);
  });

  it('is shorter than the resolved config by the numbers every check repeated, less the defaults once', () => {
    const repeated = JSON.stringify({ timeoutMs: 5000, failureThreshold: 2, successThreshold: 2 }).length - 1;
    const saved = JSON.stringify(platform).length - JSON.stringify(toHealthCheckFile(platform)).length;
    expect(saved).toBeGreaterThanOrEqual(platform.checks.length * repeated - 2 * repeated);
  });
});
