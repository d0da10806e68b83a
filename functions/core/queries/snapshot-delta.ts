/** One pg_stat_statements row (PostgreSQL 15 columns), counters since the entry was created. */
export interface StatementCounters {
  readonly queryid: string;
  readonly userid: string;
  readonly dbid: string;
  readonly toplevel: boolean;
  readonly query: string;
  readonly calls: number;
  readonly totalExecMs: number;
  readonly meanExecMs: number;
  readonly maxExecMs: number;
  readonly stddevExecMs: number;
  readonly rows: number;
  readonly sharedBlksHit: number;
  readonly sharedBlksRead: number;
}

/** pg_stat_statements at one instant. */
export interface StatsSnapshot {
  /** Epoch milliseconds. */
  readonly takenAt: number;
  /** `pg_stat_statements_info.stats_reset` (epoch ms): a change means every counter restarted. */
  readonly statsResetAt?: number;
  readonly entries: readonly StatementCounters[];
}

/** What one statement did between two snapshots. */
export interface StatementDelta {
  /** userid/dbid/queryid/toplevel: pg_stat_statements' own identity of an entry. */
  readonly key: string;
  readonly queryid: string;
  readonly query: string;
  readonly calls: number;
  readonly totalMs: number;
  readonly meanMs: number;
  /** The interval's maximum when knowable (the entry restarted, or the all-time max rose); else null. */
  readonly maxMs: number | null;
  readonly stddevMs: number;
  readonly rows: number;
  readonly sharedBlksHit: number;
  readonly sharedBlksRead: number;
  /** Counters went down or the entry is new: the figures cover only part of the interval. */
  readonly restarted: boolean;
}

/** The interval between two snapshots. */
export interface SnapshotDelta {
  readonly from: number | undefined;
  readonly to: number;
  /** The whole view was reset in the interval (or there is no previous snapshot). */
  readonly reset: boolean;
  /** Statements that ran in the interval, by total time descending. */
  readonly statements: StatementDelta[];
  /** Entries of the previous snapshot missing now: evicted (pg_stat_statements.max) or reset. */
  readonly vanished: Array<{ readonly key: string; readonly queryid: string; readonly query: string }>;
}

/** pg_stat_statements' identity of an entry. */
export function entryKey(entry: StatementCounters): string {
  return `${entry.userid}/${entry.dbid}/${entry.queryid}/${entry.toplevel ? 't' : 'f'}`;
}

function sumOfSquares(entry: StatementCounters): number {
  // PG keeps the population stddev; calls·(σ² + μ²) recovers Σx², which subtracts cleanly.
  return entry.calls * (entry.stddevExecMs ** 2 + entry.meanExecMs ** 2);
}

function whole(entry: StatementCounters): StatementDelta {
  return {
    key: entryKey(entry),
    queryid: entry.queryid,
    query: entry.query,
    calls: entry.calls,
    totalMs: entry.totalExecMs,
    meanMs: entry.meanExecMs,
    maxMs: entry.maxExecMs,
    stddevMs: entry.stddevExecMs,
    rows: entry.rows,
    sharedBlksHit: entry.sharedBlksHit,
    sharedBlksRead: entry.sharedBlksRead,
    restarted: true,
  };
}

function subtract(now: StatementCounters, before: StatementCounters): StatementDelta {
  const calls = now.calls - before.calls;
  const totalMs = now.totalExecMs - before.totalExecMs;
  const meanMs = calls > 0 ? totalMs / calls : 0;
  const variance = calls > 0 ? (sumOfSquares(now) - sumOfSquares(before)) / calls - meanMs ** 2 : 0;
  return {
    key: entryKey(now),
    queryid: now.queryid,
    query: now.query,
    calls,
    totalMs,
    meanMs,
    maxMs: now.maxExecMs > before.maxExecMs ? now.maxExecMs : null,
    stddevMs: Math.sqrt(Math.max(0, variance)),
    rows: now.rows - before.rows,
    sharedBlksHit: now.sharedBlksHit - before.sharedBlksHit,
    sharedBlksRead: now.sharedBlksRead - before.sharedBlksRead,
    restarted: false,
  };
}

function wentDown(now: StatementCounters, before: StatementCounters): boolean {
  return (
    now.calls < before.calls ||
    now.totalExecMs < before.totalExecMs ||
    now.rows < before.rows ||
    now.sharedBlksHit < before.sharedBlksHit ||
    now.sharedBlksRead < before.sharedBlksRead
  );
}

/**
 * The statements' activity between `previous` and `current`. An entry whose counters went down was
 * reset or evicted and re-created in the interval, so its current counters are the best figure; a
 * changed `statsResetAt` means the same for every entry. Entries with no calls in the interval are
 * left out.
 */
export function diffSnapshots(previous: StatsSnapshot | undefined, current: StatsSnapshot): SnapshotDelta {
  const globalReset =
    previous === undefined ||
    (current.statsResetAt !== undefined && current.statsResetAt !== previous.statsResetAt);
  const before = new Map<string, StatementCounters>();
  for (const entry of previous?.entries ?? []) before.set(entryKey(entry), entry);
  const statements: StatementDelta[] = [];
  const seen = new Set<string>();
  for (const entry of current.entries) {
    const key = entryKey(entry);
    seen.add(key);
    const old = globalReset ? undefined : before.get(key);
    const delta = old === undefined || wentDown(entry, old) ? whole(entry) : subtract(entry, old);
    if (delta.calls > 0) statements.push(delta);
  }
  statements.sort((a, b) => b.totalMs - a.totalMs || a.key.localeCompare(b.key));
  const vanished = [...before.entries()]
    .filter(([key]) => !seen.has(key))
    .map(([key, entry]) => ({ key, queryid: entry.queryid, query: entry.query }));
  return { from: previous?.takenAt, to: current.takenAt, reset: globalReset, statements, vanished };
}
