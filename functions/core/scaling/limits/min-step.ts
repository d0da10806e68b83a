import { behaviourFor, directionOf, type LimitRule } from './limit-rule';

/**
 * A change smaller than `minStepPercent` of the capacity waits: a scale-in that is still settling
 * would otherwise step down a staircase one action at a time, and a ramp would be followed
 * instance by instance. The change is made once it is worth it.
 */
export const minStepLimit: LimitRule = {
  kind: 'min-step',
  apply(target, { input, current }) {
    const direction = directionOf(current, target);
    if (direction === 'none') return undefined;
    const percent = behaviourFor(direction, input.policy).minStepPercent;
    if (percent === undefined || current === 0) return undefined;
    const change = (Math.abs(target - current) / current) * 100;
    if (change + 1e-9 >= percent) return undefined;
    return {
      to: current,
      detail: `a ${direction === 'out' ? 'scale-out' : 'scale-in'} of ${Math.abs(target - current)} is ${Math.round(change)} % of ${current}, below the ${percent} % worth an action`,
    };
  },
};
