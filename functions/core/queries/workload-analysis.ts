import {
  type DuplicateIndex,
  findDuplicateIndexes,
  findUnusedIndexes,
  type IndexInfo,
  type UnusedIndex,
} from './index-health';
import { advisePoolSizing, type PoolAdvice, type PoolSizingInput } from './pool-sizing';
import {
  type BaselineEntry,
  DEFAULT_SLOW_QUERY_SETTINGS,
  findRegressions,
  findSlowQueries,
  type Regression,
  type SlowQuerySettings,
  topByTotalTime,
} from './slow-queries';
import { diffSnapshots, type StatementDelta, type StatsSnapshot } from './snapshot-delta';

/** Thresholds of a scheduled analysis. */
export interface WorkloadSettings extends SlowQuerySettings {
  /** How many queries the top-by-total-time list keeps. Default 10. */
  readonly topN: number;
  /** Unused indexes smaller than this are not worth a report. Default 1 MiB. */
  readonly unusedIndexMinBytes: number;
}

/** PgHero's slow-query thresholds, top 10, 1 MiB. */
export const DEFAULT_WORKLOAD_SETTINGS: WorkloadSettings = {
  ...DEFAULT_SLOW_QUERY_SETTINGS,
  topN: 10,
  unusedIndexMinBytes: 1024 * 1024,
};

/** Everything one scheduled run knows. */
export interface WorkloadInput {
  /** The snapshot of the previous run; without it the interval starts at the last stats reset. */
  readonly previous?: StatsSnapshot;
  readonly current: StatsSnapshot;
  /** Per-query means of earlier intervals (the previous report's `baseline`). */
  readonly baseline?: Readonly<Record<string, BaselineEntry>>;
  readonly indexes: readonly IndexInfo[];
  readonly pool?: PoolSizingInput;
  readonly settings?: Partial<WorkloadSettings>;
  /** Epoch ms: the clock is an argument so a replay gives the same report. */
  readonly now: number;
}

/** The report of one interval; `baseline` is what the next run should be given. */
export interface WorkloadReport {
  readonly generatedAt: string;
  readonly interval: { readonly from: number | undefined; readonly to: number; readonly reset: boolean };
  readonly statements: number;
  readonly slowQueries: StatementDelta[];
  readonly topByTotalTime: StatementDelta[];
  readonly regressions: Regression[];
  /** Entries that disappeared from pg_stat_statements (evicted or reset) since the previous run. */
  readonly vanished: number;
  /** The highest mean among the slow queries (0 when none): an alarmable metric. */
  readonly worstMeanMs: number;
  readonly unusedIndexes: UnusedIndex[];
  readonly duplicateIndexes: DuplicateIndex[];
  readonly pool?: PoolAdvice;
  readonly baseline: Record<string, BaselineEntry>;
}

/**
 * The scheduled analysis, pure: interval deltas from two snapshots, slow queries, top-N, regressions
 * against the baseline, unused and duplicate indexes and pool sizing. Index recommendations need the
 * database (hypopg), so they come from `adviseIndexes` on `slowQueries`.
 */
export function analyzeWorkload(input: WorkloadInput): WorkloadReport {
  const settings: WorkloadSettings = { ...DEFAULT_WORKLOAD_SETTINGS, ...input.settings };
  const delta = diffSnapshots(input.previous, input.current);
  const figures = delta.statements;
  const baselineMap = new Map(Object.entries(input.baseline ?? {}));
  const regressions = findRegressions(figures, baselineMap, settings);
  const slowQueries = findSlowQueries(figures, settings);
  // Queries idle this interval keep their old baseline; busy ones get this interval's mean.
  const baseline: Record<string, BaselineEntry> = { ...(input.baseline ?? {}) };
  for (const q of figures) {
    if (q.calls >= settings.regressionMinCalls) baseline[q.key] = { meanMs: q.meanMs, calls: q.calls };
  }
  for (const gone of delta.vanished) delete baseline[gone.key];
  return {
    generatedAt: new Date(input.now).toISOString(),
    interval: { from: delta.from, to: delta.to, reset: delta.reset },
    statements: figures.length,
    slowQueries,
    topByTotalTime: topByTotalTime(figures, settings.topN),
    regressions,
    vanished: delta.vanished.length,
    worstMeanMs: slowQueries.reduce((worst, q) => Math.max(worst, q.meanMs), 0),
    unusedIndexes: findUnusedIndexes(input.indexes, settings.unusedIndexMinBytes),
    duplicateIndexes: findDuplicateIndexes(input.indexes),
    ...(input.pool ? { pool: advisePoolSizing(input.pool) } : {}),
    baseline,
  };
}
