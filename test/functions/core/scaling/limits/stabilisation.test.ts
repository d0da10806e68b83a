import { stabilisationLimit } from '../../../../../functions/core/scaling/limits/stabilisation';
import { NOW, policyOf } from '../fixtures';
import { contextOf } from './context';

const policy = policyOf({
  behaviour: { scaleOut: { stabilizationWindowSeconds: 120 }, scaleIn: { stabilizationWindowSeconds: 600 } },
});
const ago = (seconds: number, recommendation: number) => ({ time: NOW - seconds * 1000, recommendation });

describe('stabilisation limit', () => {
  it('scales in only to the highest recommendation of the scale-in window, naming the window', () => {
    const context = contextOf({ current: 10, policy, recentRecommendations: [ago(300, 8), ago(700, 10)] });
    expect(stabilisationLimit.apply(5, context)).toEqual({
      to: 8,
      detail: 'highest recommendation in the last 600s is 8',
    });
  });

  it('scales out only to the lowest recommendation of the scale-out window', () => {
    const context = contextOf({ current: 4, policy, recentRecommendations: [ago(60, 6)] });
    expect(stabilisationLimit.apply(9, context)).toEqual({
      to: 6,
      detail: 'lowest recommendation in the last 120s is 6',
    });
  });

  it('does nothing when the target keeps the capacity or the window agrees', () => {
    expect(stabilisationLimit.apply(10, contextOf({ current: 10, policy }))).toBeUndefined();
    expect(
      stabilisationLimit.apply(5, contextOf({ current: 10, policy, recentRecommendations: [ago(60, 5)] })),
    ).toBeUndefined();
  });
});
