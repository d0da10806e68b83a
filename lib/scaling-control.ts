import { join } from 'node:path';
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import type { IAutoScalingGroup } from 'aws-cdk-lib/aws-autoscaling';
import { Alarm, ComparisonOperator, type IAlarm, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { defaultPolicyInput } from '../functions/core/scaling/default-policy';
import { type PolicySetInput, parsePolicySet } from '../functions/core/scaling/policy-schema';
import type { FleetSettings } from '../functions/shared/config';
import { ControlFunction } from './control-function';
import { renderForNag } from './nag-ids';

/** The platform's default scaling policy within the configured fleet's bounds and warm-up. */
export function platformScalingPolicy(fleet: FleetSettings): PolicySetInput {
  return {
    ...defaultPolicyInput,
    minCapacity: fleet.minCapacity,
    maxCapacity: fleet.maxCapacity,
    warmupSeconds: fleet.warmupSeconds,
  };
}

export interface ScalingControlProps {
  /** The control plane's state table: decisions, policy override, lease, event records. */
  readonly stateTable: ITable;
  /** The group the function scales; only its ARN may be scaled. */
  readonly autoScalingGroup: IAutoScalingGroup;
  /** `targetgroup/<name>/<id>` of the fleet's target group (`RequestCountPerTarget`). */
  readonly targetGroupFullName: string;
  /** `app/<name>/<id>` of the ALB. */
  readonly loadBalancerFullName: string;
  /** `info` hears about every scaling action; `warning` about saturation and the function's own alarms. */
  readonly topics: { readonly info: ITopic; readonly warning: ITopic };
  /** The deployed default policy (an operator's override in the state table takes precedence). */
  readonly policy: PolicySetInput;
  /** EventBridge schedule expression, usually `controlPlane.schedules.scaling`: `rate(1 minute)`. */
  readonly schedule: string;
  /** Alarms (fleet CPU, memory) whose state changes trigger an immediate evaluation. */
  readonly alarms: readonly IAlarm[];
  readonly logRetentionDays: number;
  readonly memorySize: number;
  /** Decide and explain, never act. @default false */
  readonly dryRun?: boolean;
}

// Lambda's limit is 4 KB for all variables together.
const MAX_POLICY_CHARS = 3000;

/**
 * The scaling function with its triggers (a schedule and the given alarms' state changes), its
 * least-privilege role, and alarms on its own failures routed to the `warning` topic. The admin
 * API invokes `function` directly to evaluate on demand.
 */
export class ScalingControl extends Construct {
  readonly function: ControlFunction;
  readonly scheduleRule: Rule;
  /** Absent when no alarm was given. */
  readonly alarmRule?: Rule;
  readonly errorsAlarm: Alarm;
  readonly throttlesAlarm: Alarm;
  readonly failureQueueAlarm: Alarm;

  constructor(scope: Construct, id: string, props: ScalingControlProps) {
    super(scope, id);
    const policy = JSON.stringify(parsePolicySet(props.policy, 'ScalingControl policy'));
    if (policy.length > MAX_POLICY_CHARS) {
      throw new Error(
        `ScalingControl policy is ${policy.length} characters as JSON; at most ${MAX_POLICY_CHARS} fit in the Lambda environment. Store a larger policy as an override in the state table.`,
      );
    }
    if (!/^(rate|cron)\(.+\)$/.test(props.schedule)) {
      throw new Error(`ScalingControl schedule must be "rate(...)" or "cron(...)", got "${props.schedule}".`);
    }

    this.function = new ControlFunction(this, 'Function', {
      entry: join(__dirname, '..', 'functions', 'handlers', 'scaling', 'index.ts'),
      serviceName: 'scaling',
      description: 'MisyBot HA scaling: decides and sets the fleet desired capacity, and explains why',
      timeout: Duration.seconds(60),
      memorySize: props.memorySize,
      logRetentionDays: props.logRetentionDays,
      // A failed run releases its event record, so Lambda's retry decides again on fresh data;
      // after the retries the event rests in the failure queue, which is alarmed.
      retryAttempts: 2,
      environment: {
        STATE_TABLE: props.stateTable.tableName,
        AUTO_SCALING_GROUP: props.autoScalingGroup.autoScalingGroupName,
        TARGET_GROUP_FULL_NAME: props.targetGroupFullName,
        LOAD_BALANCER_FULL_NAME: props.loadBalancerFullName,
        INFO_TOPIC_ARN: props.topics.info.topicArn,
        WARNING_TOPIC_ARN: props.topics.warning.topicArn,
        DEFAULT_POLICY: policy,
        DRY_RUN: props.dryRun === true ? 'true' : 'false',
      },
    });
    this.grantAccess(props);

    const target = new LambdaFunction(this.function, {
      retryAttempts: 2,
      // A decision request older than this has been overtaken by the next scheduled run.
      maxEventAge: Duration.minutes(5),
      deadLetterQueue: this.function.failureQueue,
    });
    this.scheduleRule = new Rule(this, 'Schedule', {
      description: 'Evaluates the fleet capacity on a schedule',
      schedule: Schedule.expression(props.schedule),
      targets: [target],
    });
    if (props.alarms.length > 0) {
      this.alarmRule = new Rule(this, 'AlarmStateChanges', {
        description: 'Fleet CPU and memory alarm state changes → immediate scaling evaluation',
        eventPattern: {
          source: ['aws.cloudwatch'],
          detailType: ['CloudWatch Alarm State Change'],
          resources: props.alarms.map((alarm) => alarm.alarmArn),
        },
        targets: [target],
      });
    }

    const warn = new SnsAction(props.topics.warning);
    const alarm = (alarmId: string, options: ConstructorParameters<typeof Alarm>[2]) => {
      const created = new Alarm(this, alarmId, options);
      created.addAlarmAction(warn);
      created.addOkAction(warn);
      return created;
    };
    // One failed run is covered by the next minute's; several in a row mean the fleet is unmanaged.
    this.errorsAlarm = alarm('ErrorsAlarm', {
      metric: this.function.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
      threshold: 3,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription:
        '[warning] The scaling function failed 3+ times in 5 minutes: the fleet is not being scaled',
    });
    this.throttlesAlarm = alarm('ThrottlesAlarm', {
      metric: this.function.metricThrottles({ period: Duration.minutes(5), statistic: 'Sum' }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription:
        '[warning] The scaling function was throttled: scaling evaluations were delayed or lost',
    });
    this.failureQueueAlarm = alarm('FailureQueueAlarm', {
      metric: this.function.failureQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: 'Maximum',
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: '[warning] Failed scaling invocations are waiting in the failure queue to be read',
    });
  }

  private grantAccess(props: ScalingControlProps): void {
    const fn = this.function;
    const groupArn = props.autoScalingGroup.autoScalingGroupArn;
    fn.addToRolePolicy(
      new PolicyStatement({ actions: ['autoscaling:SetDesiredCapacity'], resources: [groupArn] }),
    );
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: [
          'autoscaling:DescribeAutoScalingGroups',
          'autoscaling:DescribeScalingActivities',
          'cloudwatch:GetMetricData',
        ],
        resources: ['*'],
      }),
    );
    // Get/Put/Query (decisions, policy, history, lease, event records), Update (an event record
    // completed) and Delete (lease and event record released); items on the table only, never its
    // indexes.
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: [
          'dynamodb:GetItem',
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
          'dynamodb:DeleteItem',
          'dynamodb:Query',
        ],
        resources: [props.stateTable.tableArn],
      }),
    );
    props.stateTable.encryptionKey?.grant(fn, ...TABLE_KEY_ACTIONS);
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['sns:Publish'],
        resources: [props.topics.info.topicArn, props.topics.warning.topicArn],
      }),
    );
    const topicKeys = new Set([props.topics.info.masterKey, props.topics.warning.masterKey]);
    for (const key of topicKeys) key?.grant(fn, 'kms:Decrypt', 'kms:GenerateDataKey');

    const role = fn.role!;
    const acknowledge = (ruleId: string, reason: string) =>
      Validations.of(role).acknowledge({ id: ruleId, reason });
    acknowledge(
      'AwsSolutions-IAM5[Resource::*]',
      'autoscaling:DescribeAutoScalingGroups, autoscaling:DescribeScalingActivities, cloudwatch:GetMetricData and X-Ray PutTraceSegments/PutTelemetryRecords have no resource-level permissions; all are read-only or telemetry.',
    );
    acknowledge(
      `AwsSolutions-IAM5[Resource::${renderForNag(Stack.of(this), groupArn)}]`,
      'SetDesiredCapacity on one Auto Scaling group named in full; the "*" is the group id Auto Scaling assigns at creation, which no template can know.',
    );
  }
}

/** Expanded instead of `kms:ReEncrypt*`/`kms:GenerateDataKey*`: what DynamoDB needs for a CMK-encrypted table, no wildcards. */
const TABLE_KEY_ACTIONS = [
  'kms:Decrypt',
  'kms:DescribeKey',
  'kms:Encrypt',
  'kms:GenerateDataKey',
  'kms:GenerateDataKeyWithoutPlaintext',
  'kms:ReEncryptFrom',
  'kms:ReEncryptTo',
];
