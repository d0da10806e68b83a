import type { GuardCheck } from './guards';
import type { FailoverCoreSettings } from './settings';
import { closeIncident, notify } from './timeline';
import type { FailoverAction, FailoverState, HealthSnapshot, HealthVerdict, Incident } from './types';

/**
 * The evidence the state machine acts on, in time rather than in deliveries: observations are
 * counted once per probe round (the health engine's 10 s interval), an automatic failover needs
 * the primary unhealthy over a minimum duration, and a primary whose health keeps flipping (by
 * the health engine's verdict or by the engine's own observations) holds automation and pages.
 */

/** One observation of the component, as a trigger brought it. */
export interface Observation {
  readonly health: HealthSnapshot;
  /** When it was seen this way: the health round's time for a verdict, the read time otherwise. */
  readonly at: number;
  readonly verdict?: HealthVerdict;
}

/** The probe round an observation belongs to. */
export function roundOf(at: number, settings: FailoverCoreSettings): number {
  return Math.floor(at / (settings.probeRoundSeconds * 1000));
}

/** Whether the observation is in a round later than the last one counted. */
export function isNewRound(state: FailoverState, at: number, settings: FailoverCoreSettings): boolean {
  return state.lastRound === undefined || roundOf(at, settings) > state.lastRound;
}

/** The state with `verdict` kept when it is newer than the one it holds. */
export function withVerdict(state: FailoverState, verdict: HealthVerdict | undefined): FailoverState {
  if (!verdict || (state.verdict && state.verdict.at >= verdict.at)) return state;
  return { ...state, verdict };
}

/**
 * The state on the primary as last observed by id. When the primary's id changed outside the
 * engine (Aurora or ElastiCache promoted another node on their own), evidence gathered about the
 * former one does not carry over, nor does a verdict published before this observation.
 */
export function withPrimaryRole(state: FailoverState, observation: Observation): FailoverState {
  const id = observation.health.primary.id;
  if (state.primaryId === id) return state;
  if (state.primaryId === undefined) return { ...state, primaryId: id };
  const { verdict, ...rest } = state;
  return {
    ...rest,
    primaryId: id,
    primaryFailures: 0,
    primaryFailingSince: undefined,
    lastObservedHealthy: undefined,
    lastHealthyAt: undefined,
    flips: [],
    ...(verdict && verdict.at > observation.at ? { verdict } : {}),
  };
}

/**
 * The state with a sight of the primary (by id) its own API reports healthy, counted or not: a
 * read that shares its round with one already counted still says the primary was serving then.
 * The sight is what lets the health engine's rounds of a `down` count (see `confirmedDownSince`).
 */
export function withHealthySight(
  state: FailoverState,
  healthy: boolean,
  at: number,
  settings: FailoverCoreSettings,
): FailoverState {
  if (!healthy || (state.lastHealthyAt !== undefined && state.lastHealthyAt >= at)) return state;
  // An observation older than the last round counted is ignored, this sight with it.
  if (at < (lastCountedAt(state, settings) ?? at)) return state;
  return { ...state, lastHealthyAt: at };
}

/** The start of the last probe round counted, if any. */
export function lastCountedAt(state: FailoverState, settings: FailoverCoreSettings): number | undefined {
  return state.lastRound === undefined ? undefined : state.lastRound * settings.probeRoundSeconds * 1000;
}

/**
 * The primary counts as unhealthy when observed so. For `dns` it also does while the health
 * engine's `down` stands (the engine probes the same public path Route 53 switches), unless users
 * are sent to a standby (an inverted Route 53 check): the path then ends at the standby, and
 * counting its failure against the primary would undo an operator's DNS failover within a minute.
 * For the database and the cache the verdict is a reason to look, not evidence: their components
 * roll up the service's own report of its data path too, which sees a network, a pool or a client
 * fault no failover mends. A switch of a cluster or a replication group needs the RDS or
 * ElastiCache API to see the primary unhealthy.
 */
export function primaryUnhealthy(state: FailoverState, health: HealthSnapshot): boolean {
  if (!health.primary.healthy) return true;
  return state.component === 'dns' && state.verdict?.status === 'down' && health.usersReachPrimary !== false;
}

/** Flip times with this observation's, if its health differs from the last one observed. */
function flipsWith(state: FailoverState, healthy: boolean, at: number): number[] {
  const flips = [...(state.flips ?? [])];
  if (state.lastObservedHealthy !== undefined && state.lastObservedHealthy !== healthy) flips.push(at);
  return flips;
}

/** Counts a new round's observation of the primary while the component is on it. */
export function countPrimaryRound(
  state: FailoverState,
  healthy: boolean,
  at: number,
  settings: FailoverCoreSettings,
): FailoverState {
  const windowStart = at - settings.flapWindowSeconds * 1000;
  return {
    ...state,
    lastRound: Math.max(state.lastRound ?? Number.NEGATIVE_INFINITY, roundOf(at, settings)),
    lastObservedHealthy: healthy,
    flips: flipsWith(state, healthy, at).filter((flip) => flip > windowStart),
    primaryFailures: healthy ? 0 : state.primaryFailures + 1,
    primaryFailingSince: healthy ? undefined : (state.primaryFailingSince ?? at),
    updatedAt: at,
  };
}

/**
 * Counts a new round's observation of the former primary while the component is on a standby.
 * Flips are kept since the failover: a primary that keeps failing again is not failed back to
 * without an operator.
 */
export function countRecoveryRound(
  state: FailoverState,
  healthy: boolean,
  at: number,
  settings: FailoverCoreSettings,
): FailoverState {
  return {
    ...state,
    lastRound: Math.max(state.lastRound ?? Number.NEGATIVE_INFINITY, roundOf(at, settings)),
    lastObservedHealthy: healthy,
    flips: flipsWith(state, healthy, at),
  };
}

/**
 * When the health engine's `down` on a database or a cache began, if it counts as evidence at
 * `at`: it has stood since then and since the last switch, the RDS or ElastiCache API saw the
 * primary unhealthy in the last two rounds counted, and no read saw it healthy since the `down`
 * began (with no healthy read on record, it counts from the API's own streak). On its own the
 * verdict is not evidence (see {@link primaryUnhealthy}); once the API agrees, the engine's rounds
 * (every 10 s, and a `down` lasts until its check passes several in a row) say for how long the
 * primary has been failing. The function's own reads come once a minute, and when two of them
 * fall in one round, three distinct ones take another minute. On a primary failing at random this
 * makes an early failover likelier; the flapping hold still stops a second one.
 */
function confirmedDownSince(state: FailoverState, at: number): number | undefined {
  const verdict = state.verdict;
  if (state.component === 'dns' || state.primaryFailures < 2) return undefined;
  if (verdict?.status !== 'down' || verdict.at > at) return undefined;
  if (state.lastHealthyAt !== undefined && state.lastHealthyAt >= verdict.at) return undefined;
  // A `down` from before the last switch was about other roles.
  const lastSwitch = state.history.at(-1)?.at;
  if (lastSwitch !== undefined && verdict.at < lastSwitch) return undefined;
  // Without a healthy sight on record (a new primary, a state saved before sights were kept) it is
  // unknown whether the API contradicted the `down`: it counts from the API's own streak only.
  if (state.lastHealthyAt === undefined) return Math.max(verdict.at, state.primaryFailingSince ?? at);
  return verdict.at;
}

/** When the primary started to fail, by the evidence counted: the earlier of its streak and a confirmed `down`. */
export function failingSince(state: FailoverState, at: number): number | undefined {
  const since = [state.primaryFailingSince, confirmedDownSince(state, at)].filter((t) => t !== undefined);
  return since.length > 0 ? Math.min(...since) : undefined;
}

/**
 * Enough distinct rounds, over long enough, saw the primary unhealthy for an automatic failover:
 * the function's own observations, or the health engine's rounds of a `down` the API confirms.
 */
export function unhealthyLongEnough(
  state: FailoverState,
  at: number,
  settings: FailoverCoreSettings,
): GuardCheck {
  const enough = (rounds: number, since: number) =>
    rounds >= settings.failureThreshold && at - since >= settings.minUnhealthySeconds * 1000;
  const needs = `needs ${settings.failureThreshold} rounds over ${settings.minUnhealthySeconds}s`;
  const since = state.primaryFailingSince ?? at;
  const own = `primary unhealthy in ${state.primaryFailures} rounds over ${Math.floor((at - since) / 1000)}s`;
  const downSince = confirmedDownSince(state, at);
  if (downSince === undefined)
    return { guard: 'evidence', passed: enough(state.primaryFailures, since), detail: `${own} (${needs})` };
  const healthRounds = Math.floor((at - downSince) / (settings.probeRoundSeconds * 1000)) + 1;
  return {
    guard: 'evidence',
    passed: enough(state.primaryFailures, since) || enough(healthRounds, downSince),
    detail: `${own}, and down by the health engine in ${healthRounds} rounds over ${Math.floor((at - downSince) / 1000)}s (${needs} of either)`,
  };
}

/**
 * Why the primary counts as flapping at `at`, or `undefined`: the health engine's standing
 * verdict says so, or the engine saw its health flip `flapTransitions` times within the window.
 * An open episode lasts until the health engine publishes a verdict that does not flap (it waits
 * out its own quiet window first) or, without one, until a whole window passes without a flip: it
 * is reported once, not at every flip.
 */
export function flappingReason(
  state: FailoverState,
  at: number,
  settings: FailoverCoreSettings,
): string | undefined {
  if (state.verdict?.flapping)
    return `the health engine reports a flapping check since ${new Date(state.verdict.at).toISOString()}`;
  const windowMs = settings.flapWindowSeconds * 1000;
  const recent = (state.flips ?? []).filter((flip) => flip > at - windowMs);
  if (recent.length >= settings.flapTransitions)
    return `its observed health flipped ${recent.length} times in ${settings.flapWindowSeconds}s`;
  // An episode the health engine has not spoken on since stays open until a quiet window passes.
  const verdictSince = state.verdict !== undefined && state.verdict.at > (state.flapping?.detectedAt ?? at);
  if (state.flapping && recent.length > 0 && !verdictSince)
    return `its observed health flipped within the last ${settings.flapWindowSeconds}s`;
  return undefined;
}

/** A flap episode's change: the state with it opened or closed, the alert, the incident closed. */
export interface FlapChange {
  readonly state: FailoverState;
  readonly plan: readonly FailoverAction[];
  readonly closed?: Incident;
}

/** Opens a flapping episode (once) and pages: automation waits for the primary to settle or an operator. */
export function openFlapping(
  state: FailoverState,
  eventId: string,
  reason: string,
  holds: 'failover' | 'failback',
  at: number,
): FlapChange {
  if (state.flapping) return { state, plan: [] };
  const primary = state.primaryId ?? 'primary';
  const incident: Incident = {
    id: `${state.component}-flapping-${eventId}`,
    component: state.component,
    kind: 'flapping',
    trigger: 'health',
    reason,
    from: primary,
    to: state.activeTarget ?? primary,
    detectedAt: at,
    decidedAt: at,
    status: 'open',
    actions: [],
  };
  const message =
    holds === 'failover'
      ? `Automatic failover is held while ${primary} flaps (${reason}). Fail over by hand if the service needs it; automation re-arms once it settles.`
      : `Automatic failback is held: ${primary} ${reason}. Fail back by hand once it is stable.`;
  return {
    state: { ...state, flapping: incident },
    plan: [
      notify('critical', `${state.component}: primary ${primary} flapping, automatic ${holds} held`, message),
    ],
  };
}

/** Closes the flapping episode, if one is open, and says that automation is armed again. */
export function closeFlapping(state: FailoverState, at: number, why: string): FlapChange {
  const episode = state.flapping;
  if (!episode) return { state, plan: [] };
  const closed = closeIncident(episode, 'recovered', at);
  const { flapping: _, ...rest } = state;
  return {
    state: rest,
    plan: [
      notify(
        'info',
        `${state.component}: primary ${episode.from} ${why}`,
        'automatic failover is armed again',
      ),
    ],
    closed,
  };
}
