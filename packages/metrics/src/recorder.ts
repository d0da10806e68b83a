import { EMF_MAX_VALUES, type EmfDocument, emfDocument, stdoutSink } from './emf';

/** Options of {@link createEndpointMetrics}. */
export interface EndpointMetricsOptions {
  /** Value of the `Service` dimension. @default 'service' */
  readonly service?: string;
  /** CloudWatch namespace. @default 'MisyBot/Endpoints' */
  readonly metricNamespace?: string;
  /**
   * Distinct route templates tracked per `routeWindowMs`; further ones are counted under
   * `overflowRoute` until the window ends. @default 100
   */
  readonly maxRoutes?: number;
  /**
   * How long the set of tracked routes lasts. At each new window it starts empty, so a route that
   * overflowed gets its own metrics again instead of staying under `overflowRoute` for the life of
   * the process; CloudWatch bills custom metrics per hour they are published. @default 3600000
   */
  readonly routeWindowMs?: number;
  /**
   * Told about each route counted under `overflowRoute`, once per route and window (up to
   * 1000 routes a window). @default a warning on stderr, once per window
   */
  readonly onOverflow?: (route: string) => void;
  /**
   * Receives what a custom `sink` threw; the document is dropped (and counted in
   * {@link EndpointMetrics.droppedDocuments}), never the process. @default an error line on stderr
   */
  readonly onSinkError?: (error: unknown, doc: EmfDocument) => void;
  /**
   * How often partial batches are written; `0` = only on {@link EndpointMetrics.flush}. A batch that
   * reaches {@link EMF_MAX_VALUES} requests is written at once regardless. @default 60000
   */
  readonly flushIntervalMs?: number;
  /**
   * Receives each EMF document. Called from `record()` when a batch fills (so from the response's
   * `close` listener) as well as on flush; what it throws goes to `onSinkError`. @default one JSON line on stdout
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
  private routes = new Set<string>();
  private overflowed = new Set<string>();
  private windowStart: number;
  private dropped = 0;
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
      routeWindowMs: 3_600_000,
      onOverflow: warnOncePerWindow(this),
      onSinkError: (error) =>
        console.error(`[@misybot-ha/metrics] sink failed, EMF document dropped: ${describe(error)}`),
      ...options,
    };
    if (!(this.o.routeWindowMs > 0))
      throw new RangeError(`routeWindowMs must be > 0, got ${this.o.routeWindowMs}`);
    this.windowStart = this.o.now();
    if (this.o.flushIntervalMs > 0) {
      this.timer = setInterval(() => this.flush(), this.o.flushIntervalMs);
      this.timer.unref();
    }
  }

  private routeValue(route: string | undefined): string {
    if (route === undefined || route === '') return this.o.unmatchedRoute;
    const template = route.length > 200 ? route.slice(0, 200) : route;
    if (this.routes.has(template)) return template;
    const now = this.o.now();
    if (now - this.windowStart >= this.o.routeWindowMs) {
      this.windowStart = now;
      this.routes = new Set();
      this.overflowed = new Set();
    }
    if (this.routes.size >= this.o.maxRoutes) {
      if (this.overflowed.size < MAX_OVERFLOW_REPORTS && !this.overflowed.has(template)) {
        this.overflowed.add(template);
        this.o.onOverflow(template);
      }
      return this.o.overflowRoute;
    }
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
    try {
      this.o.sink(doc);
    } catch (error) {
      this.dropped += 1;
      this.o.onSinkError(error, doc);
    }
  }

  /** Writes a document for every (route, method) with a partial batch. */
  flush(): void {
    for (const bucket of this.buckets.values()) this.emit(bucket);
    this.buckets.clear();
  }

  /** Stops the timer and flushes what is left. */
  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.flush();
  }

  /** Distinct route templates tracked in the current window (at most `maxRoutes`). */
  get routeCount(): number {
    return this.routes.size;
  }

  /** Distinct routes counted under `overflowRoute` in the current window. */
  get overflowCount(): number {
    return this.overflowed.size;
  }

  /** Documents lost because the sink threw. */
  get droppedDocuments(): number {
    return this.dropped;
  }

  /** When the current route window started (epoch ms, on the `now` clock). */
  get routeWindowStart(): number {
    return this.windowStart;
  }
}

/** Most overflowing routes reported per window: a scanner's random URLs must not flood the hook. */
const MAX_OVERFLOW_REPORTS = 1000;

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** The default `onOverflow`: one warning per route window, naming the first route that did not fit. */
function warnOncePerWindow(metrics: EndpointMetrics): (route: string) => void {
  let warnedFor: number | undefined;
  return (route) => {
    if (warnedFor === metrics.routeWindowStart) return;
    warnedFor = metrics.routeWindowStart;
    console.warn(
      `[@misybot-ha/metrics] ${metrics.routeCount} routes tracked (maxRoutes): "${route}" and later new ` +
        'routes are counted under the overflow route until the route window ends',
    );
  };
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
