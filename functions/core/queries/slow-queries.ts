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
  /**
   * ... and only when the mean rose by at least this many milliseconds: a doubling of a 0.1 ms
   * mean is scheduling and I/O jitter, not a plan that got worse. Default 0.5.
   */
  readonly regressionMinIncreaseMs: number;
  /**
   * ... and the rise cost at least this many milliseconds of database time over the interval
   * (the mean's rise × the interval's calls): a slower query nobody runs costs nothing. Default 1000.
   */
  readonly regressionMinAddedMs: number;
}

/** PgHero's thresholds and a 50 % regression threshold with its absolute floors. */
export const DEFAULT_SLOW_QUERY_SETTINGS: SlowQuerySettings = {
  minMeanMs: 20,
  minCalls: 100,
  regressionPercent: 50,
  regressionMinCalls: 10,
  regressionMinIncreaseMs: 0.5,
  regressionMinAddedMs: 1000,
};

/** A query whose mean time rose past the threshold. */
export interface Regression {
  readonly key: string;
  readonly query: string;
  readonly baselineMeanMs: number;
  readonly meanMs: number;
  readonly increasePercent: number;
  readonly calls: number;
  /** The database time the rise cost over the interval: (mean − baseline mean) × calls. */
  readonly addedMs: number;
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

/**
 * Queries whose mean rose more than `regressionPercent` over their baseline, by at least
 * `regressionMinIncreaseMs`, costing at least `regressionMinAddedMs` over the interval, each mean
 * over at least `regressionMinCalls` calls; worst (by percent) first. The one regression rule: the
 * scheduled analysis applies it (`analyzeWorkload`), and the digest and the admin API show its result.
 */
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
    const increaseMs = q.meanMs - base.meanMs;
    const increasePercent = (increaseMs / base.meanMs) * 100;
    const addedMs = increaseMs * q.calls;
    if (
      increasePercent > settings.regressionPercent &&
      increaseMs >= settings.regressionMinIncreaseMs &&
      addedMs >= settings.regressionMinAddedMs
    ) {
      found.push({
        key: q.key,
        query: q.query,
        baselineMeanMs: base.meanMs,
        meanMs: q.meanMs,
        increasePercent,
        calls: q.calls,
        addedMs,
      });
    }
  }
  return found.sort((a, b) => b.increasePercent - a.increasePercent || a.key.localeCompare(b.key));
}
