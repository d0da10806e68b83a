import {
  type Candidate,
  createPicker,
  type Picker,
  SELECTOR_ALGORITHMS,
  type SelectorAlgorithm,
} from './algorithms';
import { BalancingConfigError, NoHealthyEndpointError, UnknownEndpointError } from './errors';
import { type HealthOptions, type HealthState, PassiveHealth } from './health';

/** An endpoint to select: an id, an optional weight, and whatever else you need to reach it. */
export interface Endpoint {
  /** Unique within the selector; state is kept per id across {@link Selector.setEndpoints}. */
  readonly id: string;
  /** Relative weight, > 0; every algorithm honours it. @default 1 */
  readonly weight?: number;
}

/** Options of {@link createSelector}. */
export interface SelectorOptions extends HealthOptions {
  /** @default 'round_robin' */
  readonly algorithm?: SelectorAlgorithm;
  /** Half-life-like decay of the latency EWMA. @default 10000 */
  readonly ewmaDecayMs?: number;
  /** When every endpoint is ejected, select among all of them rather than throw. @default true */
  readonly panic?: boolean;
  /** Clock in ms. @default Date.now */
  readonly now?: () => number;
  /** Random source in [0, 1); pass `seededRandom(seed)` for reproducible runs. @default Math.random */
  readonly random?: () => number;
}

/** One selection: report its outcome exactly once (later reports are ignored). */
export interface Lease<E extends Endpoint> {
  readonly endpoint: E;
  /** `true` when this request is the trial that may bring an ejected endpoint back. */
  readonly trial: boolean;
  success(latencyMs?: number): void;
  failure(latencyMs?: number): void;
}

/** What {@link Selector.snapshot} reports per endpoint. */
export interface EndpointStatus {
  readonly id: string;
  readonly health: HealthState;
  readonly outstanding: number;
  readonly ewmaMs: number;
}

interface Slot<E extends Endpoint> extends Candidate {
  endpoint: E;
  index: number;
  weight: number;
  outstanding: number;
  ewmaMs: number;
  lastSampleAt: number | undefined;
  readonly health: PassiveHealth;
}

/**
 * Client-side endpoint selection with passive health checks. Create with {@link createSelector}.
 * Ejected endpoints are never selected while a healthy one exists, except for the single trial
 * request that probes an endpoint back in once its ejection period is over.
 */
export class Selector<E extends Endpoint> {
  private slots: Slot<E>[] = [];
  private readonly picker: Picker;
  private readonly now: () => number;
  private readonly options: SelectorOptions;

  constructor(endpoints: readonly E[], options: SelectorOptions = {}) {
    this.options = options;
    const algorithm = options.algorithm ?? 'round_robin';
    if (!SELECTOR_ALGORITHMS.includes(algorithm)) {
      throw new BalancingConfigError(
        'algorithm',
        `"${algorithm}" is not one of ${SELECTOR_ALGORITHMS.join(', ')}`,
      );
    }
    this.picker = createPicker(algorithm, options.random ?? Math.random);
    this.now = options.now ?? Date.now;
    this.setEndpoints(endpoints);
  }

  /** Replaces the endpoint list; endpoints whose id stays keep their health, EWMA and in-flight count. */
  setEndpoints(endpoints: readonly E[]): void {
    const previous = new Map(this.slots.map((s) => [s.endpoint.id, s]));
    const seen = new Set<string>();
    this.slots = endpoints.map((endpoint, index) => {
      const weight = endpoint.weight ?? 1;
      if (seen.has(endpoint.id))
        throw new BalancingConfigError(`endpoints[${index}].id`, `"${endpoint.id}" is repeated`);
      if (!Number.isFinite(weight) || weight <= 0) {
        throw new BalancingConfigError(`endpoints[${index}].weight`, `${weight} is not a positive number`);
      }
      seen.add(endpoint.id);
      const kept = previous.get(endpoint.id);
      if (kept) return Object.assign(kept, { endpoint, index, weight });
      const health = new PassiveHealth(this.options);
      return {
        endpoint,
        index,
        weight,
        outstanding: 0,
        ewmaMs: 0,
        lastSampleAt: undefined,
        currentWeight: 0,
        health,
      };
    });
  }

  /**
   * Selects an endpoint for one request.
   * @throws NoHealthyEndpointError when there are no endpoints, or all are ejected and `panic` is off.
   */
  acquire(): Lease<E> {
    const now = this.now();
    const probe = this.slots
      .filter((s) => s.health.canProbe(now))
      .sort((a, b) => a.health.until - b.health.until || a.index - b.index)[0];
    let slot: Slot<E>;
    if (probe) {
      probe.health.startTrial(now);
      slot = probe;
    } else {
      const healthy = this.slots.filter((s) => s.health.state(now) === 'healthy');
      const pool = healthy.length > 0 ? healthy : this.options.panic === false ? [] : this.slots;
      if (pool.length === 0) throw new NoHealthyEndpointError(this.slots.length);
      slot = this.picker(pool) as Slot<E>;
    }
    return this.lease(slot, probe !== undefined);
  }

  private lease(slot: Slot<E>, trial: boolean): Lease<E> {
    slot.outstanding += 1;
    let reported = false;
    const report = (ok: boolean, latencyMs: number | undefined) => {
      if (reported) return;
      reported = true;
      slot.outstanding -= 1;
      const now = this.now();
      if (latencyMs !== undefined && Number.isFinite(latencyMs) && latencyMs >= 0)
        this.sample(slot, latencyMs, now);
      if (ok) slot.health.onSuccess(now);
      else slot.health.onFailure(now);
    };
    return {
      endpoint: slot.endpoint,
      trial,
      success: (latencyMs) => report(true, latencyMs),
      failure: (latencyMs) => report(false, latencyMs),
    };
  }

  /** Peak EWMA: a slower sample is taken at once, faster ones decay in with `ewmaDecayMs`. */
  private sample(slot: Slot<E>, latencyMs: number, now: number): void {
    if (slot.lastSampleAt === undefined || latencyMs > slot.ewmaMs) slot.ewmaMs = latencyMs;
    else {
      const keep = Math.exp(-Math.max(0, now - slot.lastSampleAt) / (this.options.ewmaDecayMs ?? 10_000));
      slot.ewmaMs = slot.ewmaMs * keep + latencyMs * (1 - keep);
    }
    slot.lastSampleAt = now;
  }

  private slot(id: string): Slot<E> {
    const slot = this.slots.find((s) => s.endpoint.id === id);
    if (!slot)
      throw new UnknownEndpointError(
        id,
        this.slots.map((s) => s.endpoint.id),
      );
    return slot;
  }

  /**
   * Takes `id` out of rotation until {@link markHealthy}, whatever its requests report: for an active
   * health check, a deployment draining it, an operator. Like ejected endpoints, it is selected
   * only in panic mode.
   * @throws UnknownEndpointError for an id the selector does not have.
   */
  markUnhealthy(id: string): void {
    this.slot(id).health.markDown();
  }

  /**
   * Puts `id` back in rotation at once, ending a `markUnhealthy` or a passive ejection.
   * @throws UnknownEndpointError for an id the selector does not have.
   */
  markHealthy(id: string): void {
    this.slot(id).health.markHealthy();
  }

  /**
   * Runs `fn` against a selected endpoint and reports its outcome with its latency (on the
   * selector's clock): resolved = success, rejected = failure (and rethrown).
   *
   * @example
   * ```ts
   * const rows = await readers.run((reader) => reader.pool.query(sql));
   * ```
   */
  async run<T>(fn: (endpoint: E) => Promise<T>): Promise<T> {
    const lease = this.acquire();
    const start = this.now();
    try {
      const result = await fn(lease.endpoint);
      lease.success(this.now() - start);
      return result;
    } catch (error) {
      lease.failure(this.now() - start);
      throw error;
    }
  }

  /** Health, in-flight count and EWMA per endpoint, in list order. */
  snapshot(): EndpointStatus[] {
    const now = this.now();
    return this.slots.map((s) => ({
      id: s.endpoint.id,
      health: s.health.state(now),
      outstanding: s.outstanding,
      ewmaMs: s.ewmaMs,
    }));
  }
}

/**
 * Creates a selector over `endpoints`.
 *
 * @example
 * ```ts
 * import { createSelector } from '@misybot-ha/balancing';
 *
 * const readers = createSelector(
 *   [{ id: 'reader-1', host: 'r1.internal' }, { id: 'reader-2', host: 'r2.internal', weight: 2 }],
 *   { algorithm: 'least_outstanding_requests', failureThreshold: 3, baseEjectionMs: 1000 },
 * );
 * const lease = readers.acquire();
 * try {
 *   await query(lease.endpoint.host);
 *   lease.success();
 * } catch (err) {
 *   lease.failure();
 *   throw err;
 * }
 * ```
 */
export function createSelector<E extends Endpoint>(
  endpoints: readonly E[],
  options: SelectorOptions = {},
): Selector<E> {
  return new Selector(endpoints, options);
}
