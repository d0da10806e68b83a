import type { PolicySet } from './policy-schema';
import type {
  Datapoint,
  GroupState,
  Instance,
  MetricReading,
  MetricSeries,
  PolicyRecommendation,
} from './types';

/**
 * Reads one metric for a decision. The value is the mean, over warmed-up in-service instances,
 * of each instance's latest datapoint inside the window: the latest point keeps scale-out
 * responsive, and smoothing is the stabilisation window's job, not the reader's.
 *
 * Warming-up instances are left out (their boot and cache-fill load says nothing about the
 * steady state, and their idle start would otherwise drag the average down into a scale-in),
 * but they still count as load carriers: the traffic is already spread over them.
 */
export function readMetric(
  name: string,
  series: readonly MetricSeries[],
  group: GroupState,
  policy: PolicySet,
  now: number,
): MetricReading {
  const inService = group.instances.filter((instance) => instance.lifecycleState === 'InService');
  if (inService.length === 0) {
    return { name, status: 'no-capacity', detail: 'no in-service instance carries load to measure' };
  }
  const found = series.find((s) => s.name === name);
  if (found === undefined) return { name, status: 'missing', detail: 'no series for this metric' };
  const since = now - policy.metrics.windowSeconds * 1000;
  const warmed = inService.filter((instance) => !isWarmingUp(instance, policy.warmupSeconds, now));
  const warmingUp = inService.length - warmed.length;

  if (found.byInstance === undefined) {
    const latest = latestIn(found.aggregate ?? [], since, now);
    if (latest === undefined) {
      return { name, status: 'missing', detail: `no datapoint in the last ${policy.metrics.windowSeconds}s` };
    }
    if (warmingUp > 0) {
      // A group-level value mixes warming instances in; it cannot be trusted for a scale-in.
      return {
        name,
        status: 'insufficient',
        detail: `${warmingUp} instance(s) warming up and the metric has no per-instance datapoints to leave them out`,
      };
    }
    return {
      name,
      status: 'ok',
      value: latest.value,
      instancesUsed: inService.length,
      instancesWarmingUp: 0,
      loadCarriers: inService.length,
      datapoints: 1,
      newest: latest.timestamp,
    };
  }

  if (warmed.length === 0) {
    return {
      name,
      status: 'insufficient',
      detail: `all ${inService.length} in-service instance(s) are still warming up`,
    };
  }
  const values: number[] = [];
  let newest = Number.NEGATIVE_INFINITY;
  for (const instance of warmed) {
    const latest = latestIn(found.byInstance[instance.id] ?? [], since, now);
    if (latest === undefined) continue;
    values.push(latest.value);
    newest = Math.max(newest, latest.timestamp);
  }
  if (values.length === 0) {
    return {
      name,
      status: 'missing',
      detail: `none of ${warmed.length} warmed-up instance(s) reported in the last ${policy.metrics.windowSeconds}s`,
    };
  }
  const coverage = values.length / warmed.length;
  if (coverage < policy.metrics.minCoverage) {
    return {
      name,
      status: 'insufficient',
      detail: `${values.length} of ${warmed.length} warmed-up instance(s) reported, below the ${policy.metrics.minCoverage * 100} % coverage required`,
    };
  }
  return {
    name,
    status: 'ok',
    value: values.reduce((sum, v) => sum + v, 0) / values.length,
    instancesUsed: values.length,
    instancesWarmingUp: warmingUp,
    loadCarriers: inService.length,
    datapoints: values.length,
    newest,
  };
}

/** True while an instance's metrics must not count: launched less than `warmupSeconds` ago. */
export function isWarmingUp(instance: Instance, warmupSeconds: number, now: number): boolean {
  return now - instance.launchTime < warmupSeconds * 1000;
}

/** The newest finite datapoint in (since, now]; non-finite values are agent glitches, not load. */
export function latestIn(points: readonly Datapoint[], since: number, now: number): Datapoint | undefined {
  let latest: Datapoint | undefined;
  for (const point of points) {
    if (point.timestamp <= since || point.timestamp > now || !Number.isFinite(point.value)) continue;
    if (latest === undefined || point.timestamp > latest.timestamp) latest = point;
  }
  return latest;
}

/**
 * A policy's abstention when its metric could not be read: no recommendation, flagged as missing
 * data so the combiner refuses to scale in on it.
 */
export function abstainOnMissingData(
  base: Pick<PolicyRecommendation, 'policy' | 'kind' | 'metric'>,
  reading: Exclude<MetricReading, { status: 'ok' }>,
): PolicyRecommendation {
  return { ...base, recommendation: null, missingData: true, reason: `${reading.status}: ${reading.detail}` };
}
