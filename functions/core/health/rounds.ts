/**
 * Planning several health-check rounds inside one invocation. EventBridge fires at most once a
 * minute, so a 1-minute schedule with rounds every 10 s detects a failure in seconds rather than
 * minutes.
 */

/** What the plan is made from. */
export interface RoundPlanInput {
  /** Clock time the invocation started. */
  readonly startedAt: number;
  /** Time the invocation may still run (the Lambda's remaining time at `startedAt`). */
  readonly remainingMs: number;
  /** Time between round starts. */
  readonly intervalMs: number;
  /** Rounds wanted, e.g. 6 for every 10 s on a 1-minute schedule. */
  readonly rounds: number;
  /** The longest check timeout: a round shorter than this could not give every probe its timeout. */
  readonly longestTimeoutMs: number;
  /** Kept free at the end of the invocation to save state and send alerts. @default 3000 */
  readonly reserveMs?: number;
}

/** One round: when it starts and the deadline its probes must meet. */
export interface PlannedRound {
  readonly index: number;
  readonly startAt: number;
  readonly deadline: number;
}

/** The default time kept free at the end of an invocation. */
export const DEFAULT_RESERVE_MS = 3000;

/**
 * The rounds that fit: round `i` starts at `startedAt + i × intervalMs`, and its deadline is the
 * next round's start or the end of the invocation less `reserveMs`, whichever is first. Rounds
 * whose window is shorter than the longest timeout are dropped; the first round is kept whenever
 * anything fits, even in a short window, so an invocation always checks something.
 */
export function planRounds(input: RoundPlanInput): PlannedRound[] {
  const { startedAt, remainingMs, intervalMs, rounds, longestTimeoutMs } = input;
  const end = startedAt + remainingMs - (input.reserveMs ?? DEFAULT_RESERVE_MS);
  const planned: PlannedRound[] = [];
  for (let index = 0; index < rounds; index++) {
    const startAt = startedAt + index * intervalMs;
    const deadline = Math.min(startAt + intervalMs, end);
    const window = deadline - startAt;
    if (window <= 0) break;
    if (window < longestTimeoutMs && index > 0) break;
    planned.push({ index, startAt, deadline });
  }
  return planned;
}

/**
 * Worst-case time from a failure starting to the check turning `unhealthy`: the failure can
 * begin just after a round, then `failureThreshold` more rounds must see it, the last of which may
 * wait for its full timeout.
 */
export function worstCaseDetectionMs(
  intervalMs: number,
  failureThreshold: number,
  timeoutMs: number,
): number {
  return intervalMs * failureThreshold + timeoutMs;
}
