import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  MathExpression,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { RunMetric } from '../functions/core/runs/run-log';
import { type ControlFunction, METRICS_NAMESPACE } from './control-function';

/** A control function whose runs end in run records. */
export interface GuardedFunction {
  /** Its Powertools service name: the `service` dimension of its metrics. */
  readonly serviceName: string;
  readonly function: ControlFunction;
  /**
   * Alarm when an event is parked in its failure queue (its work failed through every retry).
   * Off for a function whose construct already alarms on its queue.
   * @default true
   */
  readonly alarmOnParkedEvents?: boolean;
}

export interface RunAlarmsProps {
  /** Up to 10 functions (the limit of metrics in one alarm's expression). */
  readonly functions: readonly GuardedFunction[];
  /** Where the alarms go, on alarm and on recovery. */
  readonly topic: ITopic;
}

/**
 * The control plane's run guarantees, alarmed: a lease that could not be released (it blocks the
 * next runs until it lapses), and an event parked in a function's failure queue after Lambda's
 * retries (its work is not done: a person reads the queue). Both go to one topic.
 */
export class RunAlarms extends Construct {
  readonly lockReleaseAlarm: Alarm;
  /** One per function with `alarmOnParkedEvents`, by service name. */
  readonly parkedEventAlarms: ReadonlyMap<string, Alarm>;

  constructor(scope: Construct, id: string, props: RunAlarmsProps) {
    super(scope, id);
    const names = props.functions.map((f) => f.serviceName);
    if (props.functions.length === 0 || props.functions.length > 10) {
      throw new Error(
        `RunAlarms takes 1 to 10 functions (one alarm expression), got ${props.functions.length}.`,
      );
    }
    if (new Set(names).size !== names.length) {
      throw new Error(`RunAlarms functions must have distinct service names, got ${names.join(', ')}.`);
    }
    const action = new SnsAction(props.topic);
    const alarm = (alarmId: string, options: ConstructorParameters<typeof Alarm>[2]) => {
      const created = new Alarm(this, alarmId, options);
      created.addAlarmAction(action);
      created.addOkAction(action);
      return created;
    };
    const releases = Object.fromEntries(
      names.map((service, i) => [
        `m${i}`,
        new Metric({
          namespace: METRICS_NAMESPACE,
          metricName: RunMetric.lockReleaseFailures,
          dimensionsMap: { service },
          statistic: 'Sum',
          period: Duration.minutes(5),
        }),
      ]),
    );
    this.lockReleaseAlarm = alarm('LockReleaseFailures', {
      metric: new MathExpression({
        expression: 'SUM(METRICS())',
        usingMetrics: releases,
        period: Duration.minutes(5),
        label: 'Leases not released',
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: `[warning] A control function could not release a lease (${names.join(', ')}): the next runs wait until it lapses; see the "run record" log lines with a lock-release problem`,
    });
    const parked = new Map<string, Alarm>();
    for (const guarded of props.functions) {
      if (guarded.alarmOnParkedEvents === false) continue;
      parked.set(
        guarded.serviceName,
        alarm(`ParkedEvents-${guarded.serviceName}`, {
          metric: guarded.function.failureQueue.metricApproximateNumberOfMessagesVisible({
            period: Duration.minutes(5),
            statistic: 'Maximum',
          }),
          threshold: 1,
          evaluationPeriods: 1,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          treatMissingData: TreatMissingData.NOT_BREACHING,
          alarmDescription: `[warning] An event of ${guarded.serviceName} failed through every retry and is parked in its failure queue: its work is not done`,
        }),
      );
    }
    this.parkedEventAlarms = parked;
  }
}
