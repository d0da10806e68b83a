import { Template } from 'aws-cdk-lib/assertions';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { parseHealthCheckConfig } from '../../../functions/core/health/health-config';
import type { PlatformConfig } from '../../../functions/shared/config';
import { loadPlatformConfig } from '../../../functions/shared/config/load-file';
import { PlatformStack } from '../../../lib/platform-stack';
import { testApp } from '../../support/cdk';
import { deployTime } from '../../support/deploy-time';
import { awsSolutionsFindings } from '../../support/nag';

/** The platform stack, which wires HealthControl to its own resources. */
function platformWithHealth(config: PlatformConfig, app = testApp()) {
  const stack = new PlatformStack(app, 'Platform', { config });
  return { app, stack, health: stack.controlPlane.health };
}

/** The configuration with `fleet.app` settings replaced. */
function withApp(config: PlatformConfig, app: Partial<PlatformConfig['fleet']['app']>): PlatformConfig {
  return { ...config, fleet: { ...config.fleet, app: { ...config.fleet.app, ...app } } };
}

/** The health function's HEALTH_CHECKS as CloudFormation would resolve it, parsed. */
function resolvedHealthChecks(stack: PlatformStack) {
  const health = stack.controlPlane.health;
  const resources = Template.fromStack(stack).toJSON().Resources as Record<
    string,
    { Type: string; Properties: { Environment?: { Variables: Record<string, unknown> } } }
  >;
  // What each Ref resolves to for these resource types.
  const refs = Object.fromEntries(
    Object.entries(resources).flatMap(([id, resource]): [string, string][] => {
      if (resource.Type === 'AWS::ElasticLoadBalancingV2::TargetGroup')
        return [
          [
            id,
            `arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/${id.slice(0, 20)}/0123456789abcdef`,
          ],
        ];
      if (resource.Type === 'AWS::ElastiCache::ReplicationGroup') return [[id, 'misybot-cache']];
      // The cluster identifier is generated (and lower-cased) by RDS.
      if (resource.Type === 'AWS::RDS::DBCluster') return [[id, 'misybot-ha-databasecluster-1a2b3c4d5e6f']];
      if (resource.Type === 'AWS::Lambda::Function') return [[id, `misybot-ha-${id.slice(0, 40)}`]];
      return [];
    }),
  );
  const fn = resources[stack.getLogicalId(health.healthFunction.node.defaultChild as CfnFunction)]!;
  const parsed = parseHealthCheckConfig(
    JSON.parse(deployTime(fn.Properties.Environment!.Variables.HEALTH_CHECKS, refs)),
  );
  return parsed;
}

describe('HealthControl on the platform stack', () => {
  const config = loadPlatformConfig();

  test('synthesises with the default configuration and no unacknowledged cdk-nag finding', () => {
    const { app } = platformWithHealth(config);
    expect(awsSolutionsFindings(app)).toEqual([]);
  });

  test('HEALTH_CHECKS, once CloudFormation resolves the target groups and the cache, passes the schema', () => {
    const { stack } = platformWithHealth(config);
    const parsed = resolvedHealthChecks(stack);
    expect(parsed.checks.map((check) => check.id)).toEqual([
      'api-endpoint',
      ...stack.dataTier.edge.targetGroups.map((_g, i) =>
        i === 0 ? 'fleet-targets' : `fleet-targets-${i + 1}`,
      ),
      'database-cluster',
      'cache-replication-group',
      'database-data-path',
      'cache-data-path',
      'control-scaling-errors',
      'control-failover-errors',
      'control-slow-queries-errors',
    ]);
    expect(parsed.checks[0]).toMatchObject({
      kind: 'http',
      url: `${stack.dataTier.edge.endpointUrl}/health`,
    });
    // The data path as the service reports it, on the same URL as the endpoint's check.
    expect(parsed.checks.filter((check) => check.kind === 'dependency')).toEqual([
      expect.objectContaining({
        component: 'database',
        dependency: 'database',
        critical: true,
        url: `${stack.dataTier.edge.endpointUrl}/health`,
      }),
      expect.objectContaining({ component: 'cache', dependency: 'cache', critical: false }),
    ]);
  });

  test("leaves the data-path checks out for an artifact of the user's own, whose health body it cannot know", () => {
    const own = withApp(config, { artifact: { kind: 's3', bucket: 'builds', key: 'chat.zip' } });
    const { stack } = platformWithHealth(own);
    expect(resolvedHealthChecks(stack).checks.filter((check) => check.kind === 'dependency')).toEqual([]);
  });

  test("checks the keys an artifact of the user's own declares in dependencyReport", () => {
    const own = withApp(config, {
      artifact: { kind: 's3', bucket: 'builds', key: 'chat.zip' },
      dependencyReport: { database: 'postgres', cache: 'redis', maxCacheLatencyMs: 100 },
    });
    const { stack } = platformWithHealth(own);
    expect(resolvedHealthChecks(stack).checks.filter((check) => check.kind === 'dependency')).toEqual([
      expect.objectContaining({ component: 'database', dependency: 'postgres' }),
      expect.objectContaining({ component: 'cache', dependency: 'redis', maxLatencyMs: 100 }),
    ]);
  });

  test('leaves them out for the demo too when dependencyReport is false', () => {
    const { stack } = platformWithHealth(withApp(config, { dependencyReport: false }));
    expect(resolvedHealthChecks(stack).checks.filter((check) => check.kind === 'dependency')).toEqual([]);
  });
});
