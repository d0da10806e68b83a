import {
  analyze,
  cacheStats,
  indexRecommendations,
  invalidateNamespace,
  slowQueries,
} from '../../../core/admin/services/database-cache';
import type { Implementations } from '../route';

/** Slow queries and index advice; cache statistics and invalidation. */
export const databaseCacheRoutes = {
  slowQueries: { handle: ({ deps }) => slowQueries(deps) },
  indexRecommendations: { handle: ({ deps }) => indexRecommendations(deps) },
  analyze: {
    target: () => 'database',
    unavailable: (deps) => (deps.queryAnalyzer ? undefined : 'The slow-query function is not deployed'),
    handle: ({ deps, body, caller }) => analyze(deps, body, caller),
  },
  cacheStats: { handle: ({ deps, query }) => cacheStats(deps, query.windowMinutes) },
  invalidateNamespace: {
    target: ({ params }) => `cache/namespaces/${params.namespace}`,
    unavailable: (deps) => (deps.cacheInvalidator ? undefined : 'The cache worker is not deployed'),
    handle: ({ deps, params }) => invalidateNamespace(deps, params.namespace),
  },
} satisfies Pick<
  Implementations,
  'slowQueries' | 'indexRecommendations' | 'analyze' | 'cacheStats' | 'invalidateNamespace'
>;
