import type { CircuitBreaker } from './breaker';
import {
  CacheCommandError,
  type CacheError,
  type CacheOperation,
  CacheTimeoutError,
  CacheUnavailableError,
} from './errors';

/** The outcome of a guarded call: never a rejection. */
export type Guarded<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: CacheError };

type Settle = (outcome: Guarded<never>) => void;

/** One call in flight, linked in start order (= deadline order: every call has the same timeout). */
interface InFlight {
  readonly namespace: string;
  readonly operation: CacheOperation;
  readonly deadline: number;
  settle: Settle | undefined;
  prev: InFlight | undefined;
  next: InFlight | undefined;
}

// `new Promise` needs an executor; a module-level one that hands the resolver over avoids a closure
// per call (the executor runs synchronously inside the constructor).
let captured: Settle | undefined;
const capture = (resolve: Settle) => {
  captured = resolve;
};

/**
 * Runs Redis calls with a per-call timeout behind a circuit breaker, turning every failure into a
 * value. A call that times out is abandoned (its late reply is ignored) and counts as a failure.
 *
 * Calls in flight sit in a list ordered by deadline, and one timer, armed for the oldest deadline,
 * sweeps the expired ones. A settled call unlinks itself and drops its resolver, so nothing (in
 * particular not the reply) stays reachable after it settles: a timer or promise per call would
 * cost more than the Redis round trip itself at high rates, and anything held until a timer fires
 * survives into the old generation of the heap.
 */
export class CallGuard {
  private head: InFlight | undefined;
  private tail: InFlight | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly sweep = () => this.expire();
  private readonly breaker: CircuitBreaker;
  private readonly timeoutMs: number;

  constructor(breaker: CircuitBreaker, timeoutMs: number) {
    this.breaker = breaker;
    this.timeoutMs = timeoutMs;
  }

  /** Runs `call` unless the breaker is open; resolves within about `timeoutMs`, never rejects. */
  run<T>(namespace: string, operation: CacheOperation, call: () => Promise<T>): Promise<Guarded<T>> {
    if (!this.breaker.tryAcquire()) {
      const error = new CacheUnavailableError('circuit open: Redis not called', namespace, operation);
      return Promise.resolve({ ok: false, error });
    }
    let pending: Promise<T>;
    try {
      pending = call();
    } catch (cause) {
      return Promise.resolve(this.failure(namespace, operation, cause));
    }
    const outcome = new Promise<Guarded<T>>(capture);
    const entry: InFlight = {
      namespace,
      operation,
      deadline: performance.now() + this.timeoutMs,
      settle: captured,
      prev: this.tail,
      next: undefined,
    };
    captured = undefined;
    if (this.tail) this.tail.next = entry;
    else this.head = entry;
    this.tail = entry;
    if (this.timer === undefined) this.arm();
    pending.then(
      (value) => this.finish(entry, value),
      (cause: unknown) => this.abort(entry, cause),
    );
    return outcome;
  }

  private failure(namespace: string, operation: CacheOperation, cause: unknown): Guarded<never> {
    this.breaker.onFailure();
    const message = cause instanceof Error ? cause.message : String(cause);
    return { ok: false, error: new CacheCommandError(message, namespace, operation, { cause }) };
  }

  /** Unlinks `entry` and hands back its resolver, or `undefined` when it has already settled. */
  private take(entry: InFlight): Settle | undefined {
    const settle = entry.settle;
    if (settle === undefined) return undefined;
    entry.settle = undefined;
    if (entry.prev) entry.prev.next = entry.next;
    else this.head = entry.next;
    if (entry.next) entry.next.prev = entry.prev;
    else this.tail = entry.prev;
    entry.prev = undefined;
    entry.next = undefined;
    return settle;
  }

  private finish(entry: InFlight, value: unknown): void {
    const settle = this.take(entry);
    if (settle === undefined) return;
    this.breaker.onSuccess();
    settle({ ok: true, value } as Guarded<never>);
  }

  private abort(entry: InFlight, cause: unknown): void {
    const settle = this.take(entry);
    if (settle !== undefined) settle(this.failure(entry.namespace, entry.operation, cause));
  }

  private arm(): void {
    if (this.head === undefined) return;
    const delay = Math.max(0, Math.ceil(this.head.deadline - performance.now()));
    this.timer = setTimeout(this.sweep, delay).unref();
  }

  private expire(): void {
    this.timer = undefined;
    const now = performance.now();
    while (this.head !== undefined && this.head.deadline <= now) {
      const entry = this.head;
      const settle = this.take(entry);
      this.breaker.onFailure();
      const message = `no reply within ${this.timeoutMs} ms`;
      settle?.({ ok: false, error: new CacheTimeoutError(message, entry.namespace, entry.operation) });
    }
    this.arm();
  }
}
