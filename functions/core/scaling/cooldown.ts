import type { PolicySet } from './policy-schema';
import type { ScalingActivity } from './types';

/** A cooldown in effect: when it started and how long it still runs. */
export interface Cooldown {
  readonly since: number;
  readonly remainingSeconds: number;
}

/**
 * The cooldown blocking `direction` at `now`, or `null`. Cooldowns come from the group's own
 * scaling activities, so a change made by hand or by another policy counts too.
 *
 * - Scale-out waits `scaleOut.cooldownSeconds` after the last scale-out only: a scale-out right
 *   after a scale-in is how the group recovers from a bad scale-in, and must stay fast.
 * - Scale-in waits `scaleIn.cooldownSeconds` after the last activity in either direction, so
 *   it never immediately undoes a scale-out whose instances the metrics have not yet seen.
 */
export function activeCooldown(
  direction: 'out' | 'in',
  activities: readonly ScalingActivity[],
  behaviour: PolicySet['behaviour'],
  now: number,
): Cooldown | null {
  const seconds =
    direction === 'out' ? behaviour.scaleOut.cooldownSeconds : behaviour.scaleIn.cooldownSeconds;
  let last: number | undefined;
  for (const activity of activities) {
    const change = activity.toCapacity - activity.fromCapacity;
    const counts = direction === 'out' ? change > 0 : change !== 0;
    const later =
      last === undefined ||
      // Stryker disable next-line EqualityOperator: an activity at the same time as the latest gives the same start
      activity.startTime > last;
    if (counts && later) last = activity.startTime;
  }
  if (last === undefined) return null;
  const elapsed = now - last;
  if (elapsed >= seconds * 1000) return null;
  return { since: last, remainingSeconds: Math.ceil((seconds * 1000 - elapsed) / 1000) };
}

/**
 * The engine's own changes the cooldowns count: the recorded actions, plus the last intended
 * change when the group stands at its target. A change whose answer was lost may have landed
 * (a timeout hides it) and its decision record may be lost too; the group's desired capacity
 * says whether it landed, so a change that was refused (throttled) does not hold up the retry.
 */
export function ownChanges(
  recorded: readonly ScalingActivity[],
  intended: ScalingActivity | undefined,
  desiredCapacity: number,
): ScalingActivity[] {
  const landed = intended !== undefined && intended.toCapacity === desiredCapacity;
  return landed ? [...recorded, intended] : [...recorded];
}
