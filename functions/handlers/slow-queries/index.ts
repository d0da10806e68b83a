import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { logger, metrics, tracer } from '../../shared/powertools';
import { dependencies } from './dependencies';
import { createSlowQueriesHandler } from './handler';

/**
 * The scheduled slow-query analysis (EventBridge schedule → this function in the VPC → RDS Proxy).
 * See functions/core/queries/scheduled-analysis.ts for what one run does.
 */
export const handler = middy(createSlowQueriesHandler(dependencies))
  .use(injectLambdaContext(logger))
  .use(tracer.middlewares)
  .use(logMetrics(metrics));
