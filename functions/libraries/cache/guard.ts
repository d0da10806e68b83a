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

const TIMED_OUT: unique symbol = Symbol('timed out');

/**
 * Runs Redis calls with a per-call timeout behind a circuit breaker, turning every failure into a
 * value. A call that times out is abandoned (its late reply is ignored) and counts as a failure.
 *
 * Calls started within the same `timeoutMs / 4` window (at least 1 ms) share one timer: one
 * `setTimeout` per call would cost more than the Redis round trip itself at high rates. A call
 * therefore times out between `timeoutMs` and `1.25 × timeoutMs` after it started.
 */
export class CallGuard {
  private readonly windowMs: number;
  private windowEnd = 0;
  private windowTimer: Promise<typeof TIMED_OUT> | undefined;

  constructor(
    private readonly breaker: CircuitBreaker,
    private readonly timeoutMs: number,
  ) {
    this.windowMs = Math.max(1, Math.floor(timeoutMs / 4));
  }

  /** The shared timer of the current window: resolves `timeoutMs` after the window closes. */
  private timer(): Promise<typeof TIMED_OUT> {
    const now = performance.now();
    if (this.windowTimer === undefined || now >= this.windowEnd) {
      this.windowEnd = now + this.windowMs;
      const delay = this.windowMs + this.timeoutMs;
      this.windowTimer = new Promise((resolve) => setTimeout(resolve, delay, TIMED_OUT).unref());
    }
    return this.windowTimer;
  }

  /** Runs `call` unless the breaker is open; resolves within about `timeoutMs`, never rejects. */
  async run<T>(namespace: string, operation: CacheOperation, call: () => Promise<T>): Promise<Guarded<T>> {
    if (!this.breaker.tryAcquire()) {
      return {
        ok: false,
        error: new CacheUnavailableError('circuit open: Redis not called', namespace, operation),
      };
    }
    try {
      const value = await Promise.race([call(), this.timer()]);
      if (value === TIMED_OUT) {
        this.breaker.onFailure();
        const error = new CacheTimeoutError(`no reply within ${this.timeoutMs} ms`, namespace, operation);
        return { ok: false, error };
      }
      this.breaker.onSuccess();
      return { ok: true, value: value as T };
    } catch (cause) {
      this.breaker.onFailure();
      const message = cause instanceof Error ? cause.message : String(cause);
      return { ok: false, error: new CacheCommandError(message, namespace, operation, { cause }) };
    }
  }
}
