import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { Severity } from '../../functions/shared/config';
import type { SeverityTopics } from '../observability/alert-topics';

/** Where a control function's alarms go and what its failure means, for the alarm descriptions. */
export interface ControlFunctionAlarmOptions {
  readonly topics: SeverityTopics;
  /** The topic the alarms notify, and the alarm descriptions' `[severity]` prefix. */
  readonly severity: Severity;
  /** What stops when the function fails, e.g. "the fleet is not being scaled". */
  readonly impact: string;
  /**
   * Errors that raise the alarm within `errorsPeriod`: 1 for a function whose every failure
   * matters, more for one whose next scheduled run retries anyway.
   * @default 1
   */
  readonly errorsThreshold?: number;
  /** @default Duration.minutes(5) */
  readonly errorsPeriod?: Duration;
}

/**
 * The three ways a control function fails silently, each an alarm that notifies on ALARM and OK:
 * invocations that throw (Errors), invocations Lambda refuses because the function's reserved
 * concurrency is used up (Throttles), and asynchronous events that ended in its on-failure queue
 * (any message visible).
 */
export class ControlFunctionAlarms extends Construct {
  readonly errors: Alarm;
  readonly throttles: Alarm;
  readonly failureQueue: Alarm;

  constructor(
    scope: Construct,
    id: string,
    fn: IFunction & { readonly serviceName: string; readonly failureQueue: IQueue },
    options: ControlFunctionAlarmOptions,
  ) {
    super(scope, id);
    const threshold = options.errorsThreshold ?? 1;
    if (!Number.isInteger(threshold) || threshold < 1) {
      throw new Error(`errorsThreshold must be a whole number ≥ 1, got ${threshold}.`);
    }
    const period = options.errorsPeriod ?? Duration.minutes(5);
    const action = new SnsAction(options.topics.topic(options.severity));
    const alarm = (name: string, props: ConstructorParameters<typeof Alarm>[2]) => {
      const created = new Alarm(this, name, props);
      created.addAlarmAction(action);
      created.addOkAction(action);
      return created;
    };
    const prefix = `[${options.severity}] The ${fn.serviceName} function`;
    const common = {
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    };
    this.errors = alarm('Errors', {
      ...common,
      metric: fn.metricErrors({ period, statistic: 'Sum' }),
      threshold,
      alarmDescription: `${prefix} failed ${threshold > 1 ? `${threshold}+ times ` : ''}in ${period.toHumanString()}: ${options.impact}`,
    });
    this.throttles = alarm('Throttles', {
      ...common,
      metric: fn.metricThrottles({ period: Duration.minutes(5), statistic: 'Sum' }),
      threshold: 1,
      alarmDescription: `${prefix} was throttled (its reserved concurrency is used up): ${options.impact}`,
    });
    this.failureQueue = alarm('FailureQueue', {
      ...common,
      metric: fn.failureQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: 'Maximum',
      }),
      threshold: 1,
      alarmDescription: `${prefix} dropped events into its failure queue (read and delete them): ${options.impact}`,
    });
  }

  /** All three, for dashboards and tests. */
  get all(): readonly Alarm[] {
    return [this.errors, this.throttles, this.failureQueue];
  }
}
