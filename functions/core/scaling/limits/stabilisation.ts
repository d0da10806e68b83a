import { stabilise } from '../behaviour';
import { behaviourFor, directionOf, type LimitContext, type LimitRule } from './limit-rule';

/**
 * A large drop's own, shorter scale-in window, when the policy has one and the short window
 * already allows scaling in to at most (100 − percent) % of the capacity.
 */
function largeDrop(
  target: number,
  { input, current }: LimitContext,
): { to: number; window: number } | undefined {
  const { behaviour } = input.policy;
  const large = behaviour.scaleIn.largeDrop;
  if (large === undefined) return undefined;
  const short = {
    ...behaviour,
    scaleIn: { ...behaviour.scaleIn, stabilizationWindowSeconds: large.stabilizationWindowSeconds },
  };
  const to = stabilise(target, current, input.recentRecommendations, short, input.now);
  if (to > current * (1 - large.percent / 100) + 1e-9) return undefined;
  return { to, window: large.stabilizationWindowSeconds };
}

/**
 * The stabilisation windows (HPA): scale out only as far as the lowest recommendation of the
 * scale-out window, scale in only as far as the highest of the scale-in window, or of the
 * shorter large-drop window when even that one allows a large scale-in.
 */
export const stabilisationLimit: LimitRule = {
  kind: 'stabilisation',
  apply(target, context) {
    const { input, current } = context;
    const direction = directionOf(current, target);
    if (direction === 'none') return undefined;
    const { behaviour } = input.policy;
    const large = direction === 'in' ? largeDrop(target, context) : undefined;
    const to = large?.to ?? stabilise(target, current, input.recentRecommendations, behaviour, input.now);
    if (to === target) return undefined;
    const window = large?.window ?? behaviourFor(direction, input.policy).stabilizationWindowSeconds;
    const which = direction === 'out' ? 'lowest' : 'highest';
    return { to, detail: `${which} recommendation in the last ${window}s is ${to}` };
  },
};
