import { activeCooldown } from '../cooldown';
import { directionOf, type LimitRule } from './limit-rule';

/**
 * No change in a direction while that direction's cooldown runs: hold the current capacity. The
 * cooldown starts at the later of the group's activity history and the engine's own recorded
 * changes, since the history can lag or lose a change the engine made.
 */
export const cooldownLimit: LimitRule = {
  kind: 'cooldown',
  apply(target, { input, current }) {
    const direction = directionOf(current, target);
    if (direction === 'none') return undefined;
    const history = input.recordedActions
      ? [...input.activities, ...input.recordedActions]
      : input.activities;
    const cooldown = activeCooldown(direction, history, input.policy.behaviour, input.now);
    if (cooldown === null) return undefined;
    const since = new Date(cooldown.since).toISOString();
    return {
      to: current,
      detail: `scale-${direction} cooldown: ${cooldown.remainingSeconds}s left after the activity at ${since}`,
    };
  },
};
