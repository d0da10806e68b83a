import { type Attempt, attemptFailback, attemptSwitchAway, startUnpin } from './attempts';
import type { Decision, DecisionInput } from './decision';
import { healthOf, holdDownCheck } from './guards';
import { applyOutcome } from './outcome';
import { verificationAction } from './plans';
import type { FailoverCoreSettings } from './settings';
import { notify, withRecords } from './timeline';
import type { FailoverState, HealthSnapshot, Operation } from './types';

type Trigger = Exclude<DecisionInput, { kind: 'outcome' }>;

const unchanged = (state: FailoverState, reason: string): Decision => ({
  verdict: 'unchanged',
  next: state,
  plan: [],
  checks: [],
  reason,
});

const updated = (original: FailoverState, next: FailoverState, reason: string): Decision =>
  next === original
    ? unchanged(original, reason)
    : { verdict: 'updated', next, plan: [], checks: [], reason };

/**
 * The failover state machine: from the persisted state, one input, the settings and the time,
 * the next state and the plan to carry out. Pure: the same arguments always give the same
 * decision, and nothing is performed here. `next` is the input state itself when nothing
 * changed, so callers save only when it differs.
 */
export function decide(
  state: FailoverState,
  input: DecisionInput,
  settings: FailoverCoreSettings,
  now: number,
): Decision {
  if (input.kind === 'outcome') return applyOutcome(state, input, now);
  if (state.operation) return inFlight(state, state.operation, input, settings, now);
  const attempt = (automatic: boolean, reason: string, alertIfBlocked: boolean, dryRun = false): Attempt => ({
    eventId: input.eventId,
    trigger: input.kind,
    automatic,
    reason,
    dryRun,
    health: input.health,
    alertIfBlocked,
    ...(input.kind === 'command' && input.target ? { target: input.target } : {}),
  });
  if (input.kind === 'command') {
    const manual = attempt(false, `${input.reason} (by ${input.requestedBy})`, false, input.dryRun);
    if (input.command === 'failback') {
      if (state.phase === 'secondary' || state.phase === 'recovering' || state.healthCheckInverted)
        return attemptFailback(state, manual, settings, now);
      return rejected(state, `failback needs the component on its standby; it is on ${state.phase}`);
    }
    if (state.phase !== 'primary')
      return rejected(state, `${input.command} needs the component on its primary; it is on ${state.phase}`);
    return attemptSwitchAway(state, manual, input.command, settings, now);
  }
  if (input.kind === 'alarm') {
    if (input.alarmState === 'OK' || state.phase !== 'primary')
      return unchanged(state, `alarm ${input.alarmState} ignored in ${state.phase}`);
    const confirmed: FailoverState = {
      ...state,
      primaryFailures: Math.max(state.primaryFailures, settings.failureThreshold),
      primaryFailingSince: state.primaryFailingSince ?? now,
      updatedAt: now,
    };
    return attemptSwitchAway(
      confirmed,
      attempt(true, `alarm ${input.alarmName}`, true),
      'failover',
      settings,
      now,
    );
  }
  return onHealth(state, input.health, settings, now, (reason, alert) => attempt(true, reason, alert));
}

function rejected(state: FailoverState, reason: string): Decision {
  return { verdict: 'rejected', next: state, plan: [], checks: [], reason };
}

function onHealth(
  state: FailoverState,
  health: HealthSnapshot,
  settings: FailoverCoreSettings,
  now: number,
  attempt: (reason: string, alertIfBlocked: boolean) => Attempt,
): Decision {
  if (state.phase === 'primary') {
    const primary = health.primary;
    if (primary.healthy) {
      if (state.primaryFailures === 0 && state.primaryId === primary.id)
        return unchanged(state, 'primary healthy');
      return updated(
        state,
        {
          ...state,
          primaryId: primary.id,
          primaryFailures: 0,
          primaryFailingSince: undefined,
          updatedAt: now,
        },
        'primary healthy',
      );
    }
    const failures = state.primaryFailures + 1;
    const counted: FailoverState = {
      ...state,
      primaryId: primary.id,
      primaryFailures: failures,
      primaryFailingSince: state.primaryFailingSince ?? now,
      updatedAt: now,
    };
    if (failures < settings.failureThreshold)
      return updated(state, counted, `primary unhealthy ${failures}/${settings.failureThreshold}`);
    const reason = `primary ${primary.id} unhealthy for ${failures} consecutive checks`;
    return attemptSwitchAway(
      counted,
      attempt(reason, failures === settings.failureThreshold),
      'failover',
      settings,
      now,
    );
  }
  const primaryId = state.primaryId ?? health.primary.id;
  const primary = healthOf(health, primaryId);
  if (!primary?.healthy) {
    const reset: FailoverState = {
      ...state,
      phase: 'secondary',
      primarySuccesses: 0,
      primaryHealthySince: undefined,
      updatedAt: now,
    };
    if (state.component === 'dns' && state.healthCheckInverted)
      return startUnpin(
        reset,
        attempt(`primary ${primaryId} failed while its health check was inverted`, true),
        settings,
        now,
      );
    if (state.phase === 'secondary' && state.primarySuccesses === 0)
      return unchanged(state, 'primary still unhealthy');
    return updated(state, reset, 'primary unhealthy again; hold-down restarts');
  }
  const counted: FailoverState = {
    ...state,
    phase: 'recovering',
    primarySuccesses: state.primarySuccesses + 1,
    primaryHealthySince: state.primaryHealthySince ?? now,
    updatedAt: now,
  };
  const announce =
    state.phase === 'secondary'
      ? [
          notify(
            'warning',
            `${state.component}: primary ${primaryId} recovered`,
            settings.autoFailback
              ? `failback after ${settings.recoveryConsecutiveChecks} healthy checks and ${settings.holdDownSeconds}s`
              : 'failback waits for an operator (autoFailback is off)',
          ),
        ]
      : [];
  if (settings.autoFailback && holdDownCheck(counted, settings, now).passed) {
    const decision = attemptFailback(
      counted,
      attempt(`primary ${primaryId} healthy through the hold-down`, false),
      settings,
      now,
    );
    return { ...decision, plan: [...announce, ...decision.plan] };
  }
  return {
    verdict: 'updated',
    next: counted,
    plan: announce,
    checks: [holdDownCheck(counted, settings, now)],
    reason: 'primary recovering',
  };
}

/**
 * An operation holds the component. Within its lease every trigger waits; after it, the run
 * that owned it is presumed dead, and this one takes it over by verifying where the
 * component stands instead of repeating actions that may have half-happened.
 */
function inFlight(
  state: FailoverState,
  operation: Operation,
  input: Trigger,
  settings: FailoverCoreSettings,
  now: number,
): Decision {
  if (now < operation.leaseUntil || (input.kind === 'command' && input.dryRun)) {
    return {
      verdict: 'busy',
      next: state,
      plan: [],
      checks: [
        {
          guard: 'lock',
          passed: false,
          detail: `operation ${operation.id} (${operation.kind}) holds the component until ${new Date(operation.leaseUntil).toISOString()}`,
        },
      ],
      reason: `operation ${operation.id} in progress`,
    };
  }
  const parties = { primary: operation.primary, target: operation.target };
  const plan =
    operation.kind === 'unpin'
      ? operation.plan
      : [verificationAction(state.component, operation.kind, parties, settings)];
  const resumed: Operation = {
    ...operation,
    leaseUntil: now + settings.operationLeaseSeconds * 1000,
    plan,
    // A drill's verification reads its end state (back on the primary): the switch half is unknown.
    switchSteps: operation.kind === 'drill' ? 0 : plan.length,
    resumed: true,
    results: [],
  };
  const incident = state.incident && withRecords(state.incident, operation.results);
  const next: FailoverState = {
    ...state,
    operation: resumed,
    ...(incident ? { incident } : {}),
    updatedAt: now,
  };
  const message = `the run holding operation ${operation.id} stopped before finishing; verifying where ${state.component} stands`;
  return {
    verdict: 'started',
    next,
    plan: [notify('warning', `${state.component}: resuming ${operation.kind}`, message), ...plan],
    checks: [{ guard: 'lock', passed: true, detail: `lease of ${operation.id} expired` }],
    reason: message,
  };
}
