/**
 * The record every control-plane run ends in, whatever happened: what it concluded, why, and
 * whether its event is done or must be delivered again.
 */

/**
 * - `acted`: changed something (capacity set, failover ran, alert posted, digest sent);
 * - `decided`: looked and concluded that nothing needed doing (or a dry run);
 * - `failed`: could not do its work (a read, an action or the coordination failed);
 * - `skipped`: did not do the work here (a duplicate, another run holding the event or the lease).
 */
export type RunStatus = 'acted' | 'decided' | 'failed' | 'skipped';

/**
 * A coordination step that failed without changing the run's outcome:
 * - `lock-release`: the lease was not released; it lapses at its end (logged, counted, alarmed);
 * - `event-release`: a failed run's event record was not released; it lapses at the deadline;
 * - `event-completion`: a finished run's event record was not completed; a redelivery after the
 *   deadline would run the event again (the engines' own guards then see what was done).
 */
export interface RunProblem {
  readonly kind: 'lock-release' | 'event-release' | 'event-completion';
  readonly detail: string;
}

/** How one run ended. */
export interface RunRecord {
  /** The control function: `scaling`, `failover`, `health-check`, `alert-formatter`, `slow-queries`. */
  readonly fn: string;
  readonly eventKey: string;
  /** The invocation (the Lambda request id). */
  readonly runId: string;
  readonly status: RunStatus;
  /** Why, in words. */
  readonly reason: string;
  /**
   * `done`: the event is handled; `retry`: its work is not done here (failed, or another run holds
   * the lease or the event), the invocation fails, so the platform delivers it again and, after its
   * retries, parks it in the function's failure queue, which is alarmed.
   */
  readonly event: 'done' | 'retry';
  readonly problems: readonly RunProblem[];
  /** When the run ended (epoch ms). */
  readonly at: number;
}

/** `message (ErrorName)` for named errors, so throttling and timeouts are recognisable in records. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.name === 'Error' ? error.message : `${error.message} (${error.name})`;
}
