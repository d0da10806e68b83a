import { type CandidateIndex, candidateKey, createIndexSql } from './candidates';

/** A query the advisor tries to speed up, with its planner cost as the schema is. */
export interface CostedQuery {
  readonly key: string;
  readonly query: string;
  readonly calls: number;
  readonly meanMs: number;
  readonly costBefore: number;
}

/** One candidate's effect: the planner cost of each query it was tried on, with it in place. */
export interface CandidateEvaluation {
  readonly candidate: CandidateIndex;
  /** Query key → cost with only this hypothetical index added. */
  readonly costAfter: ReadonlyMap<string, number>;
}

/** An index worth creating, with the queries it serves. */
export interface IndexRecommendation {
  readonly table: string;
  readonly columns: readonly string[];
  /** Column → operator class, where the index needs one other than the default. */
  readonly operatorClasses?: Readonly<Record<string, string>>;
  readonly sql: string;
  /** The normalised text of each query it serves. */
  readonly queries: string[];
  readonly queryKeys: string[];
  /** Sum of the planner costs of those queries without the index. */
  readonly costBefore: number;
  /** ... and with it. */
  readonly costAfter: number;
  /** Σ calls × mean × (1 − costAfter / costBefore) over those queries. */
  readonly estimatedSavingsMs: number;
  /**
   * Other recommended indexes (their `CREATE INDEX`) this one serves its queries only together
   * with: a join needs an index on each side. Left out when it works alone.
   */
  readonly requires?: readonly string[];
}

const EPSILON = 1e-9;
const TIE_TOLERANCE = 0.01;

/**
 * Whether an index's cost for a query clears the bar: at least `minReduction` below the query's
 * cost without any new index.
 */
function clears(query: CostedQuery, after: number | undefined, minReduction: number): after is number {
  return (
    after !== undefined && query.costBefore > 0 && 1 - after / query.costBefore + EPSILON >= minReduction
  );
}

/**
 * The time a candidate would save on top of the indexes already chosen: over the queries whose
 * cost it clears the bar for and whose current best cost it cuts by `minReduction` again.
 */
function marginalSavings(
  evaluation: CandidateEvaluation,
  queries: readonly CostedQuery[],
  current: ReadonlyMap<string, number>,
  minReduction: number,
): { savings: number; improved: Map<string, number> } {
  let savings = 0;
  const improved = new Map<string, number>();
  for (const query of queries) {
    const after = evaluation.costAfter.get(query.key);
    if (!clears(query, after, minReduction)) continue;
    const now = current.get(query.key)!;
    if (after >= now || (now - after) / now + EPSILON < minReduction) continue;
    savings += (query.calls * query.meanMs * (now - after)) / query.costBefore;
    improved.set(query.key, after);
  }
  return { savings, improved };
}

function better(
  candidate: { evaluation: CandidateEvaluation; savings: number },
  best: { evaluation: CandidateEvaluation; savings: number } | undefined,
): boolean {
  if (!best) return true;
  // Planner costs are estimates: savings within 1 % of each other are a tie, decided below.
  const tolerance = TIE_TOLERANCE * Math.max(candidate.savings, best.savings) + EPSILON;
  if (Math.abs(candidate.savings - best.savings) > tolerance) return candidate.savings > best.savings;
  const a = candidate.evaluation.candidate;
  const b = best.evaluation.candidate;
  // A default operator class also serves equality and ORDER BY: it wins a tie with a pattern one.
  const classes = (c: CandidateIndex) => Object.keys(c.operatorClasses ?? {}).length;
  const order =
    a.columns.length - b.columns.length ||
    classes(a) - classes(b) ||
    (candidateKey(a) < candidateKey(b) ? -1 : 1);
  return order < 0;
}

/**
 * Chooses indexes for the whole workload, greedily: each round takes the candidate that saves the
 * most time on top of the indexes already chosen, so one index serving several queries wins over
 * several single-use ones, and a better index for a query (a composite after a single column) is
 * still taken when it halves that query's cost again. A query counts only when its cost drops by
 * at least `minReduction` (a fraction) from its cost without new indexes. In the end each query
 * belongs to the chosen index that makes it cheapest, and an index left with no query is dropped.
 * Savings within 1 % of each other tie; ties go to fewer columns, then to the default operator
 * class, then to the name.
 */
export function selectIndexes(
  queries: readonly CostedQuery[],
  evaluations: readonly CandidateEvaluation[],
  minReduction: number,
): IndexRecommendation[] {
  const current = new Map(queries.map((query) => [query.key, query.costBefore]));
  const remaining = [...evaluations];
  const chosen: CandidateEvaluation[] = [];
  for (;;) {
    let best: { evaluation: CandidateEvaluation; savings: number; improved: Map<string, number> } | undefined;
    for (const evaluation of remaining) {
      const { savings, improved } = marginalSavings(evaluation, queries, current, minReduction);
      if (improved.size > 0 && better({ evaluation, savings }, best))
        best = { evaluation, savings, improved };
    }
    if (!best) break;
    chosen.push(best.evaluation);
    for (const [key, after] of best.improved) current.set(key, after);
    remaining.splice(remaining.indexOf(best.evaluation), 1);
  }
  const served = new Map<CandidateEvaluation, Array<{ query: CostedQuery; after: number }>>();
  for (const query of queries) {
    let owner: { evaluation: CandidateEvaluation; after: number } | undefined;
    for (const evaluation of chosen) {
      const after = evaluation.costAfter.get(query.key);
      if (clears(query, after, minReduction) && (!owner || after < owner.after - EPSILON))
        owner = { evaluation, after };
    }
    if (owner)
      served.set(owner.evaluation, [...(served.get(owner.evaluation) ?? []), { query, after: owner.after }]);
  }
  return chosen
    .filter((evaluation) => served.has(evaluation))
    .map((evaluation): IndexRecommendation => {
      const { candidate } = evaluation;
      const hits = served.get(evaluation)!;
      return {
        table: candidate.table,
        columns: candidate.columns,
        ...(candidate.operatorClasses ? { operatorClasses: candidate.operatorClasses } : {}),
        sql: createIndexSql(candidate),
        queries: hits.map((hit) => hit.query.query),
        queryKeys: hits.map((hit) => hit.query.key),
        costBefore: hits.reduce((sum, hit) => sum + hit.query.costBefore, 0),
        costAfter: hits.reduce((sum, hit) => sum + hit.after, 0),
        estimatedSavingsMs: hits.reduce(
          (sum, hit) => sum + hit.query.calls * hit.query.meanMs * (1 - hit.after / hit.query.costBefore),
          0,
        ),
      };
    })
    .sort((a, b) => b.estimatedSavingsMs - a.estimatedSavingsMs);
}
