import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  type IMetric,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Construct } from 'constructs';
import { COMPONENT_STATUS_VALUE, HEALTH_METRICS } from '../functions/core/health/health-metrics';
import type { Severity } from '../functions/shared/config';
import type { SeverityTopics } from './alert-topics';
import { METRICS_NAMESPACE } from './control-function';

export interface HealthAlarmsProps {
  readonly topics: SeverityTopics;
  /** The health function's Powertools service name: the `service` dimension of its metrics. */
  readonly serviceName: string;
  readonly componentIds: readonly string[];
  readonly checkIds: readonly string[];
}

/** One alarm with the severity it notifies. */
export interface HealthAlarm {
  readonly id: string;
  readonly severity: Severity;
  readonly alarm: Alarm;
}

/**
 * CloudWatch alarms on the health check's EMF metrics, as a backstop to the function's own
 * alerts (they fire even if its SNS publishing is broken) and for dashboards:
 * - `ComponentStatus` down (≥ 2) in two consecutive minutes → critical;
 * - `CheckUp` minimum 0 in two consecutive minutes (a failing probe in each) → warning;
 * - no completed round for three minutes (heartbeat) → warning.
 * Each notifies its topic on ALARM and on OK. The functions' own errors, throttles and failed
 * events are alarmed by ControlFunction.
 */
export class HealthAlarms extends Construct {
  readonly alarms: readonly HealthAlarm[];

  constructor(scope: Construct, id: string, props: HealthAlarmsProps) {
    super(scope, id);
    const alarms: HealthAlarm[] = [];
    const metric = (metricName: string, statistic: string, dimensions: Record<string, string> = {}) =>
      new Metric({
        namespace: METRICS_NAMESPACE,
        metricName,
        statistic,
        period: Duration.minutes(1),
        dimensionsMap: { service: props.serviceName, ...dimensions },
      });
    const add = (
      key: string,
      severity: Severity,
      m: IMetric,
      description: string,
      options: {
        threshold: number;
        comparison: ComparisonOperator;
        periods: number;
        missing: TreatMissingData;
      },
    ) => {
      const alarm = new Alarm(this, key, {
        metric: m,
        threshold: options.threshold,
        comparisonOperator: options.comparison,
        evaluationPeriods: options.periods,
        datapointsToAlarm: options.periods,
        treatMissingData: options.missing,
        alarmDescription: `[${severity}] ${description}`,
      });
      const action = new SnsAction(props.topics.topic(severity));
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
      alarms.push({ id: key, severity, alarm });
    };

    // Ids may hold "-" and "."; construct ids are kept readable by position instead.
    props.componentIds.forEach((component, i) => {
      add(
        `ComponentDown${i + 1}`,
        'critical',
        metric(HEALTH_METRICS.componentStatus, 'Maximum', { Component: component }),
        `Component ${component} is down (health check)`,
        {
          threshold: COMPONENT_STATUS_VALUE.down,
          comparison: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          periods: 2,
          // Unknown emits nothing; the heartbeat alarm covers a silent function.
          missing: TreatMissingData.NOT_BREACHING,
        },
      );
    });
    props.checkIds.forEach((check, i) => {
      add(
        `CheckFailing${i + 1}`,
        'warning',
        metric(HEALTH_METRICS.checkUp, 'Minimum', { Check: check }),
        `Health check ${check} failed in each of the last 2 minutes`,
        {
          threshold: 1,
          comparison: ComparisonOperator.LESS_THAN_THRESHOLD,
          periods: 2,
          missing: TreatMissingData.NOT_BREACHING,
        },
      );
    });
    add(
      'HealthHeartbeat',
      'warning',
      metric(HEALTH_METRICS.rounds, 'Sum'),
      'No health-check round completed for 3 minutes: the platform is not being checked',
      {
        threshold: 1,
        comparison: ComparisonOperator.LESS_THAN_THRESHOLD,
        periods: 3,
        missing: TreatMissingData.BREACHING,
      },
    );
    this.alarms = alarms;
  }
}
