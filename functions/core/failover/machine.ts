import { type Attempt, attemptFailback, attemptSwitchAway } from './attempts';
import { onPrimary, onStandby } from './automatic';
import type { Decision, DecisionInput } from './decision';
import type { Observation } from './evidence';
import { applyOutcome } from './outcome';
import { verificationAction } from './plans';
import type { FailoverCoreSettings } from './settings';
import { notify, withRecords } from './timeline';
import type { FailoverState, Operation } from './types';

type Trigger = Exclude<DecisionInput, { kind: 'outcome' }>;

const unchanged = (state: FailoverState, reason: string): Decision => ({
  verdict: 'unchanged',
  next: state,
  plan: [],
  checks: [],
  reason,
});

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
    // Stryker disable next-line ConditionalExpression,LogicalOperator: only a command names a target; `target: undefined` reads as no target
    ...(input.kind === 'command' && input.target ? { target: input.target } : {}),
  });
  if (input.kind === 'command') {
    const manual = attempt(
      false,
      `${input.reason} (by ${input.requestedBy})`,
      // Stryker disable next-line BooleanLiteral: only an automatic attempt alerts when blocked (attempts.ts); an operator gets the answer
      false,
      input.dryRun,
    );
    if (input.command === 'failback') {
      if (state.phase === 'secondary' || state.phase === 'recovering' || state.healthCheckInverted)
        return attemptFailback(state, manual, settings, now);
      return rejected(state, `failback needs the component on its standby; it is on ${state.phase}`);
    }
    if (state.phase !== 'primary')
      return rejected(state, `${input.command} needs the component on its primary; it is on ${state.phase}`);
    return attemptSwitchAway(state, manual, input.command, settings, now);
  }
  const observation: Observation = {
    health: input.health,
    at: input.observedAt ?? now,
    // Stryker disable next-line ConditionalExpression,LogicalOperator: only a health input has a verdict; `verdict: undefined` reads as none
    ...(input.kind === 'health' && input.verdict ? { verdict: input.verdict } : {}),
  };
  const automatic = {
    observation,
    settings,
    now,
    eventId: input.eventId,
    attempt: (reason: string, alert: boolean) => attempt(true, reason, alert),
  };
  if (input.kind === 'alarm') {
    if (input.alarmState === 'OK' || state.phase !== 'primary')
      return unchanged(
        state,
        `alarm ${input.alarmName} ${input.alarmState} is no evidence in ${state.phase}`,
      );
    return onPrimary(state, automatic, input.alarmName);
  }
  return state.phase === 'primary' ? onPrimary(state, automatic) : onStandby(state, automatic);
}

function rejected(state: FailoverState, reason: string): Decision {
  return { verdict: 'rejected', next: state, plan: [], checks: [], reason };
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
  const dryRun =
    // Stryker disable next-line ConditionalExpression: only a command has `dryRun`, so the kind test only narrows the type
    input.kind === 'command' && input.dryRun;
  if (now < operation.leaseUntil || dryRun) {
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
