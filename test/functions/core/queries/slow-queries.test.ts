import {
  DEFAULT_SLOW_QUERY_SETTINGS,
  findRegressions,
  findSlowQueries,
  type QueryFigures,
  topByTotalTime,
} from '../../../../functions/core/queries/slow-queries';

const q = (key: string, calls: number, meanMs: number): QueryFigures => ({
  key,
  query: key,
  calls,
  meanMs,
  totalMs: calls * meanMs,
});

describe('slow queries', () => {
  it("uses PgHero's thresholds: mean >= 20 ms and calls >= 100, by total time", () => {
    const found = findSlowQueries(
      [q('a', 100, 20), q('b', 99, 500), q('c', 1000, 19.9), q('d', 500, 30)],
      DEFAULT_SLOW_QUERY_SETTINGS,
    );
    expect(found.map((f) => f.key)).toEqual(['d', 'a']);
  });

  it('honours configured thresholds', () => {
    const found = findSlowQueries([q('a', 5, 2)], {
      ...DEFAULT_SLOW_QUERY_SETTINGS,
      minCalls: 5,
      minMeanMs: 1,
    });
    expect(found).toHaveLength(1);
  });

  it('keeps the top N by total time', () => {
    expect(topByTotalTime([q('a', 1, 1), q('b', 10, 10), q('c', 5, 5)], 2).map((f) => f.key)).toEqual([
      'b',
      'c',
    ]);
  });

  it('flags a mean that rose more than the threshold over the baseline, worst first', () => {
    const baseline = new Map([
      ['a', { meanMs: 10, calls: 50 }],
      ['b', { meanMs: 10, calls: 50 }],
      ['c', { meanMs: 10, calls: 2 }],
    ]);
    const found = findRegressions(
      [q('a', 50, 15), q('b', 50, 30), q('c', 50, 100), q('d', 50, 100)],
      baseline,
      DEFAULT_SLOW_QUERY_SETTINGS,
    );
    expect(found).toEqual([
      expect.objectContaining({ key: 'b', baselineMeanMs: 10, meanMs: 30, increasePercent: 200 }),
    ]);
  });
});
