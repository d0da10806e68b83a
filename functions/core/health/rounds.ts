/**
 * Planning the health-check rounds of one invocation. EventBridge fires at most once a minute, so
 * a 1-minute schedule with rounds every 10 s detects a failure in seconds rather than minutes.
 *
 * Rounds run on absolute ticks of the wall clock (every `intervalMs` since the epoch), not at
 * offsets from the invocation's start: EventBridge delivers a scheduled event anywhere within its
 * minute, and rounds anchored to the start left gaps of up to a minute between two invocations.
 * The invocation scheduled at `S` checks the period after its own, `[S + P, S + 2P)`: it is
 * running by `S + P` wherever in its minute it was delivered, and the invocation scheduled at
 * `S + P` takes over at `S + 2P`. Consecutive invocations tile time, without gap or overlap.
 */

/** What the plan is made from. */
export interface RoundPlanInput {
  /** Clock time the invocation started. */
  readonly startedAt: number;
  /** Time the invocation may still run (the Lambda's remaining time at `startedAt`). */
  readonly remainingMs: number;
  /** Time between round starts; ticks are multiples of it since the epoch. */
  readonly intervalMs: number;
  /** Rounds wanted, e.g. 6 for every 10 s on a 1-minute schedule. */
  readonly rounds: number;
  /** The longest check timeout: a round shorter than this could not give every probe its timeout. */
  readonly longestTimeoutMs: number;
  /** Kept free at the end of the invocation to save state and send alerts. @default 3000 */
  readonly reserveMs?: number;
  /**
   * The tick of the first round (see {@link firstTickAfter}). @default the first tick at or after
   * `startedAt`, for an invocation that is not scheduled (a manual run).
   */
  readonly firstTick?: number;
}

/** One round: its tick, when it starts and the deadline its probes must meet. */
export interface PlannedRound {
  readonly index: number;
  /** The round's tick on the wall clock; its id, so two runs of the same tick count once. */
  readonly tick: number;
  readonly startAt: number;
  readonly deadline: number;
}

/** The default time kept free at the end of an invocation. */
export const DEFAULT_RESERVE_MS = 3000;

/** The first tick at or after `time`. */
export function tickAtOrAfter(time: number, intervalMs: number): number {
  return Math.ceil(time / intervalMs) * intervalMs;
}

/**
 * The first round's tick for the invocation scheduled at `scheduledAt` (the event's `time`) on a
 * schedule of period `periodMs`: the first tick of the next period.
 */
export function firstTickAfter(scheduledAt: number, periodMs: number, intervalMs: number): number {
  return tickAtOrAfter(scheduledAt + periodMs, intervalMs);
}

/**
 * The Lambda timeout that lets an invocation delivered at its scheduled time run every round of
 * the next period and keep the reserve, with a 2 s margin for the start and the last writes.
 */
export function invocationTimeoutMs(
  periodMs: number,
  rounds: number,
  intervalMs: number,
  reserveMs = DEFAULT_RESERVE_MS,
): number {
  return periodMs + rounds * intervalMs + reserveMs + 2000;
}

/**
 * The rounds that fit: round `i` is due at tick `firstTick + i × intervalMs` (or at once, if the
 * invocation starts within the round's window), and its deadline is the next tick or the end of
 * the invocation less `reserveMs`, whichever is first. Rounds whose window has passed are left
 * out, and so are rounds shorter than the longest timeout, but the first one that can run is kept
 * even in a short window, so an invocation always checks something.
 */
export function planRounds(input: RoundPlanInput): PlannedRound[] {
  const { startedAt, remainingMs, intervalMs, rounds, longestTimeoutMs } = input;
  const end = startedAt + remainingMs - (input.reserveMs ?? DEFAULT_RESERVE_MS);
  const firstTick = input.firstTick ?? tickAtOrAfter(startedAt, intervalMs);
  const planned: PlannedRound[] = [];
  for (let index = 0; index < rounds; index++) {
    const tick = firstTick + index * intervalMs;
    const startAt = Math.max(tick, startedAt);
    const deadline = Math.min(tick + intervalMs, end);
    const window = deadline - startAt;
    if (tick + intervalMs <= startedAt) continue;
    if (window <= 0) break;
    if (window < longestTimeoutMs && planned.length > 0) break;
    planned.push({ index, tick, startAt, deadline });
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
