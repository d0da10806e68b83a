import { join } from 'node:path';
import { ArnFormat, Duration, Stack, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import type { GlobalResources } from '../../functions/core/failover/region/resources';
import type { RegionsSettings } from '../../functions/shared/config';
import { ControlFunction } from '../control-plane/control-function';
import { grantPublish, TABLE_KEY_ACTIONS } from '../control-plane/grants';
import { renderForNag } from '../nag-ids';
import { SEVERITIES, type SeverityTopics } from '../observability/alert-topics';

/**
 * The region failover function's name: fixed, so the primary region's admin API can invoke it
 * without a cross-region reference (the standby stack already depends on the primary one).
 */
export function regionFailoverFunctionName(platformName: string): string {
  return `${platformName}-ha-region-failover`;
}

/** The region failover function's ARN, as a stack in either region writes it. */
export function regionFailoverFunctionArn(stack: Stack, standbyRegion: string, platformName: string): string {
  return stack.formatArn({
    service: 'lambda',
    region: standbyRegion,
    resource: 'function',
    resourceName: regionFailoverFunctionName(platformName),
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}

export interface RegionFailoverControlProps {
  /** The platform's name (`config.name`): the function is named after it. */
  readonly platformName: string;
  readonly regions: RegionsSettings;
  /** `fleet.minCapacity`: what a region's fleet is raised to before it takes traffic. */
  readonly activeCapacity: number;
  /** The resources the engine acts on, in both regions (ARNs, ids, names). */
  readonly resources: GlobalResources;
  /** The standby fleet's Auto Scaling group ARN. */
  readonly standbyAutoScalingGroupArn: string;
  /**
   * The `misybot:platform` tag value both stacks put on their resources: the primary fleet (a
   * name only known in the other region) is reached through it.
   */
  readonly platformTag: string;
  /** The state table's replica in this region, and the key it is encrypted with here. */
  readonly stateTable: ITable;
  readonly stateKey: IKey;
  readonly topics: SeverityTopics;
  readonly logRetentionDays: number;
  readonly memorySize: number;
  /** @default 2 */
  readonly reservedConcurrency?: number;
}

/**
 * The `region` component's function, in the standby region so it runs when the primary region
 * does not: it observes both regions every minute and carries out switchovers, failovers,
 * failbacks and drills. Its role reaches the global cluster and datastore and their members by
 * ARN, the DNS gate, both fleets, the standby certificate and the secret replicas, and nothing else.
 */
export class RegionFailoverControl extends Construct {
  readonly function: ControlFunction;
  readonly scheduleRule: Rule;

  constructor(scope: Construct, id: string, props: RegionFailoverControlProps) {
    super(scope, id);
    const { resources } = props;
    const regions = [props.regions.primary.region, props.regions.secondary.region];
    const missing = regions.filter((region) => !resources.regions[region]);
    if (missing.length > 0) {
      throw new Error(
        `RegionFailoverControl resources must describe both regions, missing ${missing.join(', ')}.`,
      );
    }
    this.function = new ControlFunction(this, 'Function', {
      entry: join(__dirname, '..', '..', 'functions', 'handlers', 'region-failover', 'index.ts'),
      serviceName: 'region-failover',
      functionName: regionFailoverFunctionName(props.platformName),
      description:
        'MisyBot HA region failover: observes both regions, switches over, fails over, fails back, drills',
      // The longest a Lambda runs; each step has its own deadline within it.
      timeout: Duration.minutes(15),
      memorySize: props.memorySize,
      logRetentionDays: props.logRetentionDays,
      reservedConcurrentExecutions: props.reservedConcurrency ?? 2,
      alarms: {
        topics: props.topics,
        severity: 'critical',
        impact: 'region failover cannot observe or act',
        errorsPeriod: Duration.minutes(1),
      },
      environment: {
        STATE_TABLE: props.stateTable.tableName,
        CRITICAL_TOPIC_ARN: props.topics.topic('critical').topicArn,
        WARNING_TOPIC_ARN: props.topics.topic('warning').topicArn,
        INFO_TOPIC_ARN: props.topics.topic('info').topicArn,
        REGIONS: Stack.of(this).toJsonString(props.regions),
        ACTIVE_CAPACITY: String(props.activeCapacity),
        RESOURCES: Stack.of(this).toJsonString(resources),
      },
    });
    this.grantAccess(props, regions);
    this.scheduleRule = new Rule(this, 'Schedule', {
      description: 'Observes both regions every minute: detection, hold-down and automatic failover',
      schedule: Schedule.rate(Duration.minutes(1)),
      targets: [
        new LambdaFunction(this.function, {
          retryAttempts: 0,
          maxEventAge: Duration.minutes(2),
          deadLetterQueue: this.function.failureQueue,
        }),
      ],
    });
  }

  private grantAccess(props: RegionFailoverControlProps, regions: readonly string[]): void {
    const fn = this.function;
    const stack = Stack.of(this);
    const { resources } = props;
    const members = regions.map((region) => resources.regions[region]!);
    const globalClusterArn = `arn:${stack.partition}:rds::${stack.account}:global-cluster:${resources.globalClusterIdentifier}`;
    const datastoreArn = `arn:${stack.partition}:elasticache::${stack.account}:globalreplicationgroup:${resources.globalReplicationGroupId}`;
    const allow = (actions: string[], arns: string[]) =>
      fn.addToRolePolicy(new PolicyStatement({ actions, resources: arns }));
    // IAM authorises the global actions against the global cluster and the target member cluster.
    allow(
      ['rds:SwitchoverGlobalCluster', 'rds:FailoverGlobalCluster', 'rds:DescribeGlobalClusters'],
      [globalClusterArn, ...members.map((member) => member.clusterArn)],
    );
    allow(
      ['rds:DescribeDBClusters'],
      members.map((member) => member.clusterArn),
    );
    const standby = resources.regions[props.regions.secondary.region]!;
    const standbyClusterId = standby.clusterArn.split(':').at(-1)!;
    // Only the one instance a headless standby gets before its promotion, named after its cluster.
    allow(
      ['rds:CreateDBInstance'],
      [
        standby.clusterArn,
        stack.formatArn({
          service: 'rds',
          resource: 'db',
          resourceName: `${standbyClusterId}-takeover`,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      ],
    );
    allow(
      ['elasticache:FailoverGlobalReplicationGroup', 'elasticache:DescribeGlobalReplicationGroups'],
      [
        datastoreArn,
        ...members.map((member) =>
          stack.formatArn({
            service: 'elasticache',
            region: member.region,
            resource: 'replicationgroup',
            resourceName: member.replicationGroupId,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ),
      ],
    );
    const healthCheck = (id: string) => `arn:${stack.partition}:route53:::healthcheck/${id}`;
    allow(
      ['route53:GetHealthCheck', 'route53:GetHealthCheckStatus'],
      [
        healthCheck(resources.primaryGateHealthCheckId),
        ...members.map((member) => healthCheck(member.healthCheckId)),
      ],
    );
    allow(['route53:UpdateHealthCheck'], [healthCheck(resources.primaryGateHealthCheckId)]);
    allow(['autoscaling:UpdateAutoScalingGroup'], [props.standbyAutoScalingGroupArn]);
    const primaryGroups = `arn:${stack.partition}:autoscaling:${props.regions.primary.region}:${stack.account}:autoScalingGroup:*:autoScalingGroupName/*`;
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['autoscaling:UpdateAutoScalingGroup'],
        resources: [primaryGroups],
        conditions: { StringEquals: { 'aws:ResourceTag/misybot:platform': props.platformTag } },
      }),
    );
    Validations.of(fn.role!).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${renderForNag(stack, primaryGroups)}]`,
      reason:
        "Failback raises the primary region's fleet, whose group name is known only in that region: the statement is limited to that region's groups carrying this platform's misybot:platform tag.",
    });
    if (standby.certificateArn) allow(['acm:DescribeCertificate'], [standby.certificateArn]);
    const secretArns = members.flatMap((member) => member.secretArns);
    if (secretArns.length > 0) allow(['secretsmanager:DescribeSecret'], secretArns);
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['autoscaling:DescribeAutoScalingGroups', 'cloudwatch:GetMetricData'],
        resources: ['*'],
      }),
    );
    // The state table's replica: state, lease, ledger and timelines; nothing else.
    allow(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'], [props.stateTable.tableArn]);
    props.stateKey.grant(fn, ...TABLE_KEY_ACTIONS);
    grantPublish(
      fn,
      SEVERITIES.map((severity) => props.topics.topic(severity)),
    );
  }
}
