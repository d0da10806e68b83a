import { stabilise } from '../behaviour';
import { directionOf, type LimitRule } from './limit-rule';

/**
 * The stabilisation windows (HPA): scale out only as far as the lowest recommendation of the
 * scale-out window, scale in only as far as the highest of the scale-in window.
 */
export const stabilisationLimit: LimitRule = {
  kind: 'stabilisation',
  apply(target, { input, current }) {
    const direction = directionOf(current, target);
    if (direction === 'none') return undefined;
    const { behaviour } = input.policy;
    const to = stabilise(target, current, input.recentRecommendations, behaviour, input.now);
    if (to === target) return undefined;
    const window =
      direction === 'out'
        ? behaviour.scaleOut.stabilizationWindowSeconds
        : behaviour.scaleIn.stabilizationWindowSeconds;
    const which = direction === 'out' ? 'lowest' : 'highest';
    return { to, detail: `${which} recommendation in the last ${window}s is ${to}` };
  },
};
