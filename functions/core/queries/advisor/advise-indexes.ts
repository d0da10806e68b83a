import type { IndexInfo } from '../index-health';
import type { ParseTree, SqlParser } from '../sql-parser-port';
import { type CandidateIndex, candidateKey, candidatesFor, equalityFrequency } from './candidates';
import { extractTableUses, type TableCatalog, type TableUse } from './predicates';
import {
  type CandidateEvaluation,
  type CostedQuery,
  type IndexRecommendation,
  selectIndexes,
} from './selection';

/** A planner cost, or why the planner could not cost the query. */
export type PlanCost = { readonly cost: number } | { readonly error: string };

/** Costs queries against hypothetical indexes (hypopg); implemented in functions/adapters/postgres. */
export interface HypotheticalPlanner {
  /**
   * The total cost of each query's generic plan with `indexes` added hypothetically (none: the
   * schema as it is), in the order given. Must never create a real index nor leave a hypothetical one.
   */
  costs(queries: readonly string[], indexes: readonly CandidateIndex[]): Promise<PlanCost[]>;
}

/** A query to advise on (normalised text, with `$n` parameters). */
export interface AdvisableQuery {
  readonly key: string;
  readonly query: string;
  readonly calls: number;
  readonly meanMs: number;
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
  readonly skipped: Array<{ readonly key: string; readonly query: string; readonly reason: string }>;
  readonly candidatesEvaluated: number;
}

const PLANNABLE = ['SelectStmt', 'UpdateStmt', 'DeleteStmt'];

function plannable(tree: ParseTree): boolean {
  return tree.stmts.length === 1 && PLANNABLE.some((type) => tree.stmts[0]?.stmt?.[type] !== undefined);
}

/**
 * Proposes candidate indexes from the queries' parse trees, proves each with hypothetical indexes,
 * and picks the set that saves the most time across the whole workload.
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
  const skipped: IndexAdvice['skipped'] = [];
  const parsed: Array<{ query: AdvisableQuery; uses: TableUse[] }> = [];
  for (const query of queries) {
    let tree: ParseTree;
    try {
      tree = deps.parser.parse(query.query);
    } catch (error) {
      skipped.push({ key: query.key, query: query.query, reason: `unparsable: ${(error as Error).message}` });
      continue;
    }
    if (!plannable(tree)) continue;
    const uses = extractTableUses(tree, deps.catalog);
    if (uses.length > 0) parsed.push({ query, uses });
  }
  const frequency = equalityFrequency(parsed.flatMap((p) => p.uses));
  const candidates = new Map<string, CandidateIndex>();
  for (const { uses } of parsed) {
    for (const use of uses) {
      for (const candidate of candidatesFor(use, frequency, existing))
        candidates.set(candidateKey(candidate), candidate);
    }
  }
  if (candidates.size === 0) return { recommendations: [], skipped, candidatesEvaluated: 0 };

  const before = await deps.planner.costs(
    parsed.map((p) => p.query.query),
    [],
  );
  const costed: Array<CostedQuery & { tables: Set<string> }> = [];
  parsed.forEach(({ query, uses }, i) => {
    const plan = before[i]!;
    if ('error' in plan)
      skipped.push({ key: query.key, query: query.query, reason: `cannot plan: ${plan.error}` });
    else costed.push({ ...query, costBefore: plan.cost, tables: new Set(uses.map((use) => use.table)) });
  });

  const evaluations: CandidateEvaluation[] = [];
  for (const candidate of [...candidates.values()].slice(0, settings.maxCandidates)) {
    const affected = costed.filter((query) => query.tables.has(candidate.table));
    if (affected.length === 0) continue;
    const after = await deps.planner.costs(
      affected.map((query) => query.query),
      [candidate],
    );
    const costAfter = new Map<string, number>();
    affected.forEach((query, i) => {
      const plan = after[i]!;
      if ('cost' in plan) costAfter.set(query.key, plan.cost);
    });
    evaluations.push({ candidate, costAfter });
  }
  return {
    recommendations: selectIndexes(costed, evaluations, settings.minCostReduction),
    skipped,
    candidatesEvaluated: evaluations.length,
  };
}
