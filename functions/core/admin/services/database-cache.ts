import { NotDeployedError, NotFoundError, UnavailableError } from '../errors';
import type { AdminDeps } from '../settings';

async function report(deps: AdminDeps) {
  const latest = await deps.queryReports.latest();
  if (!latest) throw new NotFoundError('No slow-query report yet; POST /database/analyze starts one');
  return latest;
}

const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** When the report was made and whether lists were shortened to fit the item. */
function header(latest: Readonly<Record<string, unknown>>) {
  return {
    reportedAt: typeof latest.reportedAt === 'string' ? latest.reportedAt : null,
    trimmed: latest.trimmed === true,
    counts: latest.counts ?? null,
  };
}

/** GET /database/slow-queries: slow, regressed and busiest statements, worst first. */
export async function slowQueries(deps: AdminDeps) {
  const latest = await report(deps);
  return {
    ...header(latest),
    slowQueries: list(latest.slowQueries),
    regressions: list(latest.regressions),
    topByTotalTime: list(latest.topByTotalTime),
  };
}

/** GET /database/index-recommendations: indexes to add (validated with hypopg), unused and duplicate ones. */
export async function indexRecommendations(deps: AdminDeps) {
  const latest = await report(deps);
  return {
    ...header(latest),
    recommendations: list(latest.recommendations),
    unusedIndexes: list(latest.unusedIndexes),
    duplicateIndexes: list(latest.duplicateIndexes),
    advisor: latest.advisor ?? null,
  };
}

/** POST /database/analyze: starts the slow-query function and answers at once. */
export async function analyze(
  deps: AdminDeps,
  request: { reason: string },
  caller: { arn: string; requestId: string },
) {
  if (!deps.queryAnalyzer) throw new NotDeployedError('The slow-query function is not deployed');
  await deps.queryAnalyzer.requestAnalysis({
    reason: request.reason,
    requestedBy: caller.arn,
    requestId: caller.requestId,
  });
  return { accepted: true, requestId: caller.requestId, follow: '/database/slow-queries' };
}

/** GET /cache/stats: the services' per-namespace counters over the window. */
export async function cacheStats(deps: AdminDeps, windowMinutes: number) {
  const namespaces = await deps.cacheStats.stats(windowMinutes, deps.clock());
  return {
    windowMinutes,
    namespaces: namespaces.map((n) => {
      const lookups = n.hits + n.misses + n.staleServes;
      return { ...n, hitRatio: lookups > 0 ? (n.hits + n.staleServes) / lookups : null };
    }),
  };
}

/** DELETE /cache/namespaces/{namespace}: O(1), the namespace's generation is bumped. */
export async function invalidateNamespace(deps: AdminDeps, namespace: string) {
  if (!deps.cacheInvalidator) throw new NotDeployedError('The cache worker is not deployed');
  if (!(await deps.cacheInvalidator.invalidate(namespace)))
    throw new UnavailableError(`Redis could not be reached; namespace "${namespace}" was not invalidated`);
  return { namespace, invalidated: true };
}
