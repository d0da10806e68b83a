import type { DecisionInput } from '../../../../functions/core/failover/decision';
import {
  type FailoverCoreSettings,
  resolveFailoverSettings,
} from '../../../../functions/core/failover/settings';
import type {
  ActionOutcome,
  ActionRecord,
  Component,
  FailoverAction,
  FailoverState,
  HealthSnapshot,
  Operation,
  TargetHealth,
} from '../../../../functions/core/failover/types';
import { initialState } from '../../../../functions/core/failover/types';

/** Settings for tests: threshold 2, short windows, auto failback on unless overridden. */
export function testSettings(overrides: Partial<FailoverCoreSettings> = {}): FailoverCoreSettings {
  return resolveFailoverSettings({
    failureThreshold: 2,
    recoveryConsecutiveChecks: 3,
    holdDownSeconds: 60,
    minSecondsBetweenFailovers: 120,
    minUnhealthySeconds: 10,
    maxAutomaticFailoversPerHour: 2,
    autoFailback: true,
    ...overrides,
  });
}

export const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

/** A database snapshot: writer `db-1`, readers `db-2` (lag 1 s) and `db-3` (lag 4 s), all size 2. */
export function dbHealth(
  options: { primary?: Partial<TargetHealth>; standbys?: TargetHealth[]; primaryId?: string } = {},
): HealthSnapshot {
  return {
    primary: { id: options.primaryId ?? 'db-1', healthy: true, capacity: 2, ...options.primary },
    standbys: options.standbys ?? [
      { id: 'db-2', healthy: true, replicaLagSeconds: 1, capacity: 2 },
      { id: 'db-3', healthy: true, replicaLagSeconds: 4, capacity: 2 },
    ],
  };
}

/** DNS: the primary endpoint and the secondary record. */
export function dnsHealth(primaryHealthy: boolean, secondaryHealthy = true): HealthSnapshot {
  return {
    primary: { id: 'primary', healthy: primaryHealthy },
    standbys: [{ id: 'secondary', healthy: secondaryHealthy }],
  };
}

/** Cache: primary node `c-001`, replica `c-002`. */
export function cacheHealth(primaryHealthy = true, primary = 'c-001', replica = 'c-002'): HealthSnapshot {
  return { primary: { id: primary, healthy: primaryHealthy }, standbys: [{ id: replica, healthy: true }] };
}

export const health = (eventId: string, snapshot: HealthSnapshot): DecisionInput => ({
  kind: 'health',
  eventId,
  health: snapshot,
});

export const command = (
  eventId: string,
  cmd: 'failover' | 'failback' | 'drill',
  snapshot: HealthSnapshot,
  extra: { dryRun?: boolean; target?: string } = {},
): DecisionInput => ({
  kind: 'command',
  eventId,
  command: cmd,
  dryRun: extra.dryRun ?? false,
  reason: 'test',
  requestedBy: 'sre@example.com',
  ...(extra.target ? { target: extra.target } : {}),
  health: snapshot,
});

/** Records for a plan where every step succeeds, one second each from `start`. */
export function allSucceed(plan: readonly FailoverAction[], start: number): ActionRecord[] {
  return plan
    .filter((a) => a.kind !== 'notify')
    .map((action, i) => ({
      action,
      startedAt: start + i * 1000,
      finishedAt: start + (i + 1) * 1000,
      outcome: { ok: true },
    }));
}

/** Records where step `failAt` fails with `outcome` and later steps are skipped. */
export function failAt(
  plan: readonly FailoverAction[],
  start: number,
  failIndex: number,
  outcome: ActionOutcome,
): ActionRecord[] {
  return allSucceed(plan, start).map((r, i) => {
    if (i < failIndex) return r;
    if (i === failIndex) return { ...r, outcome };
    return {
      ...r,
      outcome: { ok: false as const, failure: 'skipped' as const, message: 'an earlier step failed' },
    };
  });
}

/** An operator's database failover db-1 → db-2 in progress since T0, its lease 15 minutes long. */
export function operationOf(overrides: Partial<Operation> = {}): Operation {
  return {
    id: 'cmd-1',
    kind: 'failover',
    automatic: false,
    from: 'primary',
    startedAt: T0,
    leaseUntil: T0 + 900_000,
    target: 'db-2',
    primary: 'db-1',
    plan: [],
    switchSteps: 0,
    invertsHealthCheck: false,
    resumed: false,
    results: [],
    ...overrides,
  };
}

export function stateOf(component: Component, overrides: Partial<FailoverState> = {}): FailoverState {
  return { ...initialState(component, T0), ...overrides };
}

export const resourceSteps = (plan: readonly FailoverAction[]) => plan.filter((a) => a.kind !== 'notify');
export const alerts = (plan: readonly FailoverAction[]) =>
  plan.filter((a): a is Extract<FailoverAction, { kind: 'notify' }> => a.kind === 'notify');
