import { minStepLimit } from '../../../../../functions/core/scaling/limits/min-step';
import { policyOf } from '../fixtures';
import { contextOf } from './context';

const policy = policyOf({ behaviour: { scaleOut: { minStepPercent: 15 }, scaleIn: { minStepPercent: 25 } } });

describe('min-step limit', () => {
  it("holds a change smaller than its direction's share of the capacity, naming both", () => {
    expect(minStepLimit.apply(11, contextOf({ current: 10, policy }))).toEqual({
      to: 10,
      detail: 'a scale-out of 1 is 10 % of 10, below the 15 % worth an action',
    });
    expect(minStepLimit.apply(8, contextOf({ current: 10, policy }))).toEqual({
      to: 10,
      detail: 'a scale-in of 2 is 20 % of 10, below the 25 % worth an action',
    });
  });

  it('lets a change of at least the share through, and any change without the setting', () => {
    expect(minStepLimit.apply(12, contextOf({ current: 10, policy }))).toBeUndefined();
    expect(minStepLimit.apply(7, contextOf({ current: 10, policy }))).toBeUndefined();
    expect(minStepLimit.apply(11, contextOf({ current: 10 }))).toBeUndefined();
  });
});
