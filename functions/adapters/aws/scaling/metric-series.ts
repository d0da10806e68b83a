import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { MetricRead, MetricRequest, MetricSource, SkippedRead } from '../../../core/scaling/ports';
import type { Datapoint, MetricSeries } from '../../../core/scaling/types';
import { type MetricQuery, type MetricSeriesResult, readMetricSeries } from '../cloudwatch-metrics';

/**
 * Where the fleet's metrics live. `memory` must match the CloudWatch agent's configuration in
 * `lib/platform/fleet.ts` (`FLEET_AGENT_METRICS`): its `append_dimensions` give every per-instance series
 * exactly `AutoScalingGroupName` and `InstanceId` (with `append_dimensions` set the agent adds no
 * `host` dimension), and GetMetricData matches dimension sets exactly.
 */
export const FLEET_METRICS = {
  cpu: { namespace: 'AWS/EC2', metricName: 'CPUUtilization' },
  memory: { namespace: 'CWAgent', metricName: 'mem_used_percent', groupDimension: 'AutoScalingGroupName' },
  requestsPerTarget: { namespace: 'AWS/ApplicationELB', metricName: 'RequestCountPerTarget' },
  requestCount: { namespace: 'AWS/ApplicationELB', metricName: 'RequestCount' },
} as const;

/** The target group's series: one Sum per period, no instance dimension. */
const TARGET_GROUP_METRICS = ['requestsPerTarget', 'requestCount'] as const;

function isTargetGroupMetric(name: string): name is (typeof TARGET_GROUP_METRICS)[number] {
  return (TARGET_GROUP_METRICS as readonly string[]).includes(name);
}

/** What the CloudWatch reader needs to know about the fleet. */
export interface FleetMetricNames {
  readonly autoScalingGroupName: string;
  /** `targetgroup/<name>/<id>`: the `TargetGroup` dimension. */
  readonly targetGroupFullName: string;
  /** `app/<name>/<id>`: the `LoadBalancer` dimension. */
  readonly loadBalancerFullName: string;
}

const PERIOD_SECONDS = 60;

/**
 * Reads the scaling metrics with GetMetricData: CPU and memory per instance (so the engine can
 * leave warming-up instances out), `RequestCountPerTarget` and `RequestCount` for the target group
 * as one series each (the load that leads CPU by a minute).
 * Timestamps are kept: the engine only trusts datapoints inside its window.
 *
 * A metric whose queries did not all come back `Complete` is left out and reported: a partial
 * per-instance read would look like a quieter fleet and could shrink it.
 */
export class CloudWatchMetricSource implements MetricSource {
  constructor(
    private readonly client: CloudWatchClient,
    private readonly fleet: FleetMetricNames,
    private readonly signal?: () => AbortSignal,
  ) {}

  supports(name: string): boolean {
    return Object.hasOwn(FLEET_METRICS, name);
  }

  async read(request: MetricRequest): Promise<MetricRead> {
    const plans = request.names.filter((name) => this.supports(name)).map((name) => this.plan(name, request));
    const queries = plans.flatMap((plan) => plan.queries.map((q) => q.query));
    const results = await readMetricSeries(
      this.client,
      queries,
      alignedWindow(request.start, request.end),
      this.signal?.(),
    );
    const series: MetricSeries[] = [];
    const skipped: SkippedRead[] = [];
    for (const plan of plans) {
      const incomplete = plan.queries.filter((q) => results.get(q.query.id)?.status !== 'Complete');
      if (incomplete.length > 0) {
        skipped.push({ source: plan.name, reason: incompleteReason(incomplete, results) });
        continue;
      }
      const pointsOf = (id: string) => datapoints(results.get(id)!);
      if (isTargetGroupMetric(plan.name)) {
        series.push({ name: plan.name, aggregate: pointsOf(plan.queries[0]!.query.id) });
      } else {
        series.push({
          name: plan.name,
          byInstance: Object.fromEntries(plan.queries.map((q) => [q.instanceId!, pointsOf(q.query.id)])),
        });
      }
    }
    return { series, skipped };
  }

  private plan(name: string, request: MetricRequest): Plan {
    const prefix = { cpu: 'cpu', memory: 'mem', requestsPerTarget: 'rpt', requestCount: 'req' }[name] ?? name;
    if (isTargetGroupMetric(name)) {
      const { namespace, metricName } = FLEET_METRICS[name];
      const dimensions = {
        TargetGroup: this.fleet.targetGroupFullName,
        LoadBalancer: this.fleet.loadBalancerFullName,
      };
      return { name, queries: [{ query: { id: prefix, namespace, metricName, dimensions, stat: 'Sum' } }] };
    }
    const queries = request.instances.map((instance, index) => {
      const dimensions: Record<string, string> =
        name === 'memory'
          ? {
              [FLEET_METRICS.memory.groupDimension]: this.fleet.autoScalingGroupName,
              InstanceId: instance.id,
            }
          : { InstanceId: instance.id };
      const { namespace, metricName } = name === 'memory' ? FLEET_METRICS.memory : FLEET_METRICS.cpu;
      const query: MetricQuery = {
        id: `${prefix}_${index}`,
        namespace,
        metricName,
        dimensions,
        stat: 'Average',
      };
      return { query, instanceId: instance.id };
    });
    return { name, queries };
  }
}

interface Plan {
  readonly name: string;
  readonly queries: readonly { readonly query: MetricQuery; readonly instanceId?: string }[];
}

/**
 * Whole minutes: the end is rounded down so the minute still in progress, whose sums are not yet
 * complete and would read as a drop in load, is never asked for.
 */
function alignedWindow(start: number, end: number) {
  const minute = PERIOD_SECONDS * 1000;
  return {
    start: Math.floor(start / minute) * minute,
    end: Math.floor(end / minute) * minute,
    periodSeconds: PERIOD_SECONDS,
  };
}

function datapoints(result: MetricSeriesResult): Datapoint[] {
  // A point without a timestamp cannot be placed in the window, so it cannot be trusted.
  return result.points.filter((p) => Number.isFinite(p.timestamp) && Number.isFinite(p.value));
}

function incompleteReason(incomplete: Plan['queries'], results: Map<string, MetricSeriesResult>): string {
  const parts = incomplete.slice(0, 5).map((q) => {
    const result = results.get(q.query.id);
    const who = q.instanceId ?? q.query.id;
    const messages = result?.messages.length ? ` (${result.messages.join('; ')})` : '';
    return `${who}: ${result?.status ?? 'Missing'}${messages}`;
  });
  const more = incomplete.length > 5 ? `, and ${incomplete.length - 5} more` : '';
  return `CloudWatch returned incomplete data for ${incomplete.length} series: ${parts.join(', ')}${more}`;
}
