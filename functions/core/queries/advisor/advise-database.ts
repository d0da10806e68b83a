import {
  type DuplicateIndex,
  findDuplicateIndexes,
  findUnusedIndexes,
  type IndexInfo,
  type UnusedIndex,
} from '../index-health';
import type { StatsSnapshot } from '../snapshot-delta';
import type { SqlParser } from '../sql-parser-port';
import {
  type AdvisableQuery,
  type AdviseSettings,
  adviseIndexes,
  DEFAULT_ADVISE_SETTINGS,
  type HypotheticalPlanner,
  type IndexAdvice,
} from './advise-indexes';
import type { TableCatalog } from './predicates';

/** Reads a database's statistics; implemented with `pg` in functions/adapters/postgres. */
export interface DatabaseStatistics {
  /** pg_stat_statements for the current database. */
  statements(): Promise<StatsSnapshot>;
  /** Its indexes with sizes and scan counts. */
  indexes(): Promise<IndexInfo[]>;
  /** Column names per table, to resolve unqualified columns. */
  catalog(): Promise<TableCatalog>;
}

/** Which queries to advise on and how strict to be. */
export interface DatabaseAdviceSettings extends AdviseSettings {
  /** Default 100 (PgHero). */
  readonly minCalls: number;
  /** Default 20 ms (PgHero). */
  readonly minMeanMs: number;
  /** Default 1 MiB. */
  readonly unusedIndexMinBytes: number;
}

/** PgHero's thresholds with Dexter's 50 % cost reduction. */
export const DEFAULT_DATABASE_ADVICE_SETTINGS: DatabaseAdviceSettings = {
  ...DEFAULT_ADVISE_SETTINGS,
  minCalls: 100,
  minMeanMs: 20,
  unusedIndexMinBytes: 1024 * 1024,
};

/** Index recommendations plus the indexes that are dead weight. */
export interface DatabaseAdvice extends IndexAdvice {
  readonly unusedIndexes: UnusedIndex[];
  readonly duplicateIndexes: DuplicateIndex[];
}

/**
 * Statements with their literals, keyed by the parser's fingerprint (which ignores constants and
 * parameter numbers, so a logged execution matches its pg_stat_statements entry).
 */
export type QuerySamples = ReadonlyMap<string, string>;

function sampleFor(query: string, parser: SqlParser, samples: QuerySamples | undefined): string | undefined {
  if (!samples || samples.size === 0) return undefined;
  try {
    return samples.get(parser.fingerprint(query));
  } catch {
    return undefined;
  }
}

/** Merges entries of one query text (several users, top-level and nested) into one workload query. */
function workloadQueries(snapshot: StatsSnapshot): AdvisableQuery[] {
  const byText = new Map<string, { key: string; calls: number; totalMs: number }>();
  for (const entry of snapshot.entries) {
    const found = byText.get(entry.query) ?? { key: entry.queryid, calls: 0, totalMs: 0 };
    found.calls += entry.calls;
    found.totalMs += entry.totalExecMs;
    byText.set(entry.query, found);
  }
  return [...byText.entries()].map(([query, q]) => ({
    key: q.key,
    query,
    calls: q.calls,
    meanMs: q.calls > 0 ? q.totalMs / q.calls : 0,
  }));
}

/**
 * Dexter and PgHero in one pass over a live database: index recommendations for the queries above
 * the thresholds, proved with hypothetical indexes, and unused and duplicate indexes. `samples`
 * (from a log) let the planner see a query's real constants instead of its parameters.
 */
export async function adviseDatabase(
  deps: {
    readonly stats: DatabaseStatistics;
    readonly parser: SqlParser;
    readonly planner: HypotheticalPlanner;
  },
  settings: Partial<DatabaseAdviceSettings> = {},
  samples?: QuerySamples,
): Promise<DatabaseAdvice> {
  const merged: DatabaseAdviceSettings = { ...DEFAULT_DATABASE_ADVICE_SETTINGS, ...settings };
  // One after the other: the adapters share one connection.
  const snapshot = await deps.stats.statements();
  const indexes = await deps.stats.indexes();
  const catalog = await deps.stats.catalog();
  const queries = workloadQueries(snapshot)
    .filter((q) => q.calls >= merged.minCalls && q.meanMs >= merged.minMeanMs)
    .map((q) => {
      const sample = sampleFor(q.query, deps.parser, samples);
      return sample === undefined ? q : { ...q, sample };
    });
  const advice = await adviseIndexes(
    queries,
    indexes,
    { parser: deps.parser, planner: deps.planner, catalog },
    merged,
  );
  return {
    ...advice,
    unusedIndexes: findUnusedIndexes(indexes, merged.unusedIndexMinBytes),
    duplicateIndexes: findDuplicateIndexes(indexes),
  };
}
