import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  MathExpression,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Construct } from 'constructs';
import { RunMetric } from '../../functions/core/runs/run-log';
import { METRICS_NAMESPACE } from '../../functions/shared/config';
import type { SeverityTopics } from './alert-topics';

export interface RunAlarmsProps {
  /**
   * The functions whose runs take leases, by their Powertools service name (the `service`
   * dimension of their metrics): up to 10, the limit of metrics in one alarm's expression.
   */
  readonly functions: readonly { readonly serviceName: string }[];
  /** Its warning topic gets the alarm, on alarm and on recovery. */
  readonly topics: SeverityTopics;
}

/**
 * The run guarantee no single function's alarms cover: a lease that could not be released (it
 * blocks the next runs until it lapses), summed over the control functions. An event parked in a
 * function's failure queue after Lambda's retries is alarmed by the function itself
 * (`ControlFunctionAlarms.failureQueue`).
 */
export class RunAlarms extends Construct {
  readonly lockReleaseAlarm: Alarm;

  constructor(scope: Construct, id: string, props: RunAlarmsProps) {
    super(scope, id);
    const names = props.functions.map((f) => f.serviceName);
    if (names.length === 0 || names.length > 10) {
      throw new Error(`RunAlarms takes 1 to 10 functions (one alarm expression), got ${names.length}.`);
    }
    if (new Set(names).size !== names.length) {
      throw new Error(`RunAlarms functions must have distinct service names, got ${names.join(', ')}.`);
    }
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
    this.lockReleaseAlarm = new Alarm(this, 'LockReleaseFailures', {
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
    const action = new SnsAction(props.topics.topic('warning'));
    this.lockReleaseAlarm.addAlarmAction(action);
    this.lockReleaseAlarm.addOkAction(action);
  }
}
