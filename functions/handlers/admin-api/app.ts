import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy, { type MiddyHandlerObject } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { AdminDeps } from '../../core/admin/settings';
import type { HandlerTracing } from '../../shared/tracing';
import { problemResponses } from './error-mapper';

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
  // The catalogue's schemas, every route's implementation and the router are built with the
  // first request, once per container: a cold start skips ~10 ms of CPU (bench/lambda-init.ts)
  // building ~30 routes of which a request uses one.
  let router: ReturnType<typeof import('./router').createRouter> | undefined;
  const route = (event: APIGatewayProxyEvent, context: Context, options: MiddyHandlerObject) => {
    router ??= (require('./router') as typeof import('./router')).createRouter(deps, logger, metrics);
    return router(event, context, options);
  };
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult>()
    .use(injectLambdaContext(logger))
    .use(tracer.middlewares)
    .use(logMetrics(metrics))
    .use(problemResponses(logger, metrics))
    .handler(route);
}
