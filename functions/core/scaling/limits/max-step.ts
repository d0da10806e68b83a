import { behaviourFor, directionOf, type LimitRule } from './limit-rule';

/** At most `maxStep` instances added or removed by one decision, per direction. */
export const maxStepLimit: LimitRule = {
  kind: 'max-step',
  apply(target, { input, current }) {
    const direction = directionOf(current, target);
    if (direction === 'none') return undefined;
    const step = behaviourFor(direction, input.policy).maxStep;
    if (step === undefined || Math.abs(target - current) <= step) return undefined;
    return {
      to: direction === 'out' ? current + step : current - step,
      detail: `at most ${step} instance(s) per decision`,
    };
  },
};
