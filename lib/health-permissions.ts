import { type Stack, Token } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { HealthCheck } from '../functions/core/health/check-schema';
import { type HealthCheckConfig, healthCheckConfigSchema } from '../functions/core/health/health-config';
import { formatConfigIssues } from '../functions/shared/config';

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
export function healthCheckPermissions(stack: Stack, config: HealthCheckConfig): HealthPermission[] {
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
      acknowledgements: [
        star('elasticloadbalancing:DescribeTargetHealth has no resource-level permissions.'),
      ],
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
      acknowledgements: [
        {
          id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:rds:<AWS::Region>:<AWS::AccountId>:db:*]',
          reason:
            "The Aurora probe lists the cluster's instances with a db-cluster-id filter, which RDS authorises against db:*; it is read-only and returns descriptions, not data.",
        },
      ],
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
    permissions.push({
      statement: new PolicyStatement({
        actions: ['elasticache:DescribeCacheClusters'],
        resources: groups.map((id) => arn('elasticache', `cluster:${id}-*`)),
      }),
      acknowledgements: groups.map((id) => ({
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:elasticache:<AWS::Region>:<AWS::AccountId>:cluster:${nagName(stack, id)}-*]`,
        reason:
          "The ElastiCache probe describes the group's replica nodes, whose cache cluster ids are the group id plus a node number.",
      })),
    });
  }
  if (of('aurora').length > 0 || of('lambda-errors').length > 0) {
    permissions.push({
      statement: new PolicyStatement({ actions: ['cloudwatch:GetMetricData'], resources: ['*'] }),
      acknowledgements: [star('cloudwatch:GetMetricData has no resource-level permissions.')],
    });
  }
  return permissions;
}

/** How cdk-nag prints a value in a finding id: literals as they are, `Ref`/`GetAtt` as `<Id>`/`<Id.Attr>`. */
function nagName(stack: Stack, value: string): string {
  if (!Token.isUnresolved(value)) return value;
  const resolved = stack.resolve(value) as { Ref?: string; 'Fn::GetAtt'?: [string, string] };
  if (resolved.Ref) return `<${resolved.Ref}>`;
  if (resolved['Fn::GetAtt']) return `<${resolved['Fn::GetAtt'].join('.')}>`;
  return JSON.stringify(resolved);
}

function star(reason: string) {
  return { id: 'AwsSolutions-IAM5[Resource::*]', reason };
}
