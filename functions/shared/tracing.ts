import type { MiddlewareObj } from '@middy/core';

/**
 * Tracing as the handlers use it. Lambda's active tracing records every invocation without any
 * code in the bundle; with `controlPlane.tracing: detailed` the X-Ray SDK is bundled too (the
 * Powertools Tracer), adding a subsegment per AWS call and the handler's cold-start and error
 * annotations. Without it the SDK and its init time stay out of the function.
 */
export interface HandlerTracing {
  /** Records every call of `client` as an X-Ray subsegment; the client itself without the SDK. */
  captureAWSv3Client<T>(client: T): T;
  /** The middy middlewares that trace the handler; none without the SDK. */
  readonly middlewares: MiddlewareObj[];
}

/** Tracing without the X-Ray SDK: Lambda's own segments only. */
export const lambdaTracingOnly: HandlerTracing = { captureAWSv3Client: (client) => client, middlewares: [] };

// The ControlFunction construct replaces process.env.MISYBOT_XRAY_SDK when it bundles a handler,
// so esbuild keeps only the branch a deployment asked for, and the SDK only where it is on.
/** The tracing of this bundle. */
export const tracer: HandlerTracing =
  process.env.MISYBOT_XRAY_SDK === 'on'
    ? (require('./xray-tracing') as typeof import('./xray-tracing')).xrayTracing
    : lambdaTracingOnly;
