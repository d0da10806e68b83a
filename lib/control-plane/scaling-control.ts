import { join } from 'node:path';
import { Duration } from 'aws-cdk-lib';
import type { IAutoScalingGroup } from 'aws-cdk-lib/aws-autoscaling';
import type { Alarm, IAlarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, type Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { defaultPolicyInput } from '../../functions/core/scaling/default-policy';
import { type PolicySetInput, parsePolicySet } from '../../functions/core/scaling/policy-schema';
import type { FleetSettings } from '../../functions/shared/config';
import type { SeverityTopics } from '../observability/alert-topics';
import { ControlFunction } from './control-function';
import { grantPublish, grantTableItems } from './grants';

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
  readonly topics: SeverityTopics;
  /** The deployed default policy (an operator's override in the state table takes precedence). */
  readonly policy: PolicySetInput;
  /** When the scaling run starts, usually `controlPlane.schedules.scaling` (validated by the config schema). */
  readonly schedule: Schedule;
  /** Alarms (fleet CPU, memory) whose state changes trigger an immediate evaluation. */
  readonly alarms: readonly IAlarm[];
  readonly logRetentionDays: number;
  readonly memorySize: number;
  /** Decide and explain, never act. @default false */
  readonly dryRun?: boolean;
  /** Runs at once: a schedule tick and an alarm's state change may coincide. @default 2 */
  readonly reservedConcurrency?: number;
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

    this.function = new ControlFunction(this, 'Function', {
      entry: join(__dirname, '..', '..', 'functions', 'handlers', 'scaling', 'index.ts'),
      serviceName: 'scaling',
      description: 'MisyBot HA scaling: decides and sets the fleet desired capacity, and explains why',
      timeout: Duration.seconds(60),
      memorySize: props.memorySize,
      logRetentionDays: props.logRetentionDays,
      // A failed run releases its event record, so Lambda's retry decides again on fresh data;
      // after the retries the event rests in the failure queue, which is alarmed.
      retryAttempts: 2,
      reservedConcurrentExecutions: props.reservedConcurrency ?? 2,
      alarms: {
        topics: props.topics,
        severity: 'warning',
        impact: 'the fleet is not being scaled',
        // One failed run is covered by the next minute's; several in a row mean the fleet is unmanaged.
        errorsThreshold: 3,
      },
      environment: {
        STATE_TABLE: props.stateTable.tableName,
        AUTO_SCALING_GROUP: props.autoScalingGroup.autoScalingGroupName,
        TARGET_GROUP_FULL_NAME: props.targetGroupFullName,
        LOAD_BALANCER_FULL_NAME: props.loadBalancerFullName,
        INFO_TOPIC_ARN: props.topics.topic('info').topicArn,
        WARNING_TOPIC_ARN: props.topics.topic('warning').topicArn,
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
      schedule: props.schedule,
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

    this.errorsAlarm = this.function.alarms.errors;
    this.throttlesAlarm = this.function.alarms.throttles;
    this.failureQueueAlarm = this.function.alarms.failureQueue;
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
    // Get/Put/Query (decisions, intended change, policy, history, lease, event records), Update (an
    // event record completed) and Delete (lease and event record released); items on the table
    // only, never its indexes.
    grantTableItems(fn, props.stateTable, [
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
      'dynamodb:Query',
    ]);
    grantPublish(fn, [props.topics.topic('info'), props.topics.topic('warning')]);
  }
}
