import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import httpRouterHandler, { type Route } from '@middy/http-router';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { type RouteSpec, routes } from '../../core/admin/routes';
import type { AdminDeps } from '../../core/admin/settings';
import { dispatch, type Implementations, type RouteImplementation } from './route';
import { databaseCacheRoutes } from './routes/database-cache';
import { failoverRoutes } from './routes/failover';
import { healthRoutes } from './routes/health';
import { loadBalancerRoutes } from './routes/load-balancer';
import { regionRoutes } from './routes/regions';
import { scalingRoutes } from './routes/scaling';
import { statusRoutes } from './routes/status';

/**
 * The http-router over the route catalogue: each route validates its request with the
 * catalogue's schemas and runs its implementation, counting reads and changes.
 */
export function createRouter(deps: AdminDeps, logger: Logger, metrics: Metrics) {
  const onSectionError = (section: string, error: unknown) =>
    logger.error('status section unavailable', { section, error });
  const implementations: Implementations = {
    ...statusRoutes(onSectionError),
    ...healthRoutes,
    ...loadBalancerRoutes,
    ...scalingRoutes,
    ...failoverRoutes,
    ...databaseCacheRoutes,
    ...regionRoutes(onSectionError),
  };
  const explain = (message: string, details: Record<string, unknown>) => logger.info(message, details);
  const table: Route<APIGatewayProxyEvent, APIGatewayProxyResult>[] = Object.entries(routes).map(
    ([id, spec]) => {
      const implementation = implementations[id as keyof Implementations] as RouteImplementation<RouteSpec>;
      return {
        method: spec.method,
        path: spec.path,
        handler: (event: APIGatewayProxyEvent, context: Context) => {
          metrics.addMetric(spec.mutating ? 'AdminApiChanges' : 'AdminApiReads', MetricUnit.Count, 1);
          const deadline = deps.clock() + context.getRemainingTimeInMillis();
          return dispatch(spec as RouteSpec, implementation, event, deps, explain, deadline);
        },
      };
    },
  );
  return httpRouterHandler(table);
}
