import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { logger, metrics, tracer } from '../../shared/powertools';
import { redisConnector } from './dependencies';
import { createCacheAdminHandler } from './handler';

// Module scope: a missing variable fails the cold start; the Redis connection is reused.
const connect = redisConnector(process.env);

/** The cache worker the admin API invokes for namespace invalidation. */
export const handler = middy(
  createCacheAdminHandler({ connect, prefix: process.env.CACHE_KEY_PREFIX ?? '', log: logger }),
)
  .use(injectLambdaContext(logger))
  .use(tracer.middlewares)
  .use(logMetrics(metrics));
