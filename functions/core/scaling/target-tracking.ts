import { abstainOnMissingData } from './metrics';
import type { TargetTrackingPolicy } from './policy-schema';
import type { MetricReading, PolicyRecommendation } from './types';

/**
 * The largest capacity any recommendation can carry. A runaway metric (1e300 requests per
 * target) must still produce a finite number that the bounds can clamp.
 */
export const MAX_RECOMMENDATION = 1_000_000;

/**
 * Float noise must not push a value sitting exactly on a band edge, or a capacity that divides
 * exactly, across the edge: 3 × 70 / 70 is 3, not 3.0000000000000004.
 */
const EPSILON = 1e-9;

/** Where the metric sits relative to the target's tolerance band. */
export type Band = 'above' | 'inside' | 'below';

/** The proportional formula's result for one metric. */
export interface Proportional {
  readonly ratio: number;
  readonly band: Band;
  /** Capacity that would bring the metric back to the target: ceil(carriers × value / target). */
  readonly needed: number;
  readonly recommendation: number;
}

/**
 * The proportional formula with a tolerance band per direction. Inside the band
 * (1 - toleranceIn ≤ value/target ≤ 1 + toleranceOut, edges included) it keeps `current`.
 * Above it asks for ceil(carriers × value / target) but never less than `current`, because
 * `current` already counts instances still launching; below it asks for that figure but never
 * more than `current`.
 *
 * @param carriers - In-service instances over which the measured load is spread.
 * @param current - The group's desired capacity.
 */
export function proportional(
  carriers: number,
  value: number,
  target: number,
  toleranceOut: number,
  toleranceIn: number,
  current: number,
): Proportional {
  const ratio = Math.max(0, value) / target;
  const raw = carriers * ratio;
  const needed = Number.isFinite(raw)
    ? Math.min(MAX_RECOMMENDATION, Math.ceil(raw - EPSILON))
    : MAX_RECOMMENDATION;
  if (ratio - 1 > toleranceOut + EPSILON) {
    return { ratio, band: 'above', needed, recommendation: Math.max(current, needed) };
  }
  if (1 - ratio > toleranceIn + EPSILON) {
    return { ratio, band: 'below', needed, recommendation: Math.min(current, Math.max(0, needed)) };
  }
  return { ratio, band: 'inside', needed, recommendation: current };
}

/** One target-tracking policy's recommendation for the metric reading it tracks. */
export function recommendTargetTracking(
  policy: TargetTrackingPolicy,
  reading: MetricReading,
  current: number,
): PolicyRecommendation {
  const base = { policy: policy.name, kind: 'target-tracking' as const, metric: policy.metric };
  if (reading.status !== 'ok') return abstainOnMissingData(base, reading);
  const result = proportional(
    reading.loadCarriers,
    reading.value,
    policy.target,
    policy.toleranceOut,
    policy.toleranceIn,
    current,
  );
  const measured = `${policy.metric} ${round(reading.value)} vs target ${policy.target}`;
  const formula = `ceil(${reading.loadCarriers} × ${round(reading.value)} / ${policy.target}) = ${result.needed}`;
  if (policy.disableScaleIn && result.band !== 'above') {
    // As in EC2 Auto Scaling: a policy with scale-in disabled takes no part in scale-in
    // decisions, so it must not hold the others back by voting "keep".
    return {
      ...base,
      recommendation: null,
      missingData: false,
      reason: `${measured}: not above the band and scale-in is disabled, abstains`,
    };
  }
  if (result.band === 'inside') {
    const band = `[${round(policy.target * (1 - policy.toleranceIn))}, ${round(policy.target * (1 + policy.toleranceOut))}]`;
    return {
      ...base,
      recommendation: current,
      missingData: false,
      reason: `${measured}: inside the band ${band}, keep ${current}`,
    };
  }
  return {
    ...base,
    recommendation: result.recommendation,
    missingData: false,
    reason: `${measured}: ${formula}`,
  };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
