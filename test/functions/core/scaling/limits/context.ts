import type { LimitContext } from '../../../../../functions/core/scaling/limits';
import type { PolicySet } from '../../../../../functions/core/scaling/policy-schema';
import type { PastRecommendation, ScalingActivity } from '../../../../../functions/core/scaling/types';
import { inputOf, NOW, policyOf } from '../fixtures';

/** A limit's context: a group of `current` warmed instances (plus `pending` launching), bounds [1, 50]. */
export function contextOf(options: {
  current: number;
  policy?: PolicySet;
  pending?: number;
  activities?: ScalingActivity[];
  recentRecommendations?: PastRecommendation[];
  bounds?: { min: number; max: number };
}): LimitContext {
  const input = {
    ...inputOf({
      desired: options.current,
      pending: options.pending ?? 0,
      policy: options.policy ?? policyOf(),
    }),
    activities: options.activities ?? [],
    recentRecommendations: options.recentRecommendations ?? [],
  };
  const bounds = { ...(options.bounds ?? { min: 1, max: 50 }), scheduled: [] };
  return { input, current: options.current, bounds, recommendation: options.current };
}

/** An activity `seconds` ago. */
export const activityAgo = (seconds: number, fromCapacity: number, toCapacity: number): ScalingActivity => ({
  startTime: NOW - seconds * 1000,
  fromCapacity,
  toCapacity,
});
