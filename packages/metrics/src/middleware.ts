import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { EndpointMetrics } from './recorder';

/** Finds the route template of a request; `undefined` when none matched. */
export type RouteResolver<Req> = (req: Req) => string | undefined;

/** The response events the trackers listen to (a `node:http` `ServerResponse` has them). */
interface TrackedResponse {
  statusCode: number;
  readonly writableFinished?: boolean;
  once(event: 'close', listener: () => void): unknown;
}

/**
 * Calls `done(failed)` once the response is over. A `ServerResponse` emits `close` after `finish`
 * too, so one listener serves both; `failed` = closed before the response finished.
 */
function onResponseEnd(res: TrackedResponse, done: (failed: boolean) => void): void {
  res.once('close', () => done(res.writableFinished !== true));
}

/** Options of {@link instrumentHttpHandler}. */
export interface InstrumentOptions<Req> {
  /**
   * Receives what the handler threw or rejected with (the client got a 500). @default an error line
   * with the stack on stderr, as an uncaught error would have printed
   */
  readonly onError?: (error: unknown, req: Req) => void;
}

function logHandlerError(error: unknown): void {
  console.error('[@misybot-ha/metrics] request handler failed:', error);
}

/**
 * Wraps a plain `node:http` request listener. `node:http` has no router, so `routeOf` maps a request
 * to its template (never return the raw URL: every distinct value becomes a CloudWatch metric).
 * A handler that throws synchronously or rejects counts as an error, gets a 500, and its error goes to
 * `options.onError` (default: stderr), never silently away.
 *
 * @example
 * ```ts
 * const metrics = createEndpointMetrics({ service: 'chat-api' });
 * const routeOf = (req: IncomingMessage) => (req.url?.startsWith('/users/') ? '/users/:id' : undefined);
 * http.createServer(instrumentHttpHandler(metrics, handler, routeOf)).listen(8080);
 * ```
 */
export function instrumentHttpHandler<Req extends IncomingMessage, Res extends ServerResponse>(
  metrics: EndpointMetrics,
  handler: (req: Req, res: Res) => unknown,
  routeOf: RouteResolver<Req>,
  options: InstrumentOptions<Req> = {},
): (req: Req, res: Res) => void {
  const onError = options.onError ?? logHandlerError;
  return (req, res) => {
    const start = performance.now();
    let threw = false;
    onResponseEnd(res, (failed) =>
      metrics.record({
        route: routeOf(req),
        method: req.method ?? 'GET',
        statusCode: res.statusCode,
        durationMs: performance.now() - start,
        failed: failed || threw,
      }),
    );
    try {
      const result = handler(req, res);
      if (result instanceof Promise) {
        result.catch((error: unknown) => {
          threw = true;
          failWith500(res);
          onError(error, req);
        });
      }
    } catch (error) {
      threw = true;
      failWith500(res);
      onError(error, req);
    }
  };
}

function failWith500(res: ServerResponse): void {
  if (!res.headersSent) res.statusCode = 500;
  if (!res.writableEnded) res.end();
}

/** The parts of an Express request the middleware reads. */
export interface ExpressLikeRequest {
  readonly method: string;
  readonly baseUrl?: string;
  readonly route?: { readonly path: unknown };
}

/**
 * Express-style `(req, res, next)` middleware (Express 4/5, NestJS on its Express adapter). Register
 * it first; the route template is read when the response ends, from `req.baseUrl + req.route.path`
 * (so `/v1` + `/users/:id`), else from `routeOf`, else the request counts as unmatched.
 *
 * @example
 * ```ts
 * app.use(expressMiddleware(createEndpointMetrics({ service: 'chat-api' })));
 * ```
 */
export function expressMiddleware<Req extends ExpressLikeRequest>(
  metrics: EndpointMetrics,
  routeOf?: RouteResolver<Req>,
): (req: Req, res: TrackedResponse, next: () => void) => void {
  return (req, res, next) => {
    const start = performance.now();
    onResponseEnd(res, (failed) => {
      const path = req.route?.path;
      const route = path !== undefined ? `${req.baseUrl ?? ''}${String(path)}` : routeOf?.(req);
      metrics.record({
        route,
        method: req.method,
        statusCode: res.statusCode,
        durationMs: performance.now() - start,
        failed,
      });
    });
    next();
  };
}

/** The parts of a Fastify request/reply the hooks read. */
export interface FastifyLikeRequest {
  readonly method: string;
  readonly routeOptions?: { readonly url?: string };
}
interface FastifyLikeReply {
  readonly statusCode: number;
}

/**
 * Fastify `onRequest` / `onResponse` hooks; the route template is `request.routeOptions.url`
 * (`undefined` for 404s, which count as unmatched). Latency is measured between the two hooks.
 *
 * @example
 * ```ts
 * const hooks = fastifyHooks(createEndpointMetrics({ service: 'chat-api' }));
 * fastify.addHook('onRequest', hooks.onRequest);
 * fastify.addHook('onResponse', hooks.onResponse);
 * ```
 */
export function fastifyHooks(metrics: EndpointMetrics) {
  const started = new WeakMap<object, number>();
  return {
    onRequest(request: FastifyLikeRequest, _reply: unknown, done: () => void): void {
      started.set(request, performance.now());
      done();
    },
    onResponse(request: FastifyLikeRequest, reply: FastifyLikeReply, done: () => void): void {
      const start = started.get(request);
      if (start !== undefined) {
        metrics.record({
          route: request.routeOptions?.url,
          method: request.method,
          statusCode: reply.statusCode,
          durationMs: performance.now() - start,
        });
      }
      done();
    },
  };
}
