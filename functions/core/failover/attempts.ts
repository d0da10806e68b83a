import type { Decision } from './decision';
import { failingSince } from './evidence';
import { chooseTarget, type GuardCheck, healthOf, holdDownCheck, preChecks, rateChecks } from './guards';
import { operationSteps, type SwitchParties, testFailoverCalls } from './plans';
import type { FailoverCoreSettings } from './settings';
import { notify } from './timeline';
import type { FailoverState, HealthSnapshot, Incident, Operation, OperationKind, TriggerKind } from './types';

/** Who asked and why: shared by automatic triggers and operator commands. */
export interface Attempt {
  readonly eventId: string;
  readonly trigger: TriggerKind;
  readonly automatic: boolean;
  readonly reason: string;
  readonly dryRun: boolean;
  readonly health: HealthSnapshot;
  /** The standby an operator asked for. */
  readonly target?: string;
  /** Alert when a guard blocks this attempt (the first crossing of the threshold, an alarm). */
  readonly alertIfBlocked: boolean;
}

const failed = (checks: readonly GuardCheck[]) => checks.filter((c) => !c.passed);

/** What {@link start} begins: an operation of `kind` between `parties`, once its guards passed. */
interface OperationStart {
  readonly state: FailoverState;
  readonly attempt: Attempt;
  readonly kind: OperationKind;
  readonly parties: SwitchParties;
  readonly incident: Incident;
  readonly settings: FailoverCoreSettings;
  readonly now: number;
  /** The guards that passed, shown with the decision. */
  readonly checks: readonly GuardCheck[];
}

function start({ state, attempt, kind, parties, incident, settings, now, checks }: OperationStart): Decision {
  const steps = operationSteps(
    state.component,
    kind,
    parties,
    attempt.automatic,
    state.healthCheckInverted,
    settings,
  );
  const phase = kind === 'failback' ? 'failing-back' : kind === 'unpin' ? state.phase : 'failing-over';
  const subject = `${state.component} ${kind} ${kind === 'failback' ? `${parties.target} → ${parties.primary}` : `${parties.primary} → ${parties.target}`}`;
  const severity =
    kind === 'drill' || kind === 'failback' ? 'info' : attempt.automatic ? 'critical' : 'warning';
  const announce = notify(severity, `${attempt.dryRun ? '[dry run] ' : ''}${subject}`, attempt.reason);
  if (attempt.dryRun) {
    return {
      verdict: 'dry-run',
      next: state,
      plan: [...steps.plan, announce],
      checks,
      reason: subject,
      wouldBe: phase,
    };
  }
  const operation: Operation = {
    id: attempt.eventId,
    kind,
    automatic: attempt.automatic,
    from: state.phase,
    startedAt: now,
    leaseUntil: now + settings.operationLeaseSeconds * 1000,
    target: parties.target,
    primary: parties.primary,
    ...steps,
    resumed: false,
    results: [],
  };
  const next: FailoverState = {
    ...state,
    phase,
    operation,
    incident,
    updatedAt: now,
    ...(attempt.automatic ? {} : { automationHaltedAt: undefined }),
  };
  return { verdict: 'started', next, plan: [announce, ...operation.plan], checks, reason: subject };
}

function blocked(
  state: FailoverState,
  attempt: Attempt,
  checks: readonly GuardCheck[],
  now: number,
): Decision {
  const refusals = failed(checks);
  const reason = refusals.map((c) => `${c.guard}: ${c.detail}`).join('; ');
  if (attempt.dryRun) return { verdict: 'blocked', next: state, plan: [], checks, reason };
  // Halt (and page) once; while halted, automatic attempts are refused quietly.
  const halting =
    attempt.automatic &&
    state.automationHaltedAt === undefined &&
    refusals.some((c) => c.guard === 'hourly-limit');
  const next: FailoverState = halting
    ? { ...state, automationHaltedAt: now, updatedAt: now }
    : attempt.automatic
      ? state
      : { ...state, automationHaltedAt: undefined, updatedAt: now };
  const plan = halting
    ? [notify('critical', `${state.component}: automatic failover halted, operator needed`, reason)]
    : attempt.automatic && attempt.alertIfBlocked && state.automationHaltedAt === undefined
      ? [notify('critical', `${state.component}: failover needed but blocked`, reason)]
      : [];
  return { verdict: 'blocked', next, plan, checks, reason };
}

/** A failover or a drill from `primary`: every guard, then the operation. */
export function attemptSwitchAway(
  state: FailoverState,
  attempt: Attempt,
  kind: 'failover' | 'drill',
  settings: FailoverCoreSettings,
  now: number,
): Decision {
  const { health } = attempt;
  const preferred =
    attempt.target ?? (state.component === 'database' ? settings.preferredDatabaseTarget : undefined);
  let choice = chooseTarget(state.component, health, settings, preferred);
  if (!choice.target && !attempt.target && preferred)
    choice = chooseTarget(state.component, health, settings);
  const parties = { primary: health.primary.id, target: choice.target?.id ?? '' };
  const planned = operationSteps(state.component, kind, parties, attempt.automatic, false, settings).plan;
  const checks: GuardCheck[] = [
    ...rateChecks(
      state,
      { kind, automatic: attempt.automatic, testFailoverCalls: testFailoverCalls(planned) },
      settings,
      now,
    ),
    ...(kind === 'drill'
      ? [
          {
            guard: 'primary-healthy' as const,
            passed: health.primary.healthy,
            detail: `a drill needs a healthy primary; ${health.primary.id} is ${health.primary.healthy ? 'healthy' : 'unhealthy'}`,
          },
        ]
      : []),
    ...choice.checks,
  ];
  if (failed(checks).length > 0 || !choice.target) return blocked(state, attempt, checks, now);
  const incident: Incident = {
    id: `${state.component}-${attempt.eventId}`,
    component: state.component,
    kind: kind === 'drill' ? 'drill' : 'failover',
    trigger: attempt.trigger,
    reason: attempt.reason,
    from: parties.primary,
    to: parties.target,
    detectedAt: attempt.automatic ? (failingSince(state, now) ?? now) : now,
    decidedAt: now,
    status: 'open',
    actions: [],
  };
  return start({
    state: attempt.dryRun ? state : { ...state, primaryId: parties.primary },
    attempt,
    kind,
    parties,
    incident,
    settings,
    now,
    checks,
  });
}

/**
 * A failback to the recorded primary. Automatic failbacks wait out the hold-down; an operator
 * overrides it, but never the pre-checks: the primary must be healthy and caught up.
 */
export function attemptFailback(
  state: FailoverState,
  attempt: Attempt,
  settings: FailoverCoreSettings,
  now: number,
): Decision {
  const primaryId = state.primaryId ?? attempt.health.primary.id;
  const target = state.activeTarget ?? attempt.health.standbys[0]?.id ?? 'secondary';
  const primary = healthOf(attempt.health, primaryId) ?? { id: primaryId, healthy: false };
  const current = healthOf(attempt.health, target);
  const parties = { primary: primaryId, target };
  const planned = operationSteps(
    state.component,
    'failback',
    parties,
    attempt.automatic,
    state.healthCheckInverted,
    settings,
  ).plan;
  const checks: GuardCheck[] = [
    ...rateChecks(
      state,
      { kind: 'failback', automatic: attempt.automatic, testFailoverCalls: testFailoverCalls(planned) },
      settings,
      now,
    ),
    ...(attempt.automatic ? [holdDownCheck(state, settings, now)] : []),
    ...preChecks(state.component, primary, current, settings),
  ];
  if (failed(checks).length > 0) return blocked(state, attempt, checks, now);
  const incident: Incident = state.incident ?? {
    id: `${state.component}-${attempt.eventId}`,
    component: state.component,
    kind: 'failover',
    trigger: attempt.trigger,
    reason: attempt.reason,
    from: primaryId,
    to: target,
    detectedAt: now,
    decidedAt: now,
    status: 'switched',
    actions: [],
  };
  return start({ state, attempt, kind: 'failback', parties, incident, settings, now, checks });
}

/** Restores an inverted health check whose primary has failed for real; no guard may delay it. */
export function startUnpin(
  state: FailoverState,
  attempt: Attempt,
  settings: FailoverCoreSettings,
  now: number,
): Decision {
  const parties = {
    primary: state.primaryId ?? attempt.health.primary.id,
    target: state.activeTarget ?? 'secondary',
  };
  const incident = state.incident ?? {
    id: `${state.component}-${attempt.eventId}`,
    component: state.component,
    kind: 'failover' as const,
    trigger: attempt.trigger,
    reason: attempt.reason,
    from: parties.primary,
    to: parties.target,
    detectedAt: now,
    decidedAt: now,
    status: 'switched' as const,
    actions: [],
  };
  return start({ state, attempt, kind: 'unpin', parties, incident, settings, now, checks: [] });
}
