import { baselineHoldLimit } from './baseline-hold';
import { boundsLimit } from './bounds';
import { cooldownLimit } from './cooldown-limit';
import { headroomLimit } from './headroom';
import type { LimitRule } from './limit-rule';
import { maxStepLimit } from './max-step';
import { minStepLimit } from './min-step';
import { rateLimit } from './rate-limit';
import { stabilisationLimit } from './stabilisation';
import { warmUpLimit } from './warm-up';

export { applyLimits, directionOf, type LimitChange, type LimitContext, type LimitRule } from './limit-rule';
export { boundsLimit };

/**
 * The limits between the recommendation and the decision, in the order they apply: the
 * stabilisation windows, the hold below the usual capacity, the smallest step worth an action,
 * the headroom a scale-out on a ramp takes, the cooldowns, launches in progress,
 * the rate limits, the maximum step, and the bounds again (which alone may move a group sitting
 * outside them). Each one that changes the target is recorded in the explanation.
 */
export const DECISION_LIMITS: readonly LimitRule[] = [
  stabilisationLimit,
  baselineHoldLimit,
  minStepLimit,
  headroomLimit,
  cooldownLimit,
  warmUpLimit,
  rateLimit,
  maxStepLimit,
  boundsLimit,
];
