import { createHash } from 'node:crypto';
import {
  Alarm,
  ComparisonOperator,
  GraphWidget,
  type HorizontalAnnotation,
  type IMetric,
  type IWidget,
  MathExpression,
  Metric,
  Row,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Construct } from 'constructs';
import type { EndpointRouteSettings, EndpointsSettings } from '../functions/shared/config';
import type { PlatformAlarm } from './alarms';
import type { SeverityTopics } from './alert-topics';
import { PERIOD } from './platform-metrics';

export interface EndpointAlarmsProps {
  /** The `endpoints` slice of the platform configuration. */
  readonly settings: EndpointsSettings;
  /** Where each route's alarms notify, by the route's severity. */
  readonly topics: SeverityTopics;
}

const PERCENTILES = ['p50', 'p95', 'p99'] as const;
const HEIGHT = 6;

/**
 * Alarms on what `@misybot-ha/metrics` records, for the routes the configuration names: the p95
 * and p99 of `Latency` and the error rate `100 × Errors / Requests`, per minute, on the
 * [Service, Route, Method] dimension set the recorder writes. Each alarm notifies the topic of
 * its route's severity on ALARM and on OK. {@link widgets} draws a dashboard row per route.
 */
export class EndpointAlarms extends Construct {
  /** Ids read `endpoint:<METHOD> <route>:<p95Ms|p99Ms|errorRatePercent>` (the config field alarmed on). */
  readonly alarms: readonly PlatformAlarm[];
  private readonly settings: EndpointsSettings;

  constructor(scope: Construct, id: string, props: EndpointAlarmsProps) {
    super(scope, id);
    this.settings = props.settings;
    const alarms: PlatformAlarm[] = [];
    for (const route of props.settings.routes) {
      const name = `${route.method} ${route.route}`;
      const routeScope = new Construct(this, routeId(route));
      const action = new SnsAction(props.topics.topic(route.severity));
      const add = (field: 'p95Ms' | 'p99Ms' | 'errorRatePercent', metric: IMetric, description: string) => {
        const threshold = route[field];
        if (threshold === undefined) return;
        const alarm = new Alarm(routeScope, field, {
          metric,
          threshold,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: route.evaluationPeriods,
          datapointsToAlarm: route.datapointsToAlarm,
          // The recorder writes a document only for requests it saw, so a minute without traffic
          // to the route has no datapoint. A quiet route is not an incident; a service that is
          // down for everyone is caught by the ALB's 5xx, unhealthy-host and health-check alarms.
          treatMissingData: TreatMissingData.NOT_BREACHING,
          alarmDescription: `[${route.severity}] ${this.settings.service} ${name}: ${description}`,
        });
        alarm.addAlarmAction(action);
        alarm.addOkAction(action);
        alarms.push({ id: `endpoint:${name}:${field}`, severity: route.severity, alarm });
      };
      add('p95Ms', this.latency(route, 'p95'), `latency p95 ≥ ${route.p95Ms} ms`);
      add('p99Ms', this.latency(route, 'p99'), `latency p99 ≥ ${route.p99Ms} ms`);
      add(
        'errorRatePercent',
        this.errorRate(route, route.errorRateMinRequests),
        `errors ≥ ${route.errorRatePercent}% of requests (minutes with ≥ ${route.errorRateMinRequests} requests)`,
      );
    }
    this.alarms = alarms;
  }

  /**
   * Dashboard rows, each 24 units wide: a heading, the service as a whole, then per route its
   * latency percentiles (with the alarm thresholds drawn in) and its requests, errors and error
   * rate. Empty when no route is configured. New widgets on every call, so two dashboards can
   * each take a set.
   */
  widgets(): IWidget[] {
    const { service, routes } = this.settings;
    if (routes.length === 0) return [];
    const all = { Service: service };
    const rows: IWidget[] = [
      new TextWidget({ markdown: `## Endpoints: ${service}`, width: 24, height: 1 }),
      new Row(
        this.graph(
          'All routes: latency (ms)',
          PERCENTILES.map((p) => this.metric('Latency', p, all).with({ label: p })),
        ),
        this.graph(
          'All routes: requests and errors',
          [this.metric('Requests', 'Sum', all), this.metric('Errors', 'Sum', all)],
          [errorRate(this.metric('Requests', 'Sum', all), this.metric('Errors', 'Sum', all), 1)],
        ),
      ),
    ];
    for (const route of routes) {
      const name = `${route.method} ${route.route}`;
      const line = (label: string, value: number | undefined): HorizontalAnnotation[] =>
        value === undefined ? [] : [{ label, value }];
      rows.push(
        new Row(
          this.graph(
            `${name}: latency (ms)`,
            PERCENTILES.map((p) => this.latency(route, p).with({ label: p })),
            [],
            [...line('p95 alarm', route.p95Ms), ...line('p99 alarm', route.p99Ms)],
          ),
          this.graph(
            `${name}: requests and errors`,
            [this.routeMetric(route, 'Requests', 'Sum'), this.routeMetric(route, 'Errors', 'Sum')],
            [this.errorRate(route, 1)],
            [],
            line('error rate alarm', route.errorRatePercent),
          ),
        ),
      );
    }
    return rows;
  }

  private graph(
    title: string,
    left: IMetric[],
    right: IMetric[] = [],
    leftAnnotations: HorizontalAnnotation[] = [],
    rightAnnotations: HorizontalAnnotation[] = [],
  ): GraphWidget {
    return new GraphWidget({
      title,
      left,
      right,
      leftAnnotations,
      rightAnnotations,
      width: 12,
      height: HEIGHT,
    });
  }

  private metric(metricName: string, statistic: string, dimensionsMap: Record<string, string>): Metric {
    const { namespace } = this.settings;
    return new Metric({ namespace, metricName, statistic, dimensionsMap, period: PERIOD });
  }

  /** On exactly the dimension set the recorder writes per route: Service, Route, Method. */
  private routeMetric(route: EndpointRouteSettings, metricName: string, statistic: string): Metric {
    return this.metric(metricName, statistic, {
      Service: this.settings.service,
      Route: route.route,
      Method: route.method,
    });
  }

  private latency(route: EndpointRouteSettings, percentile: (typeof PERCENTILES)[number]): Metric {
    return this.routeMetric(route, 'Latency', percentile);
  }

  private errorRate(route: EndpointRouteSettings, minRequests: number): MathExpression {
    return errorRate(
      this.routeMetric(route, 'Requests', 'Sum'),
      this.routeMetric(route, 'Errors', 'Sum'),
      minRequests,
    );
  }
}

/**
 * `100 × errors / requests`, and 0 in a minute with fewer than `minRequests` requests. Every
 * document carries both counts, so `Errors` is absent only where `Requests` is: FILL guards
 * against a gap in one series turning a busy minute into no datapoint. A minute without requests
 * stays without a datapoint, which the alarms treat as not breaching.
 */
function errorRate(requests: IMetric, errors: IMetric, minRequests: number): MathExpression {
  return new MathExpression({
    expression: `IF(requests >= ${minRequests}, 100 * FILL(errors, 0) / requests, 0)`,
    usingMetrics: { requests, errors },
    label: 'error rate (%)',
    period: PERIOD,
  });
}

/**
 * A construct id that reads as the route and stays put when routes are reordered; the hash keeps
 * two templates apart that differ only in punctuation (`/a/:id` and `/a/id`).
 */
function routeId(route: EndpointRouteSettings): string {
  const key = `${route.method} ${route.route}`;
  const slug = key
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/-+$/, '')
    .slice(0, 60);
  return `${slug}-${createHash('sha256').update(key).digest('hex').slice(0, 8)}`;
}
