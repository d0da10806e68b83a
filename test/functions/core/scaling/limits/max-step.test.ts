import { maxStepLimit } from '../../../../../functions/core/scaling/limits/max-step';
import { policyOf } from '../fixtures';
import { contextOf } from './context';

const policy = policyOf({ behaviour: { scaleOut: { maxStep: 3 }, scaleIn: { maxStep: 1 } } });

describe('max-step limit', () => {
  it('caps each direction at its own step', () => {
    expect(maxStepLimit.apply(10, contextOf({ current: 4, policy }))).toEqual({
      to: 7,
      detail: 'at most 3 instance(s) per decision',
    });
    expect(maxStepLimit.apply(2, contextOf({ current: 6, policy }))).toEqual({
      to: 5,
      detail: 'at most 1 instance(s) per decision',
    });
  });

  it('leaves a step within the cap, or a direction without one, alone', () => {
    expect(maxStepLimit.apply(7, contextOf({ current: 4, policy }))).toBeUndefined();
    expect(maxStepLimit.apply(40, contextOf({ current: 4 }))).toBeUndefined();
  });
});
