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
      expect.objectContaining({
        key: 'b',
        baselineMeanMs: 10,
        meanMs: 30,
        increasePercent: 200,
        addedMs: 1000,
      }),
    ]);
  });

  it('does not flag a 0.1 → 0.2 ms mean as a regression: a doubling that small is noise', () => {
    const baseline = new Map([['insert', { meanMs: 0.1, calls: 150 }]]);
    expect(findRegressions([q('insert', 150, 0.2)], baseline, DEFAULT_SLOW_QUERY_SETTINGS)).toEqual([]);
    // Even run a million times: its mean rose by less than the 0.5 ms floor.
    expect(findRegressions([q('insert', 1_000_000, 0.2)], baseline, DEFAULT_SLOW_QUERY_SETTINGS)).toEqual([]);
  });

  it('flags 5 → 12 ms over 1,000 calls: 7 ms more each, 7 s of database time in the interval', () => {
    const found = findRegressions(
      [q('lookup', 1000, 12)],
      new Map([['lookup', { meanMs: 5, calls: 1000 }]]),
      DEFAULT_SLOW_QUERY_SETTINGS,
    );
    expect(found).toEqual([
      expect.objectContaining({
        key: 'lookup',
        baselineMeanMs: 5,
        meanMs: 12,
        increasePercent: 140,
        addedMs: 7000,
      }),
    ]);
  });

  it('does not flag a rise that costs less than a second of database time over the interval', () => {
    // 2 → 6 ms is +200 % and +4 ms, but 20 calls add only 80 ms.
    const baseline = new Map([['rare', { meanMs: 2, calls: 20 }]]);
    expect(findRegressions([q('rare', 20, 6)], baseline, DEFAULT_SLOW_QUERY_SETTINGS)).toEqual([]);
    expect(findRegressions([q('rare', 250, 6)], baseline, DEFAULT_SLOW_QUERY_SETTINGS)).toHaveLength(1);
  });

  it('honours configured floors: zero floors leave the percentage rule alone', () => {
    const baseline = new Map([['insert', { meanMs: 0.1, calls: 150 }]]);
    const found = findRegressions([q('insert', 150, 0.2)], baseline, {
      ...DEFAULT_SLOW_QUERY_SETTINGS,
      regressionMinIncreaseMs: 0,
      regressionMinAddedMs: 0,
    });
    expect(found).toHaveLength(1);
  });
});
