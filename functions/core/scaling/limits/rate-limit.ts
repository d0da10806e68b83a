import { scaleInLimit, scaleOutLimit } from '../behaviour';
import type { DirectionBehaviour } from '../policy-schema';
import { directionOf, type LimitRule } from './limit-rule';

function rateDetail(direction: 'out' | 'in', behaviour: DirectionBehaviour): string {
  if (behaviour.selectPolicy === 'disabled')
    return `scale-${direction} is disabled (selectPolicy "disabled")`;
  const rules = behaviour.policies.map(
    (p) => `${p.value}${p.type === 'percent' ? ' %' : ' instance(s)'} per ${p.periodSeconds}s`,
  );
  return `scale-${direction} rate (${behaviour.selectPolicy} of ${rules.join(', ')})`;
}

/**
 * The HPA-style rate policies of the decision's direction: at most so many instances (or percent)
 * added or removed per period, counting what the group's activities already changed in it.
 */
export const rateLimit: LimitRule = {
  kind: 'rate-limit',
  apply(target, { input, current }) {
    const direction = directionOf(current, target);
    if (direction === 'none') return undefined;
    const { behaviour } = input.policy;
    if (direction === 'out') {
      const limit = scaleOutLimit(current, behaviour.scaleOut, input.activities, input.now);
      return target > limit ? { to: limit, detail: rateDetail('out', behaviour.scaleOut) } : undefined;
    }
    const limit = scaleInLimit(current, behaviour.scaleIn, input.activities, input.now);
    return target < limit ? { to: limit, detail: rateDetail('in', behaviour.scaleIn) } : undefined;
  },
};
