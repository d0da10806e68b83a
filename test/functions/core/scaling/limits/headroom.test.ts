import type { LimitContext } from '../../../../../functions/core/scaling/limits';
import { headroomLimit, risePercentPerMinute } from '../../../../../functions/core/scaling/limits/headroom';
import type { Datapoint } from '../../../../../functions/core/scaling/types';
import { NOW, policyOf } from '../fixtures';
import { contextOf } from './context';

const MINUTE = 60_000;
/** One request count a minute, the newest a minute old, oldest first (14 fit the 900 s window). */
const counts = (values: readonly number[]): Datapoint[] =>
  values.map((value, i) => ({ timestamp: NOW - (values.length - i) * MINUTE, value }));
const ramp = (from: number, perMinute: number, minutes = 14) =>
  counts(Array.from({ length: minutes }, (_, i) => from + perMinute * i));

const policy = policyOf({ behaviour: { scaleOut: { headroom: {} } } });
function withCounts(current: number, points: Datapoint[], chosen = policy): LimitContext {
  const context = contextOf({ current, policy: chosen });
  return { ...context, input: { ...context.input, metrics: [{ name: 'requestCount', aggregate: points }] } };
}

describe('risePercentPerMinute', () => {
  it('fits the slope of a ramp in percent of its mean', () => {
    // 100 → 126 over 14 minutes: 2 a minute on a mean of 113.
    expect(risePercentPerMinute(ramp(100, 2), NOW - 900_000, 10)).toBeCloseTo((2 / 113) * 100, 6);
  });

  it('is negative on a falling load and zero on a flat one', () => {
    expect(risePercentPerMinute(ramp(200, -2), NOW - 900_000, 10)).toBeLessThan(0);
    expect(risePercentPerMinute(ramp(200, 0), NOW - 900_000, 10)).toBe(0);
  });

  it('has no slope with fewer than 3 points in the window, or when one minute jumped', () => {
    expect(risePercentPerMinute(ramp(100, 2, 2), NOW - 900_000, 10)).toBeUndefined();
    expect(risePercentPerMinute(ramp(100, 2), NOW - 2.5 * MINUTE, 10)).toBeUndefined();
    const burst = counts([100, 101, 102, 103, 115, 116]);
    expect(risePercentPerMinute(burst, NOW - 900_000, 10)).toBeUndefined();
    expect(risePercentPerMinute(burst, NOW - 900_000, 12)).toBeGreaterThan(0);
  });

  it('reads the points in time order whatever order they came in', () => {
    const points = ramp(100, 2);
    expect(risePercentPerMinute([...points].reverse(), NOW - 900_000, 10)).toBeCloseTo(
      risePercentPerMinute(points, NOW - 900_000, 10)!,
      9,
    );
  });
});

describe('headroom limit', () => {
  it('takes a scale-out on a steady ramp 20 % past the ask, saying why', () => {
    // 500 → 630 rps: 10 a minute on a mean of 565, 1.77 % a minute.
    expect(headroomLimit.apply(12, withCounts(10, ramp(500, 10)))).toEqual({
      to: 15,
      detail: 'requestCount rising 1.8 % a minute: a scale-out to 12 goes 20 % past it, to 15',
    });
  });

  it('leaves a scale-in, a hold and a policy without headroom alone', () => {
    expect(headroomLimit.apply(8, withCounts(10, ramp(500, 10)))).toBeUndefined();
    expect(headroomLimit.apply(10, withCounts(10, ramp(500, 10)))).toBeUndefined();
    expect(headroomLimit.apply(12, withCounts(10, ramp(500, 10), policyOf()))).toBeUndefined();
  });

  it('gives no headroom to a flat or noisy load, a burst, or a rise too fast for a ramp', () => {
    const noisy = counts([500, 510, 495, 505, 500, 498, 507, 502, 494, 503, 500, 499, 506, 501]);
    expect(headroomLimit.apply(12, withCounts(10, noisy))).toBeUndefined();
    const burst = counts([500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 900, 1200]);
    expect(headroomLimit.apply(12, withCounts(10, burst))).toBeUndefined();
    // 9 % a minute, no minute above the jump limit of 20 %: still no ramp.
    const steep = policyOf({ behaviour: { scaleOut: { headroom: { maxJumpPercent: 20 } } } });
    expect(headroomLimit.apply(12, withCounts(10, ramp(100, 14), steep))).toBeUndefined();
    expect(headroomLimit.apply(12, withCounts(10, []))).toBeUndefined();
  });

  it('reads the ramp from the load metric the policy names', () => {
    const other = policyOf({ behaviour: { scaleOut: { headroom: { load: 'sessions', percent: 50 } } } });
    const context = withCounts(10, ramp(500, 10), other);
    expect(headroomLimit.apply(12, context)).toBeUndefined();
    const named = {
      ...context,
      input: { ...context.input, metrics: [{ name: 'sessions', aggregate: ramp(500, 10) }] },
    };
    expect(headroomLimit.apply(12, named)?.to).toBe(18);
  });
});
