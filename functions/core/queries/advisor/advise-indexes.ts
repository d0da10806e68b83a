import type { IndexInfo } from '../index-health';
import type { SqlParser } from '../sql-parser-port';
import { type CandidateIndex, candidateKey, candidatesFor, equalityFrequency } from './candidates';
import { addJointRecommendations, currentCost, jointSet } from './index-sets';
import type { TableCatalog } from './predicates';
import {
  type CandidateEvaluation,
  type CostedQuery,
  type IndexRecommendation,
  selectIndexes,
} from './selection';
import {
  type AdvisableQuery,
  type PreparedQuery,
  prepareQueries,
  type SkippedQuery,
} from './workload-statements';

export type { AdvisableQuery, SkipKind, SkippedQuery } from './workload-statements';

/** A planner cost, or why the planner could not cost the query. */
export type PlanCost = { readonly cost: number } | { readonly error: string };

/** Costs queries against hypothetical indexes (hypopg); implemented in functions/adapters/postgres. */
export interface HypotheticalPlanner {
  /**
   * The total cost of each query's plan with `indexes` added hypothetically (none: the schema as
   * it is), in the order given; `$n` parameters get a generic plan. Must never create a real index
   * nor leave a hypothetical one.
   */
  costs(queries: readonly string[], indexes: readonly CandidateIndex[]): Promise<PlanCost[]>;
}

/** Advisor settings. */
export interface AdviseSettings {
  /** Recommend only when the cost drops by at least this fraction. Default 0.5, as Dexter. */
  readonly minCostReduction: number;
  /** Upper bound on hypothetical indexes tried. Default 100. */
  readonly maxCandidates: number;
}

/** Dexter's 50 % and a bound that keeps a run within seconds. */
export const DEFAULT_ADVISE_SETTINGS: AdviseSettings = { minCostReduction: 0.5, maxCandidates: 100 };

/** The advisor's answer, including the queries it could not consider and why. */
export interface IndexAdvice {
  readonly recommendations: IndexRecommendation[];
  readonly skipped: SkippedQuery[];
  readonly candidatesEvaluated: number;
}

type Costed = CostedQuery & { readonly tables: ReadonlySet<string>; readonly prepared: PreparedQuery };

function candidatesOf(
  prepared: readonly PreparedQuery[],
  existing: readonly IndexInfo[],
  catalog: TableCatalog | undefined,
): CandidateIndex[] {
  const frequency = equalityFrequency(prepared.flatMap((p) => p.uses));
  const candidates = new Map<string, CandidateIndex>();
  for (const { uses } of prepared) {
    for (const use of uses) {
      for (const candidate of candidatesFor(use, frequency, existing, catalog))
        candidates.set(candidateKey(candidate), candidate);
    }
  }
  return [...candidates.values()];
}

async function evaluate(
  planner: HypotheticalPlanner,
  costed: readonly Costed[],
  candidates: readonly CandidateIndex[],
): Promise<CandidateEvaluation[]> {
  const evaluations: CandidateEvaluation[] = [];
  for (const candidate of candidates) {
    const affected = costed.filter((query) => query.tables.has(candidate.table));
    if (affected.length === 0) continue;
    const after = await planner.costs(
      affected.map((query) => query.prepared.planText),
      [candidate],
    );
    const costAfter = new Map<string, number>();
    affected.forEach((query, i) => {
      const plan = after[i]!;
      if ('cost' in plan) costAfter.set(query.key, plan.cost);
    });
    evaluations.push({ candidate, costAfter });
  }
  return evaluations;
}

/**
 * Tries one index per table together on each join query, and keeps the set when it halves the
 * query's cost again on top of the indexes already recommended (and halves it from the start).
 */
async function adviseJoins(
  planner: HypotheticalPlanner,
  joins: readonly Costed[],
  evaluations: readonly CandidateEvaluation[],
  recommendations: IndexRecommendation[],
  minCostReduction: number,
): Promise<number> {
  let tried = 0;
  for (const query of joins) {
    const set = jointSet(query, query.tables, evaluations, recommendations);
    if (set.length === 0 || query.costBefore <= 0) continue;
    tried += 1;
    const [plan] = await planner.costs([query.prepared.planText], set);
    if (!plan || !('cost' in plan)) continue;
    const now = currentCost(query, evaluations, recommendations);
    const clears = (from: number) => from > 0 && 1 - plan.cost / from + 1e-9 >= minCostReduction;
    if (clears(now) && clears(query.costBefore))
      addJointRecommendations(recommendations, set, query, now, plan.cost);
  }
  return tried;
}

/**
 * Proposes candidate indexes from the queries' parse trees, proves each with hypothetical indexes,
 * and picks the set that saves the most time across the whole workload; then, for joins no single
 * index served, tries an index on each side together. Queries it could not consider come back in
 * `skipped` with their reason, and so do queries left unserved whose `LIKE` pattern is a
 * parameter no sample showed (normalised text cannot tell `'abc%'` from `'%abc%'`).
 */
export async function adviseIndexes(
  queries: readonly AdvisableQuery[],
  existing: readonly IndexInfo[],
  deps: {
    readonly parser: SqlParser;
    readonly planner: HypotheticalPlanner;
    readonly catalog?: TableCatalog;
  },
  settings: AdviseSettings = DEFAULT_ADVISE_SETTINGS,
): Promise<IndexAdvice> {
  const { prepared, skipped } = prepareQueries(queries, deps.parser, deps.catalog);
  const candidates = candidatesOf(prepared, existing, deps.catalog);
  if (candidates.length === 0) return { recommendations: [], skipped, candidatesEvaluated: 0 };

  const before = await deps.planner.costs(
    prepared.map((p) => p.planText),
    [],
  );
  const costed: Costed[] = [];
  prepared.forEach((query, i) => {
    const plan = before[i]!;
    if ('error' in plan) {
      skipped.push({
        key: query.key,
        query: query.query,
        kind: 'cannot-plan',
        reason: `cannot plan: ${plan.error}`,
      });
      return;
    }
    const { key, query: text, calls, meanMs } = query;
    const tables = new Set(query.uses.map((use) => use.table));
    costed.push({ key, query: text, calls, meanMs, costBefore: plan.cost, tables, prepared: query });
  });

  const evaluations = await evaluate(deps.planner, costed, candidates.slice(0, settings.maxCandidates));
  const recommendations = selectIndexes(costed, evaluations, settings.minCostReduction);
  const servedKeys = () => new Set(recommendations.flatMap((r) => r.queryKeys));
  const unserved = () => costed.filter((query) => !servedKeys().has(query.key));
  const joins = await adviseJoins(
    deps.planner,
    costed.filter((query) => query.tables.size >= 2),
    evaluations,
    recommendations,
    settings.minCostReduction,
  );
  for (const query of unserved()) {
    if (!query.prepared.unboundPattern) continue;
    skipped.push({
      key: query.key,
      query: query.query,
      kind: 'pattern-unknown',
      reason:
        'pattern unknown: LIKE compares with a parameter, and the normalised text cannot tell a prefix ' +
        "('abc%', which an index serves) from a search ('%abc%', which none does); give the advisor a log " +
        'with this query and its values to decide',
    });
  }
  return {
    recommendations: recommendations.sort((a, b) => b.estimatedSavingsMs - a.estimatedSavingsMs),
    skipped,
    candidatesEvaluated: evaluations.length + joins,
  };
}
