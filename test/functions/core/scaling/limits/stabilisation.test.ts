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

  it('lets a large drop use its shorter window, and keeps the full window for a small one', () => {
    const fast = policyOf({
      behaviour: {
        scaleIn: {
          stabilizationWindowSeconds: 600,
          largeDrop: { percent: 50, stabilizationWindowSeconds: 120 },
        },
      },
    });
    const history = [ago(400, 20), ago(60, 5)];
    expect(
      stabilisationLimit.apply(4, contextOf({ current: 20, policy: fast, recentRecommendations: history })),
    ).toEqual({
      to: 5,
      detail: 'highest recommendation in the last 120s is 5',
    });
    const small = [ago(400, 20), ago(60, 16)];
    expect(
      stabilisationLimit.apply(15, contextOf({ current: 20, policy: fast, recentRecommendations: small })),
    ).toEqual({
      to: 20,
      detail: 'highest recommendation in the last 600s is 20',
    });
  });
});
