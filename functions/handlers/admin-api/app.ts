import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import httpRouterHandler, { type Route } from '@middy/http-router';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { type RouteSpec, routes } from '../../core/admin/routes';
import type { AdminDeps } from '../../core/admin/settings';
import type { HandlerTracing } from '../../shared/tracing';
import { problemResponses } from './error-mapper';
import { dispatch, type Implementations, type RouteImplementation } from './route';
import { databaseCacheRoutes } from './routes/database-cache';
import { failoverRoutes } from './routes/failover';
import { healthRoutes } from './routes/health';
import { loadBalancerRoutes } from './routes/load-balancer';
import { regionRoutes } from './routes/regions';
import { scalingRoutes } from './routes/scaling';
import { statusRoutes } from './routes/status';

/** The Powertools objects the handler reports through. */
export interface Observability {
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly tracer: HandlerTracing;
}

/**
 * The admin API's Lambda handler: one middy http-router over the route catalogue, one error
 * mapper, Powertools logging, tracing and metrics. Dependencies are injected so tests run the
 * real handler against fakes.
 */
export function createAdminApiHandler(deps: AdminDeps, { logger, metrics, tracer }: Observability) {
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
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
    .use(injectLambdaContext(logger))
    .use(tracer.middlewares)
    .use(logMetrics(metrics))
    .use(problemResponses(logger, metrics))
    .handler(httpRouterHandler(table));
}
