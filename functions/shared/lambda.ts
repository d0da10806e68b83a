import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { logger, metrics, tracer } from './powertools';

export interface PowertoolsHandlerOptions {
  /**
   * Flush EMF metrics after each invocation. A function that publishes none (a custom resource)
   * turns it off, so Powertools does not warn about an empty flush.
   * @default true
   */
  readonly metrics?: boolean;
}

/**
 * A handler in the middy chain every control function shares: the Lambda context on each log
 * line, X-Ray tracing of the invocation, and the metrics flushed at its end, in that order
 * (Powertools `examples/app`). Built once at module scope in each `index.ts`.
 */
export function powertoolsHandler<TEvent, TResult>(
  handler: (event: TEvent, context: Context) => Promise<TResult>,
  options: PowertoolsHandlerOptions = {},
) {
  const chain = middy(handler).use(injectLambdaContext(logger)).use(tracer.middlewares);
  return options.metrics === false ? chain : chain.use(logMetrics(metrics));
}
