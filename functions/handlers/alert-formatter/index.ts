import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { logger, metrics, tracer } from '../../shared/powertools';
import { createFormatterDependencies } from './dependencies';
import { createFormatterHandler } from './handler';
import { readFormatterSettings } from './settings';

// Module scope: a bad environment fails the cold start, naming the variable.
const lambdaHandler = createFormatterHandler(createFormatterDependencies(readFormatterSettings(process.env)));

/** Posts alert-topic messages to Slack and Teams (SNS subscription, asynchronous invocation). */
export const handler = middy(lambdaHandler)
  .use(injectLambdaContext(logger))
  .use(tracer.middlewares)
  .use(logMetrics(metrics));
