import type { CheckResult } from './probe';

/** What the thresholds say about a check. */
export type SettledStatus = 'unknown' | 'healthy' | 'unhealthy';

/** A check's status: the settled one, or `flapping` while it changes too often to alert on. */
export type CheckStatus = SettledStatus | 'flapping';

/** How a check's results turn into a status. */
export interface StatePolicy {
  readonly failureThreshold: number;
  readonly successThreshold: number;
  /** Settled-status changes within `flapWindowMs` that make the check `flapping`. */
  readonly flapTransitions: number;
  readonly flapWindowMs: number;
  /** Inconclusive results in a row before the check becomes `unknown`. @default failureThreshold */
  readonly unknownAfter?: number;
}

/** A check's state between rounds; `version` guards the conditional write in the state table. */
export interface CheckState {
  readonly checkId: string;
  readonly status: CheckStatus;
  readonly settled: SettledStatus;
  /** Clock time the status last changed. */
  readonly since: number;
  readonly consecutiveFailures: number;
  readonly consecutiveSuccesses: number;
  readonly consecutiveUnknown: number;
  /** Times of the settled-status changes still inside the flap window. */
  readonly transitions: readonly number[];
  /** Times the raw result changed between `up` and `down`, inside the flap window. */
  readonly resultChanges?: readonly number[];
  /** The last result that was `up` or `down`. */
  readonly lastConclusive?: 'up' | 'down';
  /** The round whose result this state includes, so re-applying a round changes nothing. */
  readonly lastRoundId?: string;
  readonly lastResult?: Pick<CheckResult, 'status' | 'latencyMs' | 'error' | 'warning'> & {
    readonly at: number;
  };
  readonly version: number;
}

/** A change of a check's status. */
export interface CheckTransition {
  readonly checkId: string;
  readonly from: CheckStatus;
  readonly to: CheckStatus;
  readonly at: number;
}

/** The state of a check never seen before. */
export function initialCheckState(checkId: string, now: number): CheckState {
  return {
    checkId,
    status: 'unknown',
    settled: 'unknown',
    since: now,
    consecutiveFailures: 0,
    consecutiveSuccesses: 0,
    consecutiveUnknown: 0,
    transitions: [],
    version: 0,
  };
}

/**
 * Folds one round's result into a check's state. The status changes only when a threshold is
 * crossed; a check whose settled status changes `flapTransitions` times within the window
 * becomes `flapping` and stays so until a whole window passes without a transition, so it is
 * reported once per window at most. So does a check whose raw results change between up and down
 * `2 × flapTransitions` times within the window, though it never settles (it fails every other
 * round: half the users' requests): it stays flapping until fewer than `flapTransitions` changes
 * remain in the window. The returned state keeps the input's `version`; the store bumps it on write.
 */
export function advanceCheckState(
  previous: CheckState | undefined,
  result: Pick<CheckResult, 'checkId' | 'status' | 'latencyMs' | 'error' | 'warning'>,
  policy: StatePolicy,
  roundId: string,
  now: number,
): { state: CheckState; transition?: CheckTransition } {
  const state = previous ?? initialCheckState(result.checkId, now);
  if (appliedAlready(state.lastRoundId, roundId)) return { state };

  const up = result.status === 'up';
  const down = result.status === 'down';
  const consecutiveSuccesses = up ? state.consecutiveSuccesses + 1 : down ? 0 : state.consecutiveSuccesses;
  const consecutiveFailures = down ? state.consecutiveFailures + 1 : up ? 0 : state.consecutiveFailures;
  const consecutiveUnknown = up || down ? 0 : state.consecutiveUnknown + 1;

  // Stryker disable next-line ConditionalExpression,LogicalOperator: an up or down result resets consecutiveUnknown to 0, below every threshold (at least 1), so widening this alone changes nothing
  const inconclusive = !up && !down;
  let settled = state.settled;
  if (up && consecutiveSuccesses >= policy.successThreshold) settled = 'healthy';
  else if (down && consecutiveFailures >= policy.failureThreshold) settled = 'unhealthy';
  else if (inconclusive && consecutiveUnknown >= (policy.unknownAfter ?? policy.failureThreshold))
    settled = 'unknown';

  // Every settled change counts, `unknown` included, so a check alternating between failing and
  // unknowable cannot page on each return to `unhealthy`.
  const flipped = settled !== state.settled;
  const transitions = [...(flipped ? [...state.transitions, now] : state.transitions)].filter(
    (at) => at > now - policy.flapWindowMs,
  );
  const lastFlip = flipped ? now : state.transitions.at(-1);
  const conclusive = up ? 'up' : down ? 'down' : undefined;
  const changed =
    conclusive !== undefined && state.lastConclusive !== undefined && conclusive !== state.lastConclusive;
  // Stryker disable next-line ArrayDeclaration: the filter below keeps only times, so a non-number element is dropped either way
  const earlierChanges = state.resultChanges ?? [];
  const resultChanges = (changed ? [...earlierChanges, now] : earlierChanges).filter(
    (at) => at > now - policy.flapWindowMs,
  );

  let status: CheckStatus;
  if (state.status === 'flapping') {
    const quiet = lastFlip === undefined || now - lastFlip >= policy.flapWindowMs;
    status = quiet && resultChanges.length < policy.flapTransitions ? settled : 'flapping';
  } else {
    const flapping =
      transitions.length >= policy.flapTransitions || resultChanges.length >= 2 * policy.flapTransitions;
    status = flapping ? 'flapping' : settled;
  }

  const next: CheckState = {
    checkId: state.checkId,
    status,
    settled,
    since: status === state.status ? state.since : now,
    consecutiveFailures,
    consecutiveSuccesses,
    consecutiveUnknown,
    transitions,
    resultChanges,
    ...((conclusive ?? state.lastConclusive) ? { lastConclusive: conclusive ?? state.lastConclusive } : {}),
    lastRoundId: roundId,
    lastResult: {
      status: result.status,
      latencyMs: result.latencyMs,
      at: now,
      ...(result.error === undefined ? {} : { error: result.error }),
      ...(result.warning === undefined ? {} : { warning: result.warning }),
    },
    version: state.version,
  };
  if (status === state.status) return { state: next };
  return { state: next, transition: { checkId: state.checkId, from: state.status, to: status, at: now } };
}

/**
 * True when `roundId` is `lastRoundId` or an earlier round of the same invocation (`<id>#<n>`):
 * a redelivered invocation repeats none of the rounds its first run applied.
 */
function appliedAlready(lastRoundId: string | undefined, roundId: string): boolean {
  if (lastRoundId === undefined) return false;
  if (lastRoundId === roundId) return true;
  const split = (id: string) => {
    const at = id.lastIndexOf('#');
    return { invocation: id.slice(0, at), index: Number(id.slice(at + 1)) };
  };
  const last = split(lastRoundId);
  const next = split(roundId);
  return (
    last.invocation === next.invocation &&
    Number.isInteger(last.index) &&
    Number.isInteger(next.index) &&
    // Stryker disable next-line EqualityOperator: the runner writes `<id>#<n>`, so an equal index is the same id, answered above
    next.index <= last.index
  );
}
