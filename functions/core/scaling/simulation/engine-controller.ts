import { decide } from '../decide';
import { metricReadSeconds } from '../policy-metrics';
import type { PolicySet } from '../policy-schema';
import type { Datapoint, MetricSeries, PastRecommendation, ScalingDecision } from '../types';
import type { Controller, FleetView } from './fleet';

/** Metrics the fleet model publishes, by the names policies use. */
export const SIMULATED_METRICS = ['cpu', 'memory', 'requestsPerTarget', 'requestCount'] as const;

/**
 * The real engine driven through the fleet model, exactly as the scaling function drives it:
 * once a minute, with the group, the visible per-instance datapoints, its own past
 * recommendations and the group's activities.
 */
export class EngineController implements Controller {
  readonly name = 'misybot-ha';
  readonly intervalSeconds = 60;
  private readonly recommendations: PastRecommendation[] = [];
  /** The decision of the latest run, with its explanation. */
  lastDecision: ScalingDecision | undefined;
  private readonly lookbackSeconds: number;

  constructor(private readonly policy: PolicySet) {
    const behaviour = policy.behaviour;
    this.lookbackSeconds = Math.max(
      behaviour.scaleOut.stabilizationWindowSeconds,
      behaviour.scaleIn.stabilizationWindowSeconds,
      behaviour.scaleIn.baselineHold?.windowSeconds ?? 0,
      ...behaviour.scaleOut.policies.map((p) => p.periodSeconds),
      ...behaviour.scaleIn.policies.map((p) => p.periodSeconds),
      behaviour.scaleOut.cooldownSeconds,
      behaviour.scaleIn.cooldownSeconds,
    );
  }

  control(view: FleetView): number {
    const metrics = buildSeries(view, metricReadSeconds(this.policy));
    const since = view.now - this.lookbackSeconds * 1000;
    const decision = decide({
      now: view.now,
      group: {
        minCapacity: view.minCapacity,
        maxCapacity: view.maxCapacity,
        desiredCapacity: view.desired,
        instances: view.instances.map((i) => ({
          id: i.id,
          launchTime: i.launchTime,
          lifecycleState: i.inServiceAt <= view.now ? 'InService' : 'Pending',
        })),
      },
      metrics,
      policy: this.policy,
      recentRecommendations: this.recommendations.filter((r) => r.time > since),
      activities: view.activities.filter((a) => a.startTime > since),
    });
    this.recommendations.push({ time: decision.time, recommendation: decision.recommendation });
    this.lastDecision = decision;
    return decision.desired;
  }
}

function buildSeries(view: FleetView, windowSeconds: number): MetricSeries[] {
  const since = view.now - windowSeconds * 1000;
  const cpu: Record<string, Datapoint[]> = {};
  const memory: Record<string, Datapoint[]> = {};
  const requests: Datapoint[] = [];
  const total: Datapoint[] = [];
  let hasMemory = false;
  for (const period of view.requestPeriods) {
    if (period.start <= since) continue;
    requests.push({ timestamp: period.start, value: period.requestsPerTarget });
    total.push({ timestamp: period.start, value: period.requests });
  }
  for (const period of view.periods) {
    if (period.start <= since) continue;
    for (const instance of period.instances) {
      append(cpu, instance.id, { timestamp: period.start, value: period.cpu });
      if (period.memory !== undefined) {
        hasMemory = true;
        append(memory, instance.id, { timestamp: period.start, value: period.memory });
      }
    }
  }
  const series: MetricSeries[] = [
    { name: 'cpu', byInstance: cpu },
    { name: 'requestsPerTarget', aggregate: requests },
    { name: 'requestCount', aggregate: total },
  ];
  if (hasMemory) series.push({ name: 'memory', byInstance: memory });
  return series;
}

function append(series: Record<string, Datapoint[]>, id: string, point: Datapoint): void {
  const points = series[id];
  if (points === undefined) series[id] = [point];
  else points.push(point);
}
