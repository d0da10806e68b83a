import { abstainOnMissingData } from './metrics';
import type { StepPolicy } from './policy-schema';
import type { MetricReading, PolicyRecommendation } from './types';

/**
 * Applies a percent change the way EC2 Auto Scaling rounds `PercentChangeInCapacity`: results
 * above 1 round down, between 0 and 1 become 1, between -1 and 0 become -1, below -1 round up,
 * and any non-zero change is at least `minMagnitude` instances.
 */
export function percentChange(current: number, percent: number, minMagnitude: number): number {
  const raw = (current * percent) / 100;
  if (raw === 0) return 0;
  const rounded = raw > 1 ? Math.floor(raw) : raw > 0 ? 1 : raw >= -1 ? -1 : Math.ceil(raw);
  return Math.sign(rounded) * Math.max(Math.abs(rounded), minMagnitude);
}

/**
 * One step policy's recommendation. The step whose [lowerBound, upperBound) holds the metric
 * applies; when no step holds it, the policy abstains (it has no opinion, unlike a
 * target-tracking policy inside its band, which asks to keep the capacity).
 */
export function recommendStep(
  policy: StepPolicy,
  reading: MetricReading,
  current: number,
): PolicyRecommendation {
  const base = { policy: policy.name, kind: 'step' as const, metric: policy.metric };
  if (reading.status !== 'ok') return abstainOnMissingData(base, reading);
  const value = reading.value;
  const step = policy.steps.find(
    (s) => value >= (s.lowerBound ?? -Infinity) && value < (s.upperBound ?? Infinity),
  );
  if (step === undefined) {
    return {
      ...base,
      recommendation: null,
      missingData: false,
      reason: `${policy.metric} ${value} is in no step`,
    };
  }
  const range = `[${step.lowerBound ?? '-∞'}, ${step.upperBound ?? '+∞'})`;
  // The metric describes the in-service instances, so a change is applied to them; capacity
  // still launching already counts toward it (as EC2 step scaling counts warming instances),
  // which keeps a stale breach from adding the same capacity again on every decision.
  const measured = reading.loadCarriers;
  let target: number;
  let how: string;
  switch (policy.adjustmentType) {
    case 'change': {
      const change = Math.trunc(step.adjustment);
      target = measured + change;
      how = `${measured} in service ${change >= 0 ? '+' : '-'} ${Math.abs(change)}`;
      break;
    }
    case 'percent': {
      const change = percentChange(measured, step.adjustment, policy.minAdjustmentMagnitude);
      target = measured + change;
      how = `${measured} in service ${step.adjustment >= 0 ? '+' : '-'} ${Math.abs(step.adjustment)} % (${change >= 0 ? '+' : ''}${change})`;
      break;
    }
    case 'exact':
      target = step.adjustment;
      how = `exactly ${step.adjustment}`;
      break;
  }
  let recommendation = Math.max(0, target);
  if (policy.adjustmentType !== 'exact') {
    // A step never votes against its own sign: an addition already covered keeps `current`.
    recommendation =
      step.adjustment >= 0 ? Math.max(current, recommendation) : Math.min(current, recommendation);
  }
  return {
    ...base,
    recommendation,
    missingData: false,
    reason: `${policy.metric} ${value} in step ${range}: ${how} = ${target}, recommends ${recommendation}`,
  };
}
