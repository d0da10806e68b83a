import { isWarmingUp, latestIn } from './metrics';
import type { LeadingSignal } from './policy-schema';
import type { Datapoint, GroupState, MetricReading, MetricSeries } from './types';

type OkReading = Extract<MetricReading, { status: 'ok' }>;

/** How far a burst's first datapoint may be extrapolated: one more period of the same growth, at most ×2. */
const MAX_EXTRAPOLATION = 2;
/** Above this the tracked metric may be capped (CPU cannot pass 100 %) and says nothing about the load. */
const SATURATED = 90;

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

function byTimestamp(points: readonly Datapoint[] | undefined): Map<number, number> {
  return new Map((points ?? []).filter((p) => Number.isFinite(p.value)).map((p) => [p.timestamp, p.value]));
}

/**
 * How much of the tracked metric one unit of load per target costs: the tracked metric's mean
 * over the warmed-up instances of a period divided by that period's load per target, from the
 * newest period where both are known and the metric was not saturated.
 */
function calibrate(
  tracked: MetricSeries,
  perTarget: ReadonlyMap<number, number>,
  group: GroupState,
  warmupSeconds: number,
  since: number,
): number | undefined {
  const launched = new Map(group.instances.map((instance) => [instance.id, instance]));
  const sums = new Map<number, { sum: number; count: number }>();
  for (const [id, points] of Object.entries(tracked.byInstance ?? {})) {
    const instance = launched.get(id);
    for (const point of points) {
      if (!Number.isFinite(point.value) || point.timestamp <= since) continue;
      if (instance && isWarmingUp(instance, warmupSeconds, point.timestamp)) continue;
      const entry = sums.get(point.timestamp) ?? { sum: 0, count: 0 };
      entry.sum += point.value;
      entry.count += 1;
      sums.set(point.timestamp, entry);
    }
  }
  for (const at of [...sums.keys()].sort((a, b) => b - a)) {
    const { sum, count } = sums.get(at)!;
    const load = perTarget.get(at);
    const mean = sum / count;
    if (load !== undefined && load > 0 && mean < SATURATED) return mean / load;
  }
  return undefined;
}

/**
 * Reads a per-instance metric (CPU) ahead of its own delay with the load balancer's request
 * counts. EC2 publishes CPU about two minutes after a minute ends, the ALB its counts about one:
 * the load is seen a minute sooner. The metric's cost per request per target is calibrated on the
 * newest period where the metric was measured and not saturated; the newest request count, spread
 * over the instances in service now, then gives the metric those instances will show. That also
 * answers for instances that entered service after the metric's newest period, which the
 * metric's own datapoints still describe as spread over fewer.
 *
 * With `extrapolate`, a request count that rose by more than `burstRise` in its newest period is
 * taken one more period ahead at the same growth (at most ×2): a burst's first datapoint covers
 * only part of a minute of it. Returns the reading unchanged when the counts have
 * nothing newer or the calibration has no period to work from.
 */
export function leadReading(
  reading: OkReading,
  series: readonly MetricSeries[],
  lead: LeadingSignal,
  group: GroupState,
  settings: {
    readonly windowSeconds: number;
    readonly warmupSeconds: number;
    readonly calibrationSeconds: number;
  },
  now: number,
): OkReading {
  const find = (name: string) => series.find((s) => s.name === name);
  const tracked = find(reading.name);
  const counts = find(lead.load)?.aggregate;
  const perTarget = byTimestamp(find(lead.loadPerTarget)?.aggregate);
  if (!tracked || !counts || reading.newest === undefined || reading.loadCarriers === 0) return reading;
  const latest = latestIn(counts, now - settings.windowSeconds * 1000, now);
  if (latest === undefined || latest.timestamp <= reading.newest) return reading;
  const perUnit = calibrate(
    tracked,
    perTarget,
    group,
    settings.warmupSeconds,
    now - settings.calibrationSeconds * 1000,
  );
  if (perUnit === undefined) return reading;
  let load = latest.value;
  let how = `${lead.load} ${round(latest.value)} over ${reading.loadCarriers} in service`;
  const previous = counts
    .filter((point) => point.timestamp < latest.timestamp && Number.isFinite(point.value))
    .reduce<Datapoint | undefined>(
      (best, point) => (!best || point.timestamp > best.timestamp ? point : best),
      undefined,
    )?.value;
  if (
    lead.extrapolate &&
    previous !== undefined &&
    previous > 0 &&
    latest.value / previous - 1 > lead.burstRise
  ) {
    const ahead = Math.min(latest.value / previous, MAX_EXTRAPOLATION);
    load *= ahead;
    how += `, rising ×${round(latest.value / previous)}: one more period ahead (×${round(ahead)})`;
  }
  const value = (perUnit * load) / reading.loadCarriers;
  return {
    ...reading,
    value,
    newest: latest.timestamp,
    lead: `${reading.name} ${round(reading.value)} led by ${how} = ${round(value)}`,
  };
}
