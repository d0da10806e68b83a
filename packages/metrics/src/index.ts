/**
 * `@misybot-ha/metrics`: per-endpoint performance tracking for the MisyBot services.
 *
 * Requests are aggregated per route template and method (never per raw URL, so the number of
 * metrics stays bounded by `maxRoutes`) and written as CloudWatch Embedded Metric Format documents,
 * one per batch of up to 100 requests of a route (and per partial batch at flush): latency as an
 * array of the batch's values so CloudWatch computes p50/p95/p99, and request, error and
 * status-class counts as plain numbers.
 *
 * Bindings: {@link instrumentHttpHandler} (`node:http`), {@link expressMiddleware} (Express,
 * NestJS on Express) and {@link fastifyHooks} (Fastify). See the package README.
 *
 * @example
 * ```ts
 * import { createEndpointMetrics, expressMiddleware } from '@misybot-ha/metrics';
 *
 * const metrics = createEndpointMetrics({ service: 'chat-api' });
 * app.use(expressMiddleware(metrics));
 * ```
 * @packageDocumentation
 */

export {
  EMF_MAX_DIMENSIONS,
  EMF_MAX_METRICS,
  EMF_MAX_VALUES,
  type EmfDocument,
  type EmfInput,
  type EmfMetric,
  type EmfUnit,
  emfDocument,
  stdoutSink,
} from './emf';
export {
  type ExpressLikeRequest,
  expressMiddleware,
  type FastifyLikeRequest,
  fastifyHooks,
  type InstrumentOptions,
  instrumentHttpHandler,
  type RouteResolver,
} from './middleware';
export {
  createEndpointMetrics,
  EndpointMetrics,
  type EndpointMetricsOptions,
  quantizeLatency,
  type RequestObservation,
} from './recorder';
