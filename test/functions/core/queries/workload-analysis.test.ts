import type { StatementCounters } from '../../../../functions/core/queries/snapshot-delta';
import { analyzeWorkload } from '../../../../functions/core/queries/workload-analysis';

const entry = (queryid: string, calls: number, totalExecMs: number): StatementCounters => ({
  queryid,
  userid: '1',
  dbid: '2',
  toplevel: true,
  query: `SELECT ${queryid}`,
  calls,
  totalExecMs,
  meanExecMs: totalExecMs / calls,
  maxExecMs: 100,
  stddevExecMs: 0,
  rows: calls,
  sharedBlksHit: 0,
  sharedBlksRead: 0,
});

describe('analyzeWorkload', () => {
  it('reports the interval: slow queries, regressions against the baseline, and the next baseline', () => {
    const report = analyzeWorkload({
      previous: { takenAt: 1000, statsResetAt: 1, entries: [entry('a', 100, 1000), entry('b', 10, 10)] },
      current: { takenAt: 61_000, statsResetAt: 1, entries: [entry('a', 300, 7000), entry('b', 20, 20)] },
      baseline: { '1/2/a/t': { meanMs: 10, calls: 100 }, '1/2/b/t': { meanMs: 1, calls: 10 } },
      indexes: [],
      now: 61_000,
      settings: { topN: 1 },
    });
    expect(report.generatedAt).toBe('1970-01-01T00:01:01.000Z');
    expect(report.slowQueries.map((q) => [q.queryid, q.calls, q.meanMs])).toEqual([['a', 200, 30]]);
    expect(report.worstMeanMs).toBe(30);
    expect(report.topByTotalTime.map((q) => q.queryid)).toEqual(['a']);
    expect(report.regressions).toEqual([expect.objectContaining({ key: '1/2/a/t', increasePercent: 200 })]);
    expect(report.baseline['1/2/a/t']).toEqual({ meanMs: 30, calls: 200 });
    expect(report.pool).toBeUndefined();
  });

  it('is deterministic: the same input gives the same report', () => {
    const input = { current: { takenAt: 5, entries: [entry('a', 100, 5000)] }, indexes: [], now: 5 };
    expect(analyzeWorkload(input)).toEqual(analyzeWorkload(input));
  });
});
