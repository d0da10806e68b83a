import type { Datapoint } from '../types';
import { directionOf, type LimitRule } from './limit-rule';

/**
 * The load's rise per minute over its newest datapoints, in percent of their mean: the slope of
 * a least-squares line, so one noisy minute moves it little. Undefined with fewer than 3 points.
 */
export function risePercentPerMinute(
  points: readonly Datapoint[],
  since: number,
  maxJumpPercent: number,
): number | undefined {
  const recent = points
    .filter((p) => p.timestamp > since && Number.isFinite(p.value))
    .sort((a, b) => a.timestamp - b.timestamp);
  if (recent.length < 3) return undefined;
  const jumps = recent.slice(1).map((p, i) => Math.abs(p.value / recent[i]!.value - 1) * 100);
  if (jumps.some((jump) => !(jump <= maxJumpPercent))) return undefined;
  const n = recent.length;
  const xs = recent.map((p) => p.timestamp / 60_000);
  const meanX = xs.reduce((a, b) => a + b, 0) / n;
  const meanY = recent.reduce((a, p) => a + p.value, 0) / n;
  if (meanY <= 0) return undefined;
  let num = 0;
  let den = 0;
  recent.forEach((p, i) => {
    num += (xs[i]! - meanX) * (p.value - meanY);
    den += (xs[i]! - meanX) ** 2;
  });
  return den === 0 ? undefined : (num / den / meanY) * 100;
}

/**
 * On a steady ramp, a scale-out that is worth an action goes `percent` past what the metric
 * asks: the reading is minutes old and the load keeps rising, so a step sized for it is
 * outgrown soon after its capacity serves, and the ramp would cost an action every few minutes.
 * A burst or a step (a rise faster than the ramp's ceiling) gets no headroom: it rose once and
 * the extra would idle until the next scale-in.
 */
export const headroomLimit: LimitRule = {
  kind: 'headroom',
  apply(target, { input, current }) {
    if (directionOf(current, target) !== 'out') return undefined;
    const headroom = input.policy.behaviour.scaleOut.headroom;
    if (headroom === undefined) return undefined;
    const series = input.metrics.find((s) => s.name === headroom.load)?.aggregate ?? [];
    const rise = risePercentPerMinute(
      series,
      input.now - headroom.windowSeconds * 1000,
      headroom.maxJumpPercent,
    );
    if (
      rise === undefined ||
      rise < headroom.minRisePercentPerMinute ||
      rise > headroom.maxRisePercentPerMinute
    )
      return undefined;
    const to = Math.ceil(target * (1 + headroom.percent / 100) - 1e-9);
    return {
      to,
      detail: `${headroom.load} rising ${Math.round(rise * 10) / 10} % a minute: a scale-out to ${target} goes ${headroom.percent} % past it, to ${to}`,
    };
  },
};
