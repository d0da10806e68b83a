import type { Controller, FleetView } from './fleet';

/**
 * EC2 Auto Scaling target tracking on `ASGAverageCPUUtilization`, modelled on its documented
 * rules:
 *
 * - Two CloudWatch alarms on one-minute datapoints: scale-out when the last 3 of 3 are above the
 *   target, scale-in when the last 15 of 15 are below 90 % of it.
 * - An Auto Scaling alarm action repeats once a minute while the alarm stays in ALARM.
 * - The proportional formula: ceil(in-service instances × metric / target), applied only if it
 *   raises (scale-out) or lowers (scale-in) the desired capacity. Instances still launching or
 *   warming up count as capacity, so repeated breaches that need the same capacity act once.
 * - Instance warm-up: with no default instance warm-up set (the default), the group's default
 *   cooldown, 300 s, is used. Instances warming up do not contribute to the aggregated metric,
 *   and scale-in is blocked until every instance has finished warming up.
 * - Scale-in cooldown: 300 s (the default) after a scale-in before the next; scale-out has no
 *   separate wait beyond the capacity-counting rule above.
 */
export class TargetTrackingBaseline implements Controller {
  readonly name = 'target-tracking';
  readonly intervalSeconds = 60;
  /** @default 300 */
  static readonly WARMUP_SECONDS = 300;
  /** @default 300 */
  static readonly SCALE_IN_COOLDOWN_SECONDS = 300;
  static readonly HIGH_DATAPOINTS = 3;
  static readonly LOW_DATAPOINTS = 15;
  static readonly LOW_THRESHOLD = 0.9;

  constructor(private readonly targetCpu: number) {}

  control(view: FleetView): number {
    const warmup = TargetTrackingBaseline.WARMUP_SECONDS * 1000;
    // The aggregated metric: periods where at least one warmed-up instance reported.
    const datapoints = view.periods
      .map((period) => ({
        start: period.start,
        value: period.cpu,
        reporters: period.instances.filter((i) => i.inServiceAt + warmup <= period.start).length,
      }))
      .filter((point) => point.reporters > 0);
    const latest = datapoints[datapoints.length - 1];
    if (latest === undefined) return view.desired;
    const serving = view.instances.filter((i) => i.inServiceAt <= view.now).length;
    const needed = Math.ceil(serving * (latest.value / this.targetCpu) - 1e-9);

    const high = lastConsecutive(datapoints, TargetTrackingBaseline.HIGH_DATAPOINTS);
    if (high?.every((p) => p.value > this.targetCpu)) return Math.max(needed, view.desired);
    const low = lastConsecutive(datapoints, TargetTrackingBaseline.LOW_DATAPOINTS);
    if (low?.every((p) => p.value < this.targetCpu * TargetTrackingBaseline.LOW_THRESHOLD)) {
      const warming = view.instances.some((i) => i.inServiceAt + warmup > view.now);
      const lastScaleIn = [...view.activities].reverse().find((a) => a.toCapacity < a.fromCapacity);
      const cooling =
        lastScaleIn !== undefined &&
        view.now - lastScaleIn.startTime < TargetTrackingBaseline.SCALE_IN_COOLDOWN_SECONDS * 1000;
      if (!warming && !cooling && needed < view.desired) return needed;
    }
    return view.desired;
  }
}

/**
 * The last `count` datapoints if they are one period apart each (an alarm with missing
 * datapoints keeps its state rather than evaluate a gap), otherwise undefined.
 */
function lastConsecutive<T extends { start: number }>(points: readonly T[], count: number): T[] | undefined {
  if (points.length < count) return undefined;
  const last = points.slice(-count);
  const period = last.length > 1 ? last[1]!.start - last[0]!.start : 0;
  for (let i = 1; i < last.length; i++) {
    if (last[i]!.start - last[i - 1]!.start !== period || period <= 0) return undefined;
  }
  return last;
}
