import type { AnalysisReport, AnalysisState } from '../../../../functions/core/queries/scheduled-analysis';
import type { StatementCounters, StatementDelta } from '../../../../functions/core/queries/snapshot-delta';

export const T = Date.UTC(2025, 0, 6, 10, 0, 0);

/** `count` pg_stat_statements rows; row i has i+1 ms total per call, so the last ones are the busiest. */
export function statements(count: number, queryLength = 40): StatementCounters[] {
  return Array.from({ length: count }, (_, i) => ({
    queryid: String(1_000_000 + i),
    userid: '10',
    dbid: '5',
    toplevel: i % 2 === 0,
    query: `SELECT ${'x'.repeat(queryLength)} FROM t${i} WHERE id = $1`,
    calls: 100 + i,
    totalExecMs: (100 + i) * (i + 1) + 0.125,
    meanExecMs: i + 1,
    maxExecMs: 3 * (i + 1),
    stddevExecMs: 0.5,
    rows: 100 + i,
    sharedBlksHit: 1000 + i,
    sharedBlksRead: i,
  }));
}

export function state(entries: StatementCounters[]): Required<AnalysisState> {
  const key = (e: StatementCounters) => `${e.userid}/${e.dbid}/${e.queryid}/${e.toplevel ? 't' : 'f'}`;
  return {
    snapshot: { takenAt: T, statsResetAt: T - 86_400_000, entries },
    baseline: Object.fromEntries(entries.map((e) => [key(e), { meanMs: e.meanExecMs, calls: e.calls }])),
    reported: { 'slow:1000001': T - 3600_000 },
    warned: [],
  };
}

function delta(e: StatementCounters): StatementDelta {
  return {
    key: `${e.userid}/${e.dbid}/${e.queryid}/t`,
    queryid: e.queryid,
    query: e.query,
    calls: e.calls,
    totalMs: e.totalExecMs,
    meanMs: e.meanExecMs,
    maxMs: null,
    stddevMs: 0,
    rows: e.rows,
    sharedBlksHit: e.sharedBlksHit,
    sharedBlksRead: e.sharedBlksRead,
    restarted: false,
  };
}

/** A report with `slow` slow queries whose texts are `queryLength` long. */
export function report(slow = 2, queryLength = 40): AnalysisReport {
  const slowQueries = statements(slow, queryLength).map(delta).reverse();
  return {
    generatedAt: new Date(T).toISOString(),
    interval: { from: T - 3600_000, to: T, reset: false },
    statements: slow + 10,
    slowQueries,
    topByTotalTime: slowQueries.slice(0, 10),
    regressions: [],
    vanished: 0,
    worstMeanMs: slowQueries[0]?.meanMs ?? 0,
    unusedIndexes: [],
    duplicateIndexes: [],
    cluster: 'misybot-db',
    recommendations: [
      {
        table: 'public.orders',
        columns: ['customer_id'],
        sql: 'CREATE INDEX CONCURRENTLY ON public.orders (customer_id)',
        queries: ['SELECT * FROM orders WHERE customer_id = $1'],
        queryKeys: ['1000000'],
        costBefore: 1000,
        costAfter: 10,
        estimatedSavingsMs: 1234.5,
      },
    ],
    advisor: { status: 'ran', queries: 1, candidatesEvaluated: 3, skipped: [] },
    newFindings: [{ id: 'slow:1000000', kind: 'slow', summary: 'slow: 1.0 ms mean' }],
  };
}
