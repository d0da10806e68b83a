import { type Stack, Token } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { HealthCheck } from '../functions/core/health/check-schema';
import { type HealthCheckConfig, healthCheckConfigSchema } from '../functions/core/health/health-config';
import { formatConfigIssues } from '../functions/shared/config';
import { renderForNag } from './nag-ids';

/** What the checks alone do not say about the resources they read. */
export interface HealthPermissionOptions {
  /**
   * Nodes (primary and replicas) of each checked replication group: each node is then named in the
   * policy. @default unknown: any node of the group
   */
  readonly cacheNodeCount?: number;
}

/** A statement for the health function's role and the cdk-nag findings it knowingly raises. */
export interface HealthPermission {
  readonly statement: PolicyStatement;
  readonly acknowledgements: readonly { readonly id: string; readonly reason: string }[];
}

// Valid stand-ins for deploy-time values, so the rest of the config is checked in full.
const STAND_INS: Readonly<Record<string, string>> = {
  targetGroupArn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/token/0123456789abcdef',
  functionName: 'token',
  clusterId: 'token',
  replicationGroupId: 'token',
};

/**
 * Validates the checks at synth time with the same schema the function uses at cold start.
 * Deploy-time tokens (an ARN, a DNS name) are swapped for valid stand-ins first: what they will
 * be is checked by the function, everything else (ids, components, dependencies, thresholds)
 * fails the synth here, naming the field.
 */
export function validateHealthChecks(config: HealthCheckConfig): void {
  const input = withStandIns(config);
  const result = healthCheckConfigSchema.safeParse(input);
  if (result.success) return;
  const lines = formatConfigIssues(result.error.issues, input).map((line) => `  - ${line}`);
  throw new Error(`Invalid health checks:\n${lines.join('\n')}`);
}

function withStandIns(value: unknown, key?: string): unknown {
  if (typeof value === 'string') {
    if (!Token.isUnresolved(value)) return value;
    return STAND_INS[key ?? ''] ?? value.replace(/\$\{Token\[[^\]]+\]\}/g, 'token');
  }
  if (Array.isArray(value)) return value.map((item) => withStandIns(item));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withStandIns(v, k)]));
  }
  return value;
}

/**
 * What the checks read, and nothing else: one statement per check kind present. ELB target
 * health and CloudWatch metrics have no resource-level permissions; RDS authorises a filtered
 * DescribeDBInstances against `db:*`; replica cache clusters are named after their group.
 */
export function healthCheckPermissions(
  stack: Stack,
  config: HealthCheckConfig,
  options: HealthPermissionOptions = {},
): HealthPermission[] {
  const arn = (service: string, resource: string) =>
    `arn:${stack.partition}:${service}:${stack.region}:${stack.account}:${resource}`;
  const of = <K extends HealthCheck['kind']>(kind: K) =>
    config.checks.filter((check): check is Extract<HealthCheck, { kind: K }> => check.kind === kind);
  const permissions: HealthPermission[] = [];
  const targetHealth = of('alb-target-health');
  if (targetHealth.length > 0) {
    permissions.push({
      statement: new PolicyStatement({
        actions: ['elasticloadbalancing:DescribeTargetHealth'],
        resources: ['*'],
      }),
      // No resource-level permissions; "*" is acknowledged for the platform (platform-acknowledgements.ts).
      acknowledgements: [],
    });
  }
  const clusters = [...new Set(of('aurora').map((check) => check.clusterId))];
  if (clusters.length > 0) {
    permissions.push({
      statement: new PolicyStatement({
        actions: ['rds:DescribeDBClusters'],
        resources: clusters.map((id) => arn('rds', `cluster:${id}`)),
      }),
      acknowledgements: [],
    });
    permissions.push({
      statement: new PolicyStatement({
        actions: ['rds:DescribeDBInstances'],
        resources: [arn('rds', 'db:*')],
      }),
      // Acknowledged for the platform in platform-acknowledgements.ts.
      acknowledgements: [],
    });
  }
  const groups = [...new Set(of('elasticache').map((check) => check.replicationGroupId))];
  if (groups.length > 0) {
    permissions.push({
      statement: new PolicyStatement({
        actions: ['elasticache:DescribeReplicationGroups'],
        resources: groups.map((id) => arn('elasticache', `replicationgroup:${id}`)),
      }),
      acknowledgements: [],
    });
    // Node cluster ids are the group id plus a three-digit node number, so with the node count
    // known each node is named; without it, the number is the wildcard.
    const nodes = options.cacheNodeCount;
    permissions.push({
      statement: new PolicyStatement({
        actions: ['elasticache:DescribeCacheClusters'],
        resources: groups.flatMap((id) =>
          nodes === undefined
            ? [arn('elasticache', `cluster:${id}-*`)]
            : Array.from({ length: nodes }, (_, i) =>
                arn('elasticache', `cluster:${id}-${String(i + 1).padStart(3, '0')}`),
              ),
        ),
      }),
      acknowledgements:
        nodes === undefined
          ? groups.map((id) => ({
              id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:elasticache:<AWS::Region>:<AWS::AccountId>:cluster:${renderForNag(stack, id)}-*]`,
              reason:
                "The ElastiCache probe describes the group's nodes, whose cache cluster ids are the group id plus a node number.",
            }))
          : [],
    });
  }
  if (of('aurora').length > 0 || of('lambda-errors').length > 0) {
    permissions.push({
      statement: new PolicyStatement({ actions: ['cloudwatch:GetMetricData'], resources: ['*'] }),
      acknowledgements: [],
    });
  }
  return permissions;
}
