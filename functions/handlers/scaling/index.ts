import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { logger, metrics, tracer } from '../../shared/powertools';
import { createScalingClients, createScalingHandlerDeps } from './dependencies';
import { createScalingHandler } from './handler';
import { readScalingSettings } from './settings';

// Module scope: a bad environment fails the cold start, naming the variable (and policy field);
// the SDK clients keep their connections across invocations.
const settings = readScalingSettings(process.env);

/** The handler without middlewares, wired to the real adapters. */
export const lambdaHandler = createScalingHandler(createScalingHandlerDeps(settings, createScalingClients()));

/**
 * The scaling function: an EventBridge schedule (every minute), CloudWatch alarm state changes,
 * and the admin API's "evaluate" (direct invoke).
 */
export const handler = middy(lambdaHandler)
  .use(injectLambdaContext(logger))
  .use(tracer.middlewares)
  .use(logMetrics(metrics));
