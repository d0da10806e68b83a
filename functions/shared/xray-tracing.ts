import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type { HandlerTracing } from './tracing';

/** The Powertools Tracer, built once per execution environment; only in bundles with tracing `detailed`. */
export const powertoolsTracer = new Tracer();

/** Tracing through the X-Ray SDK: a subsegment per AWS call, the handler's annotations. */
export const xrayTracing: HandlerTracing = {
  captureAWSv3Client: (client) => powertoolsTracer.captureAWSv3Client(client),
  middlewares: [captureLambdaHandler(powertoolsTracer)],
};
