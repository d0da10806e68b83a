/**
 * The one idempotency mechanism of the control plane: every event-driven function (scaling,
 * failover, health check, alert formatter, slow queries) and the admin API's `Idempotency-Key`
 * run their work through {@link Idempotency.once}. The adapter
 * (`functions/adapters/aws/powertools-idempotency.ts`) is Powertools Idempotency over the state
 * table.
 */

/** One event (or request) whose work should run to completion once. */
export interface OnceRequest {
  /** The same for every delivery of one event; scoped by the adapter to its function. */
  readonly key: string;
  /**
   * When the run's function times out (epoch ms). The in-progress record expires then, so a run
   * that died mid-way (timeout, crash) does not block the redelivery that follows it.
   */
  readonly deadline: number;
  /** What makes two requests under one key the same (the admin API's request digest). @default none */
  readonly fingerprint?: string;
}

/**
 * What became of one `once` call. The record is marked in progress before `work` runs, completed
 * with its value when it returns, and released (deleted) when it throws, so the redelivery runs.
 * - `ran`: `work` returned; `completionError` when the completed record could not be written
 *   (the in-progress record then lapses at the deadline and a later delivery may run it again);
 * - `failed`: `work` threw `error`; `releaseError` when the record could not be released (it
 *   lapses at the deadline instead);
 * - `replayed`: an earlier run completed; `value` is what it returned (as JSON);
 * - `in-progress`: another run holds the record until its deadline;
 * - `mismatch`: the key was used with another fingerprint;
 * - `unclaimed`: the record could not be read or written (throttled, timed out): nothing ran.
 */
export type Once<T> =
  | { readonly kind: 'ran'; readonly value: T; readonly completionError?: unknown }
  | { readonly kind: 'failed'; readonly error: unknown; readonly releaseError?: unknown }
  | { readonly kind: 'replayed'; readonly value: T }
  | { readonly kind: 'in-progress' }
  | { readonly kind: 'mismatch' }
  | { readonly kind: 'unclaimed'; readonly error: unknown };

/** Runs work at most once to completion per key. */
export interface Idempotency {
  /**
   * Claims `request.key`, runs `work`, and completes or releases the claim. Never throws:
   * every failure, the store's own included, is in the answer. `work`'s value must be plain
   * JSON (it is stored and replayed).
   */
  once<T>(request: OnceRequest, work: () => Promise<T>): Promise<Once<T>>;
}
