import type { LimitRule } from './limit-rule';

/**
 * The capacity stays within the effective [min, max] (the group's, narrowed by the policy and the
 * scheduled windows). It runs first, on the recommendation, and last, on the decision: the last
 * run alone may move a group that sits outside its bounds, whatever the other limits said.
 */
export const boundsLimit: LimitRule = {
  kind: 'bounds',
  apply(target, { bounds }) {
    const to = Math.min(bounds.max, Math.max(bounds.min, target));
    return to === target
      ? undefined
      : { to, detail: `capacity must stay within [${bounds.min}, ${bounds.max}]` };
  },
};
