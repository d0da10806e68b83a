import { withProgress } from './outcome';
import { isMutation } from './plans';
import {
  type FailoverActions,
  type FailoverStateStore,
  type Notifier,
  type ResourceAction,
  StateConflictError,
} from './ports';
import type { FailoverCoreSettings } from './settings';
import type {
  ActionOutcome,
  ActionRecord,
  Component,
  FailoverAction,
  FailoverState,
  Severity,
} from './types';

/** What one run of the service works with. */
export interface FailoverRun {
  readonly deps: {
    readonly store: FailoverStateStore;
    readonly actions: FailoverActions;
    readonly notifier: Notifier;
    readonly clock: () => number;
  };
  readonly settings: FailoverCoreSettings;
  readonly component: Component;
}

/** An alert the plan asked for, and whether it went out. */
export interface NotificationRecord {
  readonly severity: Severity;
  readonly subject: string;
  readonly delivered: boolean;
  readonly error?: string;
}

/** The state after the plan ran (progress saved), each resource step, each alert. */
export interface ExecutionProgress {
  readonly state: FailoverState;
  readonly executed: readonly ActionRecord[];
  readonly notifications: readonly NotificationRecord[];
}

const message = (error: unknown) =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

/**
 * Saves a state this run owns through its operation. A conflict after a lost response (the
 * write landed, the reply did not) shows the same operation in the store: the write is retried
 * on top of it. Any other operation there means this run lost the component.
 */
export async function saveOwn(
  store: FailoverStateStore,
  state: FailoverState,
  expectedVersion: number,
  operationId: string,
): Promise<FailoverState> {
  try {
    return await store.save(state, expectedVersion);
  } catch (error) {
    if (!(error instanceof StateConflictError)) throw error;
    const current = await store.load(state.component);
    if (current?.operation?.id !== operationId) throw error;
    return store.save(state, current.version);
  }
}

async function attempt(run: FailoverRun, action: ResourceAction, deadline: number): Promise<ActionOutcome> {
  try {
    return await run.deps.actions.execute(action, deadline);
  } catch (error) {
    // An adapter that throws cannot say whether AWS accepted a change: assume it may have, so
    // the rate limits count it and the page says so.
    return { ok: false, failure: 'unknown', message: message(error), accepted: isMutation(action) };
  }
}

/**
 * After a failure no further change is made: acting on top of a half-done switch makes it
 * worse. A verification still runs while every failure so far may have been accepted (a
 * timeout on `FailoverDBCluster`), because only reading the component tells where it is.
 */
function shouldRun(action: ResourceAction, executed: readonly ActionRecord[]): boolean {
  const failures = executed.filter((r) => !r.outcome.ok);
  if (failures.length === 0) return true;
  if (isMutation(action)) return false;
  return failures.every((r) => 'accepted' in r.outcome && r.outcome.accepted);
}

/**
 * Runs a plan in order, skipping what {@link shouldRun} rules out (recorded as skipped);
 * alerts are always sent and a failed alert never fails the run. Progress is saved after each resource step, best effort,
 * so a run that dies leaves the steps it took in the incident.
 */
export async function execute(
  run: FailoverRun,
  initial: FailoverState,
  plan: readonly FailoverAction[],
): Promise<ExecutionProgress> {
  const { deps, settings } = run;
  let state = initial;
  const executed: ActionRecord[] = [];
  const notifications: NotificationRecord[] = [];
  for (const action of plan) {
    if (action.kind === 'notify') {
      const incidentId = state.incident?.id;
      try {
        await deps.notifier.send({
          component: run.component,
          severity: action.severity,
          subject: action.subject,
          message: action.message,
          ...(incidentId ? { incidentId } : {}),
        });
        notifications.push({ severity: action.severity, subject: action.subject, delivered: true });
      } catch (error) {
        notifications.push({
          severity: action.severity,
          subject: action.subject,
          delivered: false,
          error: message(error),
        });
      }
      continue;
    }
    const startedAt = deps.clock();
    if (!shouldRun(action, executed)) {
      executed.push({
        action,
        startedAt,
        finishedAt: startedAt,
        outcome: { ok: false, failure: 'skipped', message: 'an earlier step failed' },
      });
      continue;
    }
    const leaseEnd = state.operation?.leaseUntil ?? Number.POSITIVE_INFINITY;
    const deadline = Math.min(startedAt + settings.actionTimeoutSeconds * 1000, leaseEnd);
    const outcome = await attempt(run, action, deadline);
    const record: ActionRecord = { action, startedAt, finishedAt: deps.clock(), outcome };
    executed.push(record);
    const operationId = state.operation?.id;
    if (operationId) {
      const next = withProgress(state, record);
      state = await saveOwn(deps.store, next, state.version, operationId).catch(() => next);
    }
  }
  return { state, executed, notifications };
}
