import type { PastRecommendation } from '../types';
import type { LimitRule } from './limit-rule';

/** Fewer past recommendations than this say nothing about the usual capacity. */
const MIN_SAMPLES = 10;

/** The `quantile` of the recommendations made in (from, to], or undefined when too few were. */
export function usualCapacity(
  history: readonly PastRecommendation[],
  from: number,
  to: number,
  quantile: number,
): number | undefined {
  const values = history
    .filter((past) => past.time > from && past.time <= to)
    .map((past) => past.recommendation)
    .sort((a, b) => a - b);
  if (values.length < MIN_SAMPLES) return undefined;
  return values[Math.min(values.length - 1, Math.floor(quantile * values.length))]!;
}

/**
 * Scale in freely down to `keepPercent` of the usual capacity (a low quantile of the
 * recommendations of the last hours, leaving out the newest `holdSeconds`), but no further: a
 * drop below that is held until it is older than `holdSeconds`, when it becomes part of the usual
 * itself. Load that falls far below its usual level within minutes is most often an upstream
 * outage, and its end brings every client's retries at once, at about twice the usual load: with
 * half the usual fleet still there, one scale-out step answers it, where a fleet shrunk to the
 * outage's trickle would need several, each a boot time long.
 */
export const baselineHoldLimit: LimitRule = {
  kind: 'baseline-hold',
  apply(target, { input, current }) {
    const hold = input.policy.behaviour.scaleIn.baselineHold;
    if (hold === undefined || target >= current) return undefined;
    const { now, recentRecommendations } = input;
    const usual = usualCapacity(
      recentRecommendations,
      now - hold.windowSeconds * 1000,
      now - hold.holdSeconds * 1000,
      hold.quantile,
    );
    if (usual === undefined) return undefined;
    const keep = Math.ceil((usual * hold.keepPercent) / 100 - 1e-9);
    if (target >= keep) return undefined;
    const minutes = Math.round(hold.holdSeconds / 60);
    return {
      to: Math.min(current, keep),
      detail: `usual capacity is ${usual} (p${Math.round(hold.quantile * 100)} of the last ${Math.round(hold.windowSeconds / 60)} min before the newest ${minutes}); ${hold.keepPercent} % of it, ${keep}, is kept through a drop for ${minutes} min`,
    };
  },
};
