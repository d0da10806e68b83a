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
}

interface Served {
  readonly query: CostedQuery;
  readonly after: number;
  readonly savingsMs: number;
}

function served(
  evaluation: CandidateEvaluation,
  queries: readonly CostedQuery[],
  minReduction: number,
): Served[] {
  const out: Served[] = [];
  for (const query of queries) {
    const after = evaluation.costAfter.get(query.key);
    if (after === undefined || query.costBefore <= 0) continue;
    const reduction = 1 - after / query.costBefore;
    if (reduction + 1e-9 < minReduction) continue;
    out.push({ query, after, savingsMs: query.calls * query.meanMs * reduction });
  }
  return out;
}

/**
 * Chooses indexes for the whole workload, greedily: each round takes the candidate that saves the
 * most time over the queries no chosen index serves yet, so one index serving several queries wins
 * over several single-use ones. A query counts as served only when its cost drops by at least
 * `minReduction` (a fraction). Ties go to fewer columns, then to the name.
 */
export function selectIndexes(
  queries: readonly CostedQuery[],
  evaluations: readonly CandidateEvaluation[],
  minReduction: number,
): IndexRecommendation[] {
  let open = [...queries];
  const remaining = [...evaluations];
  const chosen: IndexRecommendation[] = [];
  for (;;) {
    let best: { evaluation: CandidateEvaluation; served: Served[]; savings: number } | undefined;
    for (const evaluation of remaining) {
      const hits = served(evaluation, open, minReduction);
      const savings = hits.reduce((sum, hit) => sum + hit.savingsMs, 0);
      if (hits.length === 0) continue;
      const better =
        !best ||
        savings > best.savings + 1e-9 ||
        (Math.abs(savings - best.savings) <= 1e-9 &&
          (evaluation.candidate.columns.length < best.evaluation.candidate.columns.length ||
            (evaluation.candidate.columns.length === best.evaluation.candidate.columns.length &&
              candidateKey(evaluation.candidate) < candidateKey(best.evaluation.candidate))));
      if (better) best = { evaluation, served: hits, savings };
    }
    if (!best) return chosen.sort((a, b) => b.estimatedSavingsMs - a.estimatedSavingsMs);
    const { candidate } = best.evaluation;
    chosen.push({
      table: candidate.table,
      columns: candidate.columns,
      sql: createIndexSql(candidate),
      queries: best.served.map((hit) => hit.query.query),
      queryKeys: best.served.map((hit) => hit.query.key),
      costBefore: best.served.reduce((sum, hit) => sum + hit.query.costBefore, 0),
      costAfter: best.served.reduce((sum, hit) => sum + hit.after, 0),
      estimatedSavingsMs: best.savings,
    });
    const done = new Set(best.served.map((hit) => hit.query.key));
    open = open.filter((query) => !done.has(query.key));
    remaining.splice(remaining.indexOf(best.evaluation), 1);
  }
}
