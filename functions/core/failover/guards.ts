import type { FailoverCoreSettings } from './settings';
import type { Component, FailoverState, HealthSnapshot, OperationKind, TargetHealth } from './types';

/** The guards a decision passes through; every blocked decision names the one that stopped it. */
export type GuardName =
  | 'lock'
  | 'target-healthy'
  | 'replica-lag'
  | 'standby-capacity'
  | 'primary-healthy'
  | 'min-interval'
  | 'hourly-limit'
  | 'automation-halted'
  | 'test-failover-quota'
  | 'hold-down'
  | 'evidence'
  | 'flapping';

/** The verdict of one guard, in words an operator can act on. */
export interface GuardCheck {
  readonly guard: GuardName;
  readonly passed: boolean;
  readonly detail: string;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** The target's health in a snapshot, wherever its role put it; `undefined` when it is not reported. */
export function healthOf(snapshot: HealthSnapshot, id: string): TargetHealth | undefined {
  return snapshot.primary.id === id ? snapshot.primary : snapshot.standbys.find((s) => s.id === id);
}

/**
 * The pre-checks for one candidate: healthy, lag within bound, enough capacity. A database
 * standby must report its lag, because promoting a reader of unknown lag can lose writes.
 */
export function preChecks(
  component: Component,
  candidate: TargetHealth,
  current: TargetHealth | undefined,
  settings: FailoverCoreSettings,
): GuardCheck[] {
  const checks: GuardCheck[] = [
    {
      guard: 'target-healthy',
      passed: candidate.healthy,
      detail: `${candidate.id} is ${candidate.healthy ? 'healthy' : 'unhealthy'}`,
    },
  ];
  const lag = candidate.replicaLagSeconds;
  if (lag !== undefined || component === 'database') {
    // Stryker disable next-line ConditionalExpression: equivalent, kept for the type: `undefined >= 0` is false too.
    const measured = lag !== undefined;
    checks.push({
      guard: 'replica-lag',
      passed: measured && lag >= 0 && lag <= settings.maxReplicaLagSeconds,
      detail: lagDetail(candidate, settings),
    });
  }
  if (current?.capacity !== undefined) {
    const needed = current.capacity * settings.standbyCapacityFraction;
    const capacity = candidate.capacity;
    // Stryker disable next-line ConditionalExpression: equivalent, kept for the type: `undefined >= needed` is false too.
    const known = capacity !== undefined;
    checks.push({
      guard: 'standby-capacity',
      passed: known && capacity >= needed,
      detail: `${candidate.id} has capacity ${candidate.capacity ?? 'unknown'}, needs ${needed} (${settings.standbyCapacityFraction} of ${current.capacity})`,
    });
  }
  return checks;
}

/**
 * The lag verdict in words. Unknown lag (no datapoint, a stale or partial one) and a negative lag
 * (Aurora reports -1 for a reader that is not replicating) are not measurements: they fail closed.
 */
function lagDetail(candidate: TargetHealth, settings: FailoverCoreSettings): string {
  const lag = candidate.replicaLagSeconds;
  if (lag === undefined)
    return `${candidate.id} reports no replica lag${candidate.replicaLagProblem ? ` (${candidate.replicaLagProblem})` : ''}: unknown, refused`;
  if (lag < 0) return `${candidate.id} reports a negative replica lag (${lag}s): not a measurement, refused`;
  return `${candidate.id} lags ${lag}s (bound ${settings.maxReplicaLagSeconds}s)`;
}

/** A chosen standby, or the checks that ruled every candidate out. */
export type TargetChoice =
  | { readonly target: TargetHealth; readonly checks: readonly GuardCheck[] }
  | { readonly target: undefined; readonly checks: readonly GuardCheck[] };

/**
 * Picks the standby to fail over to: the requested one if it passes the pre-checks, otherwise
 * the passing one with the lowest replica lag. Never a standby that fails any pre-check.
 */
export function chooseTarget(
  component: Component,
  snapshot: HealthSnapshot,
  settings: FailoverCoreSettings,
  requested?: string,
): TargetChoice {
  const candidates = requested ? snapshot.standbys.filter((s) => s.id === requested) : snapshot.standbys;
  if (candidates.length === 0) {
    const detail = requested
      ? `${requested} is not a standby of ${component}`
      : `${component} has no standby`;
    return { target: undefined, checks: [{ guard: 'target-healthy', passed: false, detail }] };
  }
  const evaluated = candidates.map((candidate) => ({
    candidate,
    checks: preChecks(component, candidate, snapshot.primary, settings),
  }));
  const passing = evaluated
    .filter((e) => e.checks.every((c) => c.passed))
    .sort((a, b) => (a.candidate.replicaLagSeconds ?? 0) - (b.candidate.replicaLagSeconds ?? 0));
  const best = passing[0];
  if (best) return { target: best.candidate, checks: best.checks };
  return { target: undefined, checks: evaluated.flatMap((e) => e.checks.filter((c) => !c.passed)) };
}

/** What the rate guards need to know about the operation being considered. */
export interface RateQuery {
  readonly kind: OperationKind;
  readonly automatic: boolean;
  /** ElastiCache `TestFailover` calls the plan makes. */
  readonly testFailoverCalls: number;
}

/**
 * Rate guards from the persisted history: the automatic hourly limit (and the halt it leaves
 * behind), the minimum time between switches for automatic failovers and drills, and
 * ElastiCache's rolling 24-hour `TestFailover` quota.
 */
export function rateChecks(
  state: FailoverState,
  query: RateQuery,
  settings: FailoverCoreSettings,
  now: number,
): GuardCheck[] {
  const checks: GuardCheck[] = [];
  const switchesAway = state.history.filter((h) => h.kind !== 'failback');
  if (query.automatic) {
    checks.push({
      guard: 'automation-halted',
      passed: state.automationHaltedAt === undefined,
      detail:
        state.automationHaltedAt === undefined
          ? 'automation is armed'
          : `automation halted at ${new Date(state.automationHaltedAt).toISOString()} until an operator acts`,
    });
  }
  if (query.automatic && query.kind === 'failover') {
    const lastHour = switchesAway.filter((h) => h.automatic && h.at > now - HOUR_MS).length;
    checks.push({
      guard: 'hourly-limit',
      passed: lastHour < settings.maxAutomaticFailoversPerHour,
      detail: `${lastHour} automatic failovers in the last hour (limit ${settings.maxAutomaticFailoversPerHour})`,
    });
  }
  if ((query.automatic && query.kind === 'failover') || query.kind === 'drill') {
    // Never closer than the hold-down either: a manual failback skips the hold-down, and the next
    // automatic failover must not turn that into a bounce.
    const minimum = Math.max(settings.minSecondsBetweenFailovers, settings.holdDownSeconds);
    const last = Math.max(-Infinity, ...switchesAway.map((h) => h.at));
    const elapsed = now - last;
    checks.push({
      guard: 'min-interval',
      passed: elapsed >= minimum * 1000,
      detail: Number.isFinite(last)
        ? `last switch ${Math.floor(elapsed / 1000)}s ago (minimum ${minimum}s)`
        : 'no earlier switch',
    });
  }
  if (query.testFailoverCalls > 0) {
    const used = state.history
      .filter((h) => h.at > now - DAY_MS)
      .reduce((sum, h) => sum + h.testFailoverCalls, 0);
    checks.push({
      guard: 'test-failover-quota',
      passed: used + query.testFailoverCalls <= settings.maxTestFailoversPer24Hours,
      detail: `${used} ElastiCache TestFailover calls in the last 24 h, ${query.testFailoverCalls} more planned (limit ${settings.maxTestFailoversPer24Hours})`,
    });
  }
  return checks;
}

/** Hold-down before an automatic failback: enough consecutive healthy checks and enough time. */
export function holdDownCheck(state: FailoverState, settings: FailoverCoreSettings, now: number): GuardCheck {
  const since = state.primaryHealthySince;
  const healthyMs = since === undefined ? 0 : now - since;
  const passed =
    state.primarySuccesses >= settings.recoveryConsecutiveChecks &&
    healthyMs >= settings.holdDownSeconds * 1000;
  return {
    guard: 'hold-down',
    passed,
    detail: `primary healthy for ${state.primarySuccesses} checks over ${Math.floor(healthyMs / 1000)}s (needs ${settings.recoveryConsecutiveChecks} checks and ${settings.holdDownSeconds}s)`,
  };
}

/** Drops history older than the longest window any guard looks at. */
export function pruneHistory(history: FailoverState['history'], now: number): FailoverState['history'] {
  return history.filter((h) => h.at > now - DAY_MS);
}
