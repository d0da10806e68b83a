/** The figures slow-query and regression detection need, whatever the source (logs or snapshots). */
export interface QueryFigures {
  /** A stable identity: the fingerprint for logs, the pg_stat_statements key for snapshots. */
  readonly key: string;
  readonly query: string;
  readonly calls: number;
  readonly totalMs: number;
  readonly meanMs: number;
}

/** Thresholds; the defaults are PgHero's. */
export interface SlowQuerySettings {
  /** Default 20 ms. */
  readonly minMeanMs: number;
  /** Default 100. */
  readonly minCalls: number;
  /** A mean this many percent above the baseline is a regression. Default 50. */
  readonly regressionPercent: number;
  /** Calls required in both intervals before a mean is trusted. Default 10. */
  readonly regressionMinCalls: number;
}

/** PgHero's thresholds and a 50 % regression threshold. */
export const DEFAULT_SLOW_QUERY_SETTINGS: SlowQuerySettings = {
  minMeanMs: 20,
  minCalls: 100,
  regressionPercent: 50,
  regressionMinCalls: 10,
};

/** A query whose mean time rose past the threshold. */
export interface Regression {
  readonly key: string;
  readonly query: string;
  readonly baselineMeanMs: number;
  readonly meanMs: number;
  readonly increasePercent: number;
  readonly calls: number;
}

/** The per-query mean of an interval, kept to compare the next interval with. */
export interface BaselineEntry {
  readonly meanMs: number;
  readonly calls: number;
}

function byTotalDescending<T extends QueryFigures>(a: T, b: T): number {
  return b.totalMs - a.totalMs || a.key.localeCompare(b.key);
}

/** Queries at or above both thresholds, by total time descending. */
export function findSlowQueries<T extends QueryFigures>(
  queries: readonly T[],
  settings: SlowQuerySettings,
): T[] {
  return queries
    .filter((q) => q.meanMs >= settings.minMeanMs && q.calls >= settings.minCalls)
    .sort(byTotalDescending);
}

/** The `n` queries with the most total time. */
export function topByTotalTime<T extends QueryFigures>(queries: readonly T[], n: number): T[] {
  return [...queries].sort(byTotalDescending).slice(0, Math.max(0, n));
}

/** Queries whose mean rose more than `regressionPercent` over their baseline, worst first. */
export function findRegressions(
  queries: readonly QueryFigures[],
  baseline: ReadonlyMap<string, BaselineEntry>,
  settings: SlowQuerySettings,
): Regression[] {
  const found: Regression[] = [];
  for (const q of queries) {
    const base = baseline.get(q.key);
    if (!base || base.calls < settings.regressionMinCalls || q.calls < settings.regressionMinCalls) continue;
    if (base.meanMs <= 0) continue;
    const increasePercent = ((q.meanMs - base.meanMs) / base.meanMs) * 100;
    if (increasePercent > settings.regressionPercent) {
      found.push({
        key: q.key,
        query: q.query,
        baselineMeanMs: base.meanMs,
        meanMs: q.meanMs,
        increasePercent,
        calls: q.calls,
      });
    }
  }
  return found.sort((a, b) => b.increasePercent - a.increasePercent || a.key.localeCompare(b.key));
}
