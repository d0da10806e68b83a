import type { Decision, DecisionInput } from './decision';
import { pruneHistory } from './guards';
import { isMutation } from './plans';
import { closeIncident, finishedAt, notify, summarise, withRecords } from './timeline';
import type { ActionRecord, FailoverState, Incident, Operation, Phase, SwitchRecord } from './types';

const accepted = (r: ActionRecord) => r.outcome.ok || ('accepted' in r.outcome && r.outcome.accepted);

/**
 * Whether a part of the plan (all `steps` of it) ended where it should. Every part ends with a
 * read of the component, so its last step decides: a timed-out change that in fact happened is
 * a switch, and an accepted change that never showed up is not.
 */
function verified(part: readonly ActionRecord[], steps: number): boolean {
  if (steps === 0) return true;
  return part.length === steps && part[steps - 1]?.outcome.ok === true;
}

/** Whether the health check ends inverted, replaying the DNS steps that (may have) applied. */
function invertedAfter(records: readonly ActionRecord[], before: boolean): boolean {
  return records.reduce((inverted, r) => {
    // A possibly-applied inversion counts: restoring a check that is not inverted is a no-op.
    if (r.action.kind === 'invert-health-check' && accepted(r)) return true;
    if (r.action.kind === 'restore-health-check' && r.outcome.ok) return false;
    return inverted;
  }, before);
}

/**
 * Applies an operation's results: where the component really is now, the incident timeline,
 * the history the rate guards count, and the alert. A switch counts only when its closing
 * verification succeeded, so a failover that was accepted but never observed leaves the
 * component on its primary (and pages) rather than marked `secondary`.
 */
export function applyOutcome(
  state: FailoverState,
  input: Extract<DecisionInput, { kind: 'outcome' }>,
  now: number,
): Decision {
  const operation = state.operation;
  if (!operation || operation.id !== input.operationId) {
    return {
      verdict: 'rejected',
      next: state,
      plan: [],
      checks: [],
      reason: `operation ${input.operationId} is not the one in progress (${operation?.id ?? 'none'})`,
    };
  }
  const records = input.results;
  const switchPart = records.slice(0, operation.switchSteps);
  const undoPart = records.slice(operation.switchSteps);
  const switched = verified(switchPart, operation.switchSteps);
  const undone = verified(undoPart, operation.plan.length - operation.switchSteps);
  const incident = withRecords(
    state.incident ?? {
      id: `${state.component}-${operation.id}`,
      component: state.component,
      kind: operation.kind === 'drill' ? 'drill' : 'failover',
      trigger: 'command',
      reason: operation.kind,
      from: operation.primary,
      to: operation.target,
      detectedAt: operation.startedAt,
      decidedAt: operation.startedAt,
      status: 'open',
      actions: [],
    },
    records,
  );
  // A resumed operation's earlier steps were moved into the incident when it was taken over.
  const ownRecords = incident.actions.filter((r) => r.startedAt >= operation.startedAt);
  const base: FailoverState = {
    ...state,
    operation: undefined,
    concludedOperationId: operation.id,
    healthCheckInverted: invertedAfter(records, state.healthCheckInverted),
    // The roles changed: observations start over, each counted from its own round on.
    lastRound: undefined,
    lastObservedHealthy: undefined,
    flips: [],
    history: pruneHistory([...state.history, ...countedSwitch(operation, ownRecords, switched)], now),
    updatedAt: now,
  };
  const switchedAt = operation.switchSteps > 0 ? finishedAt(switchPart, now) : incident.switchedAt;
  const onStandby = (phase: Phase, inc: Incident): FailoverState => ({
    ...base,
    phase,
    primaryId: operation.primary,
    activeTarget: operation.target,
    primaryFailures: 0,
    primaryFailingSince: undefined,
    primarySuccesses: 0,
    primaryHealthySince: undefined,
    incident: inc,
  });
  const onPrimary = (inc: Incident): FailoverState => ({
    ...base,
    phase: 'primary',
    activeTarget: undefined,
    primarySuccesses: 0,
    primaryHealthySince: undefined,
    incident: inc,
  });
  const subject = `${state.component} ${operation.kind}`;

  if (operation.kind === 'unpin') {
    const next = { ...base, phase: 'secondary' as const, incident };
    return done(next, switched, `${subject}: health check restored, Route 53 keeps the secondary`, incident);
  }
  if (operation.kind === 'failover' || (operation.kind === 'drill' && !switched)) {
    if (switched) {
      const inc: Incident = { ...incident, status: 'switched', ...(switchedAt ? { switchedAt } : {}) };
      return done(
        onStandby('secondary', inc),
        true,
        `${subject}: switched to ${operation.target}`,
        inc,
        operation.automatic ? 'critical' : 'warning',
      );
    }
    const closed = closeIncident({ ...incident, status: 'failed' }, 'failed', now);
    return done(
      onPrimary(closed),
      false,
      `${subject} did not happen; still on ${operation.primary}`,
      closed,
      'critical',
      closed,
    );
  }
  if (operation.kind === 'failback') {
    if (switched) {
      const closed = closeIncident(incident, 'recovered', finishedAt(switchPart, now));
      return done(
        onPrimary(closed),
        true,
        `${subject}: back on ${operation.primary}`,
        closed,
        'info',
        closed,
      );
    }
    const back = operation.from === 'primary' ? onPrimary(incident) : onStandby('secondary', incident);
    return done(
      back,
      false,
      `${subject} did not happen; still on ${back.phase === 'primary' ? operation.primary : operation.target}`,
      incident,
    );
  }
  const withSwitch: Incident = { ...incident, ...(switchedAt ? { switchedAt } : {}) };
  if (undone) {
    const closed = closeIncident(
      { ...withSwitch, status: 'recovered' },
      'recovered',
      finishedAt(undoPart, now),
    );
    return done(onPrimary(closed), true, `${subject} completed: switched and back`, closed, 'info', closed);
  }
  const stuck: Incident = { ...withSwitch, status: 'switched' };
  return done(
    onStandby('secondary', stuck),
    false,
    `${subject}: switched to ${operation.target} but could not switch back`,
    stuck,
  );
}

/**
 * The history entry an operation leaves, when it switched or any of its changes was accepted:
 * a failover that AWS started but never finished still counts against the rate limits.
 */
function countedSwitch(
  operation: Operation,
  records: readonly ActionRecord[],
  switched: boolean,
): SwitchRecord[] {
  const changedSomething = records.some((r) => isMutation(r.action) && accepted(r));
  if (operation.kind === 'unpin' || !(switched || changedSomething)) return [];
  const testFailoverCalls = records.filter(
    (r) => r.action.kind === 'elasticache-test-failover' && accepted(r),
  ).length;
  return [
    { at: operation.startedAt, kind: operation.kind, automatic: operation.automatic, testFailoverCalls },
  ];
}

function done(
  next: FailoverState,
  ok: boolean,
  subject: string,
  incident: Incident,
  severityIfOk: 'critical' | 'warning' | 'info' = 'warning',
  closedIncident?: Incident,
): Decision {
  const severity = ok ? severityIfOk : 'critical';
  const alert = notify(severity, ok ? subject : `${subject}: operator needed`, summarise(incident));
  return {
    verdict: ok ? 'completed' : 'failed',
    next,
    plan: [alert],
    checks: [],
    reason: subject,
    ...(closedIncident ? { closedIncident } : {}),
  };
}

/** The state with one more step of the running operation recorded, saved as the plan progresses. */
export function withProgress(state: FailoverState, record: ActionRecord): FailoverState {
  const operation = state.operation;
  if (!operation) return state;
  return {
    ...state,
    operation: { ...operation, results: [...operation.results, record] },
    updatedAt: record.finishedAt,
  };
}
