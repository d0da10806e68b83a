import fc from 'fast-check';
import {
  DurationHistogram,
  EXACT_LIMIT,
  SKETCH_RELATIVE_ERROR,
} from '../../../../functions/core/queries/duration-histogram';

const nearestRank = (values: readonly number[], fraction: number) =>
  [...values].sort((a, b) => a - b)[Math.ceil(fraction * values.length) - 1]!;

function histogramOf(values: readonly number[]): DurationHistogram {
  const histogram = new DurationHistogram();
  for (const value of values) histogram.add(value);
  return histogram;
}

describe('DurationHistogram', () => {
  it('gives the exact nearest-rank percentile of a small group, flagged as exact', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.01, max: 1e5, noNaN: true }), { minLength: 1, maxLength: EXACT_LIMIT }),
        fc.double({ min: 0.01, max: 1, noNaN: true }),
        (values, fraction) => {
          const histogram = histogramOf(values);
          expect(histogram.percentile(fraction)).toEqual({
            valueMs: nearestRank(values, fraction),
            relativeError: 0,
          });
          expect(histogram.count).toBe(values.length);
        },
      ),
    );
  });

  it('reports 10 identical calls of 608.31 ms with a p95 of exactly 608.31 ms', () => {
    const histogram = histogramOf(Array.from({ length: 10 }, () => 608.31));
    expect(histogram.percentile(0.95)).toEqual({ valueMs: 608.31, relativeError: 0 });
  });

  it('beyond the exact limit answers within the stated error and never outside the smallest and largest call', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.01, max: 1e5, noNaN: true }), {
          minLength: EXACT_LIMIT + 1,
          maxLength: EXACT_LIMIT + 300,
        }),
        (values) => {
          const p95 = histogramOf(values).percentile(0.95)!;
          const exact = nearestRank(values, 0.95);
          expect(p95.relativeError).toBe(SKETCH_RELATIVE_ERROR);
          expect(Math.abs(p95.valueMs - exact) / exact).toBeLessThanOrEqual(SKETCH_RELATIVE_ERROR);
          expect(p95.valueMs).toBeGreaterThanOrEqual(Math.min(...values));
          expect(p95.valueMs).toBeLessThanOrEqual(Math.max(...values));
        },
      ),
      { numRuns: 50 },
    );
  });

  it('keeps a large group of identical calls at their exact duration', () => {
    const p95 = histogramOf(Array.from({ length: 5 * EXACT_LIMIT }, () => 608.31)).percentile(0.95)!;
    expect(p95.valueMs).toBe(608.31);
  });

  it('has no percentile when empty', () => {
    expect(new DurationHistogram().percentile(0.95)).toBeUndefined();
  });
});
