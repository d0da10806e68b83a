import type { LimitRule } from './limit-rule';

/**
 * No scale-in while instances are still launching: the metrics have not seen them carry load, so
 * a low reading may only mean the load has not been spread over them yet.
 */
export const warmUpLimit: LimitRule = {
  kind: 'warm-up',
  apply(target, { input, current }) {
    if (target >= current) return undefined;
    const pending = input.group.instances.filter((i) => i.lifecycleState === 'Pending').length;
    if (pending === 0) return undefined;
    return {
      to: current,
      detail: `${pending} instance(s) still launching; scale-in waits until they are in service`,
    };
  },
};
