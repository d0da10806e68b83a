import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { logger, metrics, tracer } from '../../shared/powertools';
import { createHealthClients, createHealthDependencies } from './dependencies';
import { createHealthHandler } from './handler';
import { readHealthSettings } from './settings';

// Module scope: a bad environment fails the cold start, naming the variable and field.
const settings = readHealthSettings(process.env);
const lambdaHandler = createHealthHandler(createHealthDependencies(settings, createHealthClients()));

/** The scheduled health-check function (EventBridge rule, every minute by default). */
export const handler = middy(lambdaHandler)
  .use(injectLambdaContext(logger))
  .use(tracer.middlewares)
  .use(logMetrics(metrics));
