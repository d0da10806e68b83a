import { applyLimits, DECISION_LIMITS, type LimitRule } from '../../../../../functions/core/scaling/limits';
import type { Limit } from '../../../../../functions/core/scaling/types';
import { contextOf } from './context';

describe('the decision limits', () => {
  it('apply in order: stabilisation, baseline hold, min step, headroom, cooldown, warm-up, rate limit, max step, bounds', () => {
    expect(DECISION_LIMITS.map((rule) => rule.kind)).toEqual([
      'stabilisation',
      'baseline-hold',
      'min-step',
      'headroom',
      'cooldown',
      'warm-up',
      'rate-limit',
      'max-step',
      'bounds',
    ]);
  });

  it('record each rule that changed the target, from what to what, and skip the ones that did not', () => {
    const halve: LimitRule = { kind: 'rate-limit', apply: (target) => ({ to: target / 2, detail: 'half' }) };
    const keep: LimitRule = { kind: 'cooldown', apply: () => undefined };
    const same: LimitRule = { kind: 'max-step', apply: (target) => ({ to: target, detail: 'no change' }) };
    const limits: Limit[] = [];
    expect(applyLimits([halve, keep, same, halve], 20, contextOf({ current: 4 }), limits)).toBe(5);
    expect(limits).toEqual([
      { kind: 'rate-limit', from: 20, to: 10, detail: 'half' },
      { kind: 'rate-limit', from: 10, to: 5, detail: 'half' },
    ]);
  });
});
