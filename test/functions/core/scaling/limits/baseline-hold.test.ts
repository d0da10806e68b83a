import { baselineHoldLimit, usualCapacity } from '../../../../../functions/core/scaling/limits/baseline-hold';
import type { PastRecommendation } from '../../../../../functions/core/scaling/types';
import { NOW, policyOf } from '../fixtures';
import { contextOf } from './context';

const policy = policyOf({
  behaviour: {
    scaleIn: { baselineHold: { windowSeconds: 7200, holdSeconds: 2700, quantile: 0.1, keepPercent: 60 } },
  },
});
/** One recommendation a minute from `from` to `to` minutes ago, each `value`. */
const minutes = (from: number, to: number, value: number): PastRecommendation[] =>
  Array.from({ length: from - to + 1 }, (_, i) => ({
    time: NOW - (from - i) * 60_000,
    recommendation: value,
  }));

describe('baseline-hold limit', () => {
  it('takes the usual capacity as a low quantile of the recommendations before the hold', () => {
    const history = [...minutes(100, 46, 20), ...minutes(45, 1, 2)];
    expect(usualCapacity(history, NOW - 7_200_000, NOW - 2_700_000, 0.1)).toBe(20);
    expect(usualCapacity(minutes(50, 46, 20), NOW - 7_200_000, NOW - 2_700_000, 0.1)).toBeUndefined();
  });

  it('holds a sudden drop at its share of the usual capacity, saying why', () => {
    const context = contextOf({
      current: 20,
      policy,
      recentRecommendations: [...minutes(100, 46, 20), ...minutes(10, 1, 2)],
    });
    expect(baselineHoldLimit.apply(2, context)).toEqual({
      to: 12,
      detail:
        'usual capacity is 20 (p10 of the last 120 min before the newest 45); 60 % of it, 12, is kept through a drop for 45 min',
    });
  });

  it('lets a scale-in down to that share through, and lets the drop go once it is older than the hold', () => {
    const recent = contextOf({ current: 20, policy, recentRecommendations: minutes(100, 1, 20) });
    expect(baselineHoldLimit.apply(14, recent)).toBeUndefined();
    const old = contextOf({
      current: 20,
      policy,
      recentRecommendations: [...minutes(100, 80, 20), ...minutes(79, 1, 2)],
    });
    expect(baselineHoldLimit.apply(2, old)).toBeUndefined();
  });

  it('never holds a scale-out, nor anything without the setting or without history', () => {
    const history = minutes(100, 1, 20);
    expect(
      baselineHoldLimit.apply(30, contextOf({ current: 20, policy, recentRecommendations: history })),
    ).toBeUndefined();
    expect(
      baselineHoldLimit.apply(2, contextOf({ current: 20, recentRecommendations: history })),
    ).toBeUndefined();
    expect(baselineHoldLimit.apply(2, contextOf({ current: 20, policy }))).toBeUndefined();
  });
});
