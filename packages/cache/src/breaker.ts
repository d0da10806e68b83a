/** The three states of a {@link CircuitBreaker}. */
export type BreakerState = 'closed' | 'open' | 'half_open';

/** Options of {@link CircuitBreaker}. */
export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. @default 5 */
  readonly failureThreshold?: number;
  /** How long the circuit stays open before one trial call is let through. @default 2000 */
  readonly openMs?: number;
  /** Clock in epoch ms. @default Date.now */
  readonly now?: () => number;
}

/**
 * A consecutive-failure circuit breaker.
 *
 * - closed: every call goes through; `failureThreshold` failures in a row open it.
 * - open: no call goes through until `openMs` have passed, then it is half-open.
 * - half_open: exactly one trial call goes through; its success closes the circuit, its failure
 *   opens it again for another `openMs`.
 *
 * @example
 * ```ts
 * const breaker = new CircuitBreaker({ failureThreshold: 3, openMs: 1000 });
 * if (breaker.tryAcquire()) {
 *   try { await call(); breaker.onSuccess(); } catch { breaker.onFailure(); }
 * }
 * ```
 */
export class CircuitBreaker {
  private readonly threshold: number;
  private readonly openMs: number;
  private readonly now: () => number;
  private failures = 0;
  private openedAt: number | undefined;
  private trialInFlight = false;

  constructor(options: CircuitBreakerOptions = {}) {
    this.threshold = Math.max(1, options.failureThreshold ?? 5);
    this.openMs = Math.max(0, options.openMs ?? 2000);
    this.now = options.now ?? Date.now;
  }

  /** The state at the current clock time. */
  get state(): BreakerState {
    if (this.openedAt === undefined) return 'closed';
    return this.now() - this.openedAt >= this.openMs ? 'half_open' : 'open';
  }

  /**
   * Whether a call may go through now. In half-open, `true` once (the trial) until
   * {@link onSuccess} or {@link onFailure} reports its outcome.
   */
  tryAcquire(): boolean {
    const state = this.state;
    if (state === 'closed') return true;
    if (state === 'open' || this.trialInFlight) return false;
    this.trialInFlight = true;
    return true;
  }

  /** Reports a successful call: closes the circuit. */
  onSuccess(): void {
    this.failures = 0;
    this.openedAt = undefined;
    this.trialInFlight = false;
  }

  /** Reports a failed call: counts it, and opens (or re-opens) the circuit when due. */
  onFailure(): void {
    if (this.openedAt !== undefined) {
      // A failed trial (or a late failure of a call started before the circuit opened): re-open.
      if (this.trialInFlight || this.state === 'half_open') this.openedAt = this.now();
      this.trialInFlight = false;
      return;
    }
    this.failures += 1;
    if (this.failures >= this.threshold) this.openedAt = this.now();
  }
}
