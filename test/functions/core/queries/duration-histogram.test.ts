import fc from 'fast-check';
import { DurationHistogram } from '../../../../functions/core/queries/duration-histogram';

describe('DurationHistogram', () => {
  it('gives p95 within 1 % of the exact nearest-rank value', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.01, max: 1e5, noNaN: true }), { minLength: 1, maxLength: 300 }),
        (values) => {
          const histogram = new DurationHistogram();
          for (const value of values) histogram.add(value);
          const sorted = [...values].sort((a, b) => a - b);
          const exact = sorted[Math.ceil(0.95 * sorted.length) - 1]!;
          expect(Math.abs(histogram.percentile(0.95)! - exact) / exact).toBeLessThanOrEqual(0.0101);
          expect(histogram.count).toBe(values.length);
        },
      ),
    );
  });

  it('has no percentile when empty', () => {
    expect(new DurationHistogram().percentile(0.95)).toBeUndefined();
  });
});
