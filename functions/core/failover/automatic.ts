import { type Attempt, attemptFailback, attemptSwitchAway, startUnpin } from './attempts';
import type { Decision } from './decision';
import {
  closeFlapping,
  countPrimaryRound,
  countRecoveryRound,
  type FlapChange,
  flappingReason,
  isNewRound,
  lastCountedAt,
  type Observation,
  openFlapping,
  primaryUnhealthy,
  unhealthyLongEnough,
  withHealthySight,
  withPrimaryRole,
  withVerdict,
} from './evidence';
import { healthOf, holdDownCheck } from './guards';
import type { FailoverCoreSettings } from './settings';
import { notify } from './timeline';
import type { FailoverState } from './types';

/**
 * The state machine's automatic decisions: what an observation of the component (a scheduled
 * read, a health verdict, an alarm) does on the primary and on a standby.
 */

/** What an automatic decision is made from, besides the state. */
export interface AutomaticInput {
  readonly observation: Observation;
  readonly settings: FailoverCoreSettings;
  readonly now: number;
  readonly eventId: string;
  /** An automatic attempt with its reason, alerting when a guard blocks it or not. */
  readonly attempt: (reason: string, alertIfBlocked: boolean) => Attempt;
}

const updated = (original: FailoverState, next: FailoverState, reason: string): Decision =>
  next === original
    ? { verdict: 'unchanged', next: original, plan: [], checks: [], reason }
    : { verdict: 'updated', next, plan: [], checks: [], reason };

/** `decision` with the alerts and the closed incident of a flap episode's change. */
function withFlap(decision: Decision, flap: FlapChange): Decision {
  return {
    ...decision,
    plan: [...flap.plan, ...decision.plan],
    ...(flap.closed ? { closedIncident: flap.closed } : {}),
  };
}

/**
 * On the primary: count the observation once per probe round, hold while the primary flaps, and
 * fail over once enough rounds over enough time saw it unhealthy, or at once on an `alarm` the
 * observation confirms.
 */
export function onPrimary(state: FailoverState, input: AutomaticInput, alarm?: string): Decision {
  const { observation, settings, now, eventId, attempt } = input;
  const primary = observation.health.primary;
  const known = withHealthySight(
    withPrimaryRole(withVerdict(state, observation.verdict), observation),
    primary.healthy,
    observation.at,
    settings,
  );
  const unhealthy = primaryUnhealthy(known, observation.health);
  const fresh = isNewRound(known, observation.at, settings);
  // A round counts once towards a failover, but a healthy sight in it still breaks the streak; and
  // an alarm is its own evidence, which a scheduled read of the same round does not swallow.
  const contradicts =
    !unhealthy &&
    known.primaryFailures > 0 &&
    observation.at >= (known.primaryFailingSince ?? observation.at);
  if (!fresh && alarm === undefined && !contradicts)
    return updated(state, known, `round of ${new Date(observation.at).toISOString()} already counted`);
  const counted =
    fresh || contradicts ? countPrimaryRound(known, !unhealthy, observation.at, settings) : known;
  const flapReason = flappingReason(counted, observation.at, settings);
  if (flapReason) {
    const flap = openFlapping(counted, eventId, flapReason, 'failover', now);
    const evidence = unhealthyLongEnough(flap.state, observation.at, settings);
    const wanted = unhealthy && (alarm !== undefined || evidence.passed);
    const check = {
      guard: 'flapping' as const,
      passed: false,
      detail: `primary ${primary.id} ${flapReason}`,
    };
    return withFlap(
      {
        verdict: wanted ? 'blocked' : 'updated',
        next: flap.state,
        plan: [],
        checks: wanted ? [check] : [],
        reason: `flapping: ${flapReason}; automatic failover held`,
      },
      flap,
    );
  }
  const settled = closeFlapping(counted, now, 'settled');
  if (!unhealthy) {
    const unconfirmed =
      known.verdict?.status === 'down'
        ? `; the health engine's down is not confirmed by ${primary.id}'s own status, so no switch`
        : '';
    return withFlap(updated(state, settled.state, `primary ${primary.id} healthy${unconfirmed}`), settled);
  }
  const evidence = unhealthyLongEnough(settled.state, observation.at, settings);
  if (alarm === undefined && !evidence.passed)
    return withFlap(updated(state, settled.state, evidence.detail), settled);
  // Whether the evidence had already passed when the last round was counted (its attempt paged).
  const previous = lastCountedAt(known, settings);
  const before = previous !== undefined && unhealthyLongEnough(known, previous, settings).passed;
  const reason =
    alarm === undefined
      ? `primary ${primary.id} ${evidence.detail}`
      : `alarm ${alarm}, primary ${primary.id} observed unhealthy`;
  return withFlap(
    attemptSwitchAway(
      settled.state,
      attempt(reason, alarm !== undefined || !before),
      'failover',
      settings,
      now,
    ),
    settled,
  );
}

/**
 * On a standby: count the former primary's observations (by its id, wherever its role put it)
 * towards the hold-down, once per probe round. Only an observation of it counts: an alarm, or a
 * health verdict saying the serving side is down, proves nothing about the former primary.
 */
export function onStandby(state: FailoverState, input: AutomaticInput): Decision {
  const { observation, settings, now, eventId, attempt } = input;
  const health = observation.health;
  const withLatest = withVerdict(state, observation.verdict);
  const primaryId = withLatest.primaryId ?? health.primary.id;
  const primary = healthOf(health, primaryId);
  const known = withHealthySight(withLatest, primary?.healthy === true, observation.at, settings);
  // A round counts once towards a failback, but an unhealthy sight in it still restarts the hold-down.
  const contradicts =
    !primary?.healthy &&
    known.primarySuccesses > 0 &&
    observation.at >= (known.primaryHealthySince ?? observation.at);
  if (!isNewRound(known, observation.at, settings) && !contradicts)
    return updated(state, known, `round of ${new Date(observation.at).toISOString()} already counted`);
  const counted = countRecoveryRound(known, primary?.healthy === true, observation.at, settings);
  const flaps = counted.flips?.length ?? 0;
  const flap =
    flaps >= settings.flapTransitions
      ? openFlapping(
          counted,
          eventId,
          `failed again ${Math.floor(flaps / 2)} times since the failover`,
          'failback',
          now,
        )
      : { state: counted, plan: [] };
  if (!primary?.healthy) {
    const reset: FailoverState = {
      ...flap.state,
      phase: 'secondary',
      primarySuccesses: 0,
      primaryHealthySince: undefined,
      updatedAt: now,
    };
    if (state.component === 'dns' && state.healthCheckInverted)
      return withFlap(
        startUnpin(
          reset,
          attempt(`primary ${primaryId} failed while its health check was inverted`, true),
          settings,
          now,
        ),
        flap,
      );
    if (state.phase === 'secondary' && state.primarySuccesses === 0)
      return withFlap(updated(state, reset, 'primary still unhealthy'), flap);
    return withFlap(updated(state, reset, 'primary unhealthy again; hold-down restarts'), flap);
  }
  if (known.verdict?.status === 'down' || known.verdict?.flapping)
    return withFlap(
      updated(
        state,
        flap.state,
        `the health engine reports the service ${known.verdict.flapping ? 'flapping' : 'down'}: recovery of ${primaryId} not counted`,
      ),
      flap,
    );
  const recovering: FailoverState = {
    ...flap.state,
    phase: 'recovering',
    primarySuccesses: flap.state.primarySuccesses + 1,
    primaryHealthySince: flap.state.primaryHealthySince ?? observation.at,
    updatedAt: now,
  };
  // A flapping former primary "recovers" every few minutes: the flapping page said it all.
  const announce =
    state.phase === 'secondary' && !recovering.flapping
      ? [
          notify(
            'warning',
            `${state.component}: primary ${primaryId} recovered`,
            settings.autoFailback
              ? `failback after ${settings.recoveryConsecutiveChecks} healthy rounds and ${settings.holdDownSeconds}s`
              : 'failback waits for an operator (autoFailback is off)',
          ),
        ]
      : [];
  const holdDown = holdDownCheck(recovering, settings, now);
  if (settings.autoFailback && !recovering.flapping && holdDown.passed) {
    const decision = attemptFailback(
      recovering,
      attempt(`primary ${primaryId} healthy through the hold-down`, false),
      settings,
      now,
    );
    return withFlap({ ...decision, plan: [...announce, ...decision.plan] }, flap);
  }
  return withFlap(
    {
      verdict: 'updated',
      next: recovering,
      plan: announce,
      checks: [holdDown],
      reason: 'primary recovering',
    },
    flap,
  );
}
