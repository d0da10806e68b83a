import { EMF_MAX_VALUES, type EmfDocument, emfDocument, stdoutSink } from './emf';

/** Options of {@link createEndpointMetrics}. */
export interface EndpointMetricsOptions {
  /** Value of the `Service` dimension. @default 'service' */
  readonly service?: string;
  /** CloudWatch namespace. @default 'MisyBot/Endpoints' */
  readonly metricNamespace?: string;
  /** Distinct route templates tracked; later ones are counted under `overflowRoute`. @default 100 */
  readonly maxRoutes?: number;
  /**
   * How often partial batches are written; `0` = only on {@link EndpointMetrics.flush}. A batch that
   * reaches {@link EMF_MAX_VALUES} requests is written at once regardless. @default 60000
   */
  readonly flushIntervalMs?: number;
  /**
   * Receives each EMF document. Called from `record()` when a batch fills (so from the response's
   * `close` listener) as well as on flush: it must not throw. @default one JSON line on stdout
   */
  readonly sink?: (doc: EmfDocument) => void;
  /** Clock for document timestamps, epoch ms. @default Date.now */
  readonly now?: () => number;
  /** Route value for requests no route matched (404s, scanners). @default '__unmatched__' */
  readonly unmatchedRoute?: string;
  /** Route value once `maxRoutes` is reached. @default '__overflow__' */
  readonly overflowRoute?: string;
}

/** One observed request. */
export interface RequestObservation {
  /** The route template (`/users/:id`), never the raw URL; `undefined` when no route matched. */
  readonly route: string | undefined;
  readonly method: string;
  readonly statusCode: number;
  /** Time to the end of the response; a finite number (negative counts as 0). */
  readonly durationMs: number;
  /** The handler threw or the client went away before the response finished. @default false */
  readonly failed?: boolean;
}

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']);

/** The requests of one (route, method) not written yet: one latency per request, in arrival order. */
interface Bucket {
  readonly route: string;
  readonly method: string;
  latency: number[];
  errors: number;
  status: [number, number, number, number, number];
}

/** Latency rounded to two significant digits (at least 0.01 ms): ≤ 5% error, short JSON in the log line. */
export function quantizeLatency(ms: number): number {
  return ms < 0.01 ? 0.01 : Number(ms.toPrecision(2));
}

/**
 * Batches requests per (route template, method) and writes one EMF document per batch: when a batch
 * reaches {@link EMF_MAX_VALUES} requests, and for every partial batch on flush. A document holds
 * `Latency` as an array of the batch's quantised latencies (one per request, so CloudWatch computes
 * p50/p95/p99 from them), and the batch's `Requests`, `Errors` (5xx, thrown, aborted) and
 * `Status2xx`..`Status5xx` as plain counts; dimension sets [Service, Route, Method] and [Service].
 * Create with {@link createEndpointMetrics}.
 */
export class EndpointMetrics {
  private readonly buckets = new Map<string, Bucket>();
  private readonly routes = new Set<string>();
  private readonly timer: NodeJS.Timeout | undefined;
  private readonly o: Required<EndpointMetricsOptions>;

  constructor(options: EndpointMetricsOptions = {}) {
    this.o = {
      service: 'service',
      metricNamespace: 'MisyBot/Endpoints',
      maxRoutes: 100,
      flushIntervalMs: 60_000,
      sink: stdoutSink,
      now: Date.now,
      unmatchedRoute: '__unmatched__',
      overflowRoute: '__overflow__',
      ...options,
    };
    if (this.o.flushIntervalMs > 0) {
      this.timer = setInterval(() => this.flush(), this.o.flushIntervalMs);
      this.timer.unref();
    }
  }

  private routeValue(route: string | undefined): string {
    if (route === undefined || route === '') return this.o.unmatchedRoute;
    const template = route.length > 200 ? route.slice(0, 200) : route;
    if (this.routes.has(template)) return template;
    if (this.routes.size >= this.o.maxRoutes) return this.o.overflowRoute;
    this.routes.add(template);
    return template;
  }

  /**
   * Records one request; writes the (route, method) batch if this request fills it.
   * @throws RangeError when `durationMs` is not a finite number (it would be `null` in the JSON).
   */
  record(observation: RequestObservation): void {
    if (!Number.isFinite(observation.durationMs)) {
      throw new RangeError(`durationMs must be a finite number, got ${observation.durationMs}`);
    }
    const route = this.routeValue(observation.route);
    const upper = observation.method.toUpperCase();
    const method = METHODS.has(upper) ? upper : 'OTHER';
    const key = `${method} ${route}`;
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = { route, method, latency: [], errors: 0, status: [0, 0, 0, 0, 0] };
      this.buckets.set(key, bucket);
    }
    bucket.latency.push(quantizeLatency(Math.max(0, observation.durationMs)));
    const statusClass = Math.floor(observation.statusCode / 100);
    if (statusClass >= 1 && statusClass <= 5) bucket.status[statusClass - 1]! += 1;
    if (observation.failed || statusClass === 5) bucket.errors += 1;
    if (bucket.latency.length >= EMF_MAX_VALUES) this.emit(bucket);
  }

  private emit(bucket: Bucket): void {
    if (bucket.latency.length === 0) return;
    const doc = emfDocument({
      namespace: this.o.metricNamespace,
      dimensions: { Service: this.o.service, Route: bucket.route, Method: bucket.method },
      dimensionSets: [['Service', 'Route', 'Method'], ['Service']],
      timestamp: this.o.now(),
      metrics: [
        { name: 'Latency', unit: 'Milliseconds', value: bucket.latency },
        { name: 'Requests', unit: 'Count', value: bucket.latency.length },
        { name: 'Errors', unit: 'Count', value: bucket.errors },
        ...bucket.status
          .slice(1)
          .map((n, i) => ({ name: `Status${i + 2}xx`, unit: 'Count' as const, value: n })),
      ],
    });
    bucket.latency = [];
    bucket.errors = 0;
    bucket.status = [0, 0, 0, 0, 0];
    this.o.sink(doc);
  }

  /** Writes a document for every (route, method) with a partial batch. Sink errors are not caught. */
  flush(): void {
    for (const bucket of this.buckets.values()) this.emit(bucket);
    this.buckets.clear();
  }

  /** Stops the timer and flushes what is left. */
  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.flush();
  }

  /** Distinct route templates seen (at most `maxRoutes`). */
  get routeCount(): number {
    return this.routes.size;
  }
}

/**
 * Creates the per-route recorder the middlewares feed.
 *
 * @example
 * ```ts
 * const metrics = createEndpointMetrics({ service: 'chat-api', maxRoutes: 50 });
 * app.use(expressMiddleware(metrics));
 * process.on('SIGTERM', () => metrics.close());
 * ```
 */
export function createEndpointMetrics(options: EndpointMetricsOptions = {}): EndpointMetrics {
  return new EndpointMetrics(options);
}
