import { type CandidateIndex, candidateKey, createIndexSql } from './candidates';
import type { CandidateEvaluation, CostedQuery, IndexRecommendation } from './selection';

/**
 * A join is slow until both sides have an index: with only one of them the other side is still
 * scanned in full, so an index on the second side alone halves nothing and the one-index-at-a-time
 * search never proposes it. These helpers try, for such a query, one index per table together.
 */

/** The query's cost with the best index already recommended for it (its cost as is when none). */
export function currentCost(
  query: CostedQuery,
  evaluations: readonly CandidateEvaluation[],
  chosen: readonly IndexRecommendation[],
): number {
  const recommended = new Set(chosen.map((r) => candidateKey(r)));
  let cost = query.costBefore;
  for (const evaluation of evaluations) {
    const after = evaluation.costAfter.get(query.key);
    if (after !== undefined && recommended.has(candidateKey(evaluation.candidate)))
      cost = Math.min(cost, after);
  }
  return cost;
}

/**
 * For each table of the query, the candidate that gave it the lowest cost when tried alone (on
 * a tie, one already recommended, since it will exist anyway). Tables with no candidate are left
 * out; a set of fewer than two indexes, or with nothing new, is no set.
 */
export function jointSet(
  query: CostedQuery,
  tables: ReadonlySet<string>,
  evaluations: readonly CandidateEvaluation[],
  chosen: readonly IndexRecommendation[],
): CandidateIndex[] {
  const recommended = new Set(chosen.map((r) => candidateKey(r)));
  const set: CandidateIndex[] = [];
  for (const table of tables) {
    let best: { candidate: CandidateIndex; cost: number; recommended: boolean } | undefined;
    for (const evaluation of evaluations) {
      if (evaluation.candidate.table !== table) continue;
      const cost = evaluation.costAfter.get(query.key);
      if (cost === undefined) continue;
      const isRecommended = recommended.has(candidateKey(evaluation.candidate));
      // Alone it may not lower the cost at all (the other side is still scanned): the lowest wins,
      // and on a tie the index that will exist anyway.
      if (!best || cost < best.cost || (cost === best.cost && isRecommended && !best.recommended))
        best = { candidate: evaluation.candidate, cost, recommended: isRecommended };
    }
    if (best) set.push(best.candidate);
  }
  const adds = set.some((candidate) => !recommended.has(candidateKey(candidate)));
  return set.length >= 2 && adds ? set : [];
}

/**
 * Adds the indexes of a set that served `query` (its cost fell from `costBeforeSet` with the
 * indexes already recommended to `costAfter`) to the recommendations: an index not yet
 * recommended becomes one that names the others it needs; one already added by an earlier set
 * takes the query on. The time the set saves on top of the earlier indexes is split evenly over
 * the indexes it adds, so the recommendations' savings still sum to the workload's.
 */
export function addJointRecommendations(
  recommendations: IndexRecommendation[],
  set: readonly CandidateIndex[],
  query: CostedQuery,
  costBeforeSet: number,
  costAfter: number,
): void {
  const sql = set.map((candidate) => createIndexSql(candidate));
  const fresh = set.filter(
    (candidate) => !recommendations.some((r) => candidateKey(r) === candidateKey(candidate) && !r.requires),
  );
  const savings =
    (query.calls * query.meanMs * (costBeforeSet - costAfter)) / query.costBefore / fresh.length;
  for (const candidate of fresh) {
    const own = createIndexSql(candidate);
    const index = recommendations.findIndex((r) => candidateKey(r) === candidateKey(candidate));
    const previous = recommendations[index];
    const requires = [...new Set([...(previous?.requires ?? []), ...sql.filter((s) => s !== own)])];
    const entry: IndexRecommendation = {
      table: candidate.table,
      columns: candidate.columns,
      ...(candidate.operatorClasses ? { operatorClasses: candidate.operatorClasses } : {}),
      sql: own,
      queries: [...(previous?.queries ?? []), query.query],
      queryKeys: [...(previous?.queryKeys ?? []), query.key],
      costBefore: (previous?.costBefore ?? 0) + costBeforeSet,
      costAfter: (previous?.costAfter ?? 0) + costAfter,
      estimatedSavingsMs: (previous?.estimatedSavingsMs ?? 0) + savings,
      requires,
    };
    if (previous) recommendations[index] = entry;
    else recommendations.push(entry);
  }
}
