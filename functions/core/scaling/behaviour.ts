import type { DirectionBehaviour, PolicySet } from './policy-schema';
import type { PastRecommendation, ScalingActivity } from './types';

/**
 * HPA-style behaviour: stabilisation windows and rate limits per direction. The algorithms follow
 * the Kubernetes horizontal pod autoscaler's `stabilizeRecommendationWithBehaviors` and
 * `calculateScale{Up,Down}LimitWithScalingRules`, with instances in place of pods.
 */

/**
 * Stabilises a recommendation against the recent ones. Scale-out goes only as high as the
 * lowest recommendation in the scale-out window (a short spike does not add capacity);
 * scale-in goes only as low as the highest recommendation in the scale-in window (capacity
 * leaves only after the need has stayed low for the whole window). The result never crosses
 * `current` in the opposite direction of the recommendation.
 */
export function stabilise(
  recommendation: number,
  current: number,
  history: readonly PastRecommendation[],
  behaviour: PolicySet['behaviour'],
  now: number,
): number {
  const outSince = now - behaviour.scaleOut.stabilizationWindowSeconds * 1000;
  const inSince = now - behaviour.scaleIn.stabilizationWindowSeconds * 1000;
  let upRecommendation = recommendation;
  let downRecommendation = recommendation;
  for (const past of history) {
    // A recommendation stamped ahead of this clock (skew between runs) was made, so it counts as
    // now: skipping it would let a scale-in slip past the window it belongs to.
    const time = Math.min(past.time, now);
    if (time > outSince) upRecommendation = Math.min(upRecommendation, past.recommendation);
    if (time > inSince) downRecommendation = Math.max(downRecommendation, past.recommendation);
  }
  let result = current;
  if (result < upRecommendation) result = upRecommendation;
  if (result > downRecommendation) result = downRecommendation;
  return result;
}

/** Instances added (`out`) or removed (`in`) by activities that started in (since, now]. */
export function changedSince(
  activities: readonly ScalingActivity[],
  direction: 'out' | 'in',
  since: number,
  now: number,
): number {
  let total = 0;
  for (const activity of activities) {
    if (activity.startTime <= since || activity.startTime > now) continue;
    const change = activity.toCapacity - activity.fromCapacity;
    if (direction === 'out' && change > 0) total += change;
    if (direction === 'in' && change < 0) total -= change;
  }
  return total;
}

/**
 * The highest capacity the scale-out rate policies allow now. Each policy allows its value (or
 * its percentage of the capacity at the start of its period) on top of that starting capacity,
 * minus what was already added in the period; `selectPolicy` picks the most (`max`) or least
 * (`min`) permissive, `disabled` forbids scale-out. Never below `current`.
 */
export function scaleOutLimit(
  current: number,
  behaviour: DirectionBehaviour,
  activities: readonly ScalingActivity[],
  now: number,
): number {
  if (behaviour.selectPolicy === 'disabled') return current;
  if (behaviour.policies.length === 0) return Number.POSITIVE_INFINITY;
  const limits = behaviour.policies.map((policy) => {
    const periodStart = current - changedSince(activities, 'out', now - policy.periodSeconds * 1000, now);
    return policy.type === 'instances'
      ? periodStart + policy.value
      : Math.ceil(periodStart * (1 + policy.value / 100));
  });
  const limit = behaviour.selectPolicy === 'max' ? Math.max(...limits) : Math.min(...limits);
  return Math.max(current, Math.floor(limit));
}

/**
 * The lowest capacity the scale-in rate policies allow now; the mirror of {@link scaleOutLimit}:
 * `max` picks the policy that removes the most, `min` the one that removes the least. Never
 * above `current`.
 */
export function scaleInLimit(
  current: number,
  behaviour: DirectionBehaviour,
  activities: readonly ScalingActivity[],
  now: number,
): number {
  if (behaviour.selectPolicy === 'disabled') return current;
  if (behaviour.policies.length === 0) return 0;
  const limits = behaviour.policies.map((policy) => {
    const periodStart = current + changedSince(activities, 'in', now - policy.periodSeconds * 1000, now);
    return policy.type === 'instances'
      ? periodStart - policy.value
      : Math.trunc(periodStart * (1 - policy.value / 100));
  });
  const limit = behaviour.selectPolicy === 'max' ? Math.min(...limits) : Math.max(...limits);
  return Math.min(current, Math.max(0, Math.ceil(limit)));
}
