import { type Concluded, type GuardedRunDeps, runGuarded } from '../runs/guarded-run';
import type { RunRecord } from '../runs/record';
import type { Command, DecisionInput, Verdict } from './decision';
import { deferral } from './deferral';
import { execute, type FailoverRun, type NotificationRecord, saveOwn } from './execution';
import type { GuardCheck } from './guards';
import { decide } from './machine';
import {
  type FailoverActions,
  FailoverPersistenceError,
  type FailoverStateStore,
  type HealthObserver,
  type Notifier,
  StateConflictError,
} from './ports';
import type { FailoverCoreSettings } from './settings';
import {
  type ActionRecord,
  type Component,
  type FailoverAction,
  type FailoverState,
  type HealthSnapshot,
  type HealthVerdict,
  initialState,
  type Phase,
} from './types';

/** What the failover function is invoked with; `id` is unique per delivery-independent event. */
export type FailoverEvent =
  | {
      readonly kind: 'health';
      readonly id: string;
      readonly component: Component;
      readonly health: HealthSnapshot;
      /** When the component was seen this way (the health round of a verdict). @default the decision's time */
      readonly observedAt?: number;
      /** The health engine's verdict, when the event is one. */
      readonly verdict?: HealthVerdict;
    }
  | {
      readonly kind: 'alarm';
      readonly id: string;
      readonly component: Component;
      readonly alarmName: string;
      readonly alarmState: 'ALARM' | 'OK';
    }
  | {
      readonly kind: 'command';
      readonly id: string;
      readonly component: Component;
      readonly command: Command;
      readonly dryRun: boolean;
      readonly reason: string;
      readonly requestedBy: string;
      readonly target?: string;
    };

/** Everything the service needs from the outside world; build once per Lambda container. */
export interface FailoverDeps {
  readonly store: FailoverStateStore;
  readonly actions: FailoverActions;
  readonly observer: HealthObserver;
  readonly notifier: Notifier;
  /** The event record, the component's lease and the waits of a busy lease. */
  readonly run: GuardedRunDeps;
  /** This run's identity for the lease (the Lambda request id). */
  readonly owner: string;
  /** The time during execution; actions take long enough for it to matter. */
  readonly clock: () => number;
}

/**
 * How the event was handled:
 * - `duplicate`: the event id was already handled (or another run is handling it); nothing was done;
 * - `busy`: another run holds the component (lock or operation lease); the event is retried;
 * - `deferred`: another run's operation holds the component and serves what the event asks
 *   (a scheduled observation, a verdict that changes nothing); the event is done (see `deferral`);
 * - `conflict`: another run changed the state between read and write; nothing was done; retried;
 * - `failed`: the run could not do its work (a read, a save, the coordination); retried;
 * - `decided`: the decision was saved; no operation ran (see `verdict` and `checks`);
 * - `executed`: an operation ran; `executed` lists every step and `verdict` how it ended;
 * - `dry-run`: the plan a command would run; nothing executed, nothing saved.
 */
export type FailoverStatus =
  | 'duplicate'
  | 'busy'
  | 'deferred'
  | 'conflict'
  | 'failed'
  | 'decided'
  | 'executed'
  | 'dry-run';

/** The service's answer, for the handler to log and the admin API to return. */
export interface FailoverResult {
  readonly status: FailoverStatus;
  readonly component: Component;
  readonly eventId: string;
  readonly verdict?: Verdict;
  readonly reason: string;
  readonly plan: readonly FailoverAction[];
  readonly checks: readonly GuardCheck[];
  readonly phase?: Phase;
  readonly incidentId?: string;
  readonly executed: readonly ActionRecord[];
  readonly notifications: readonly NotificationRecord[];
  /** How the run ended; `event: 'retry'` fails the invocation so the event is delivered again. */
  readonly record: RunRecord;
}

/** What the engine did, before the run record. */
type Handled = Omit<FailoverResult, 'record'>;

function toInput(event: FailoverEvent, health: HealthSnapshot): DecisionInput {
  switch (event.kind) {
    case 'health':
      return {
        kind: 'health',
        eventId: event.id,
        health,
        ...(event.observedAt === undefined ? {} : { observedAt: event.observedAt }),
        ...(event.verdict ? { verdict: event.verdict } : {}),
      };
    case 'alarm':
      return {
        kind: 'alarm',
        eventId: event.id,
        alarmName: event.alarmName,
        alarmState: event.alarmState,
        health,
      };
    case 'command':
      return {
        kind: 'command',
        eventId: event.id,
        command: event.command,
        dryRun: event.dryRun,
        reason: event.reason,
        requestedBy: event.requestedBy,
        ...(event.target ? { target: event.target } : {}),
        health,
      };
  }
}

/**
 * Handles one failover event end to end under the control plane's guarantees (`runGuarded`):
 * claims the event (a redelivery does nothing; a failed run releases it for the retry), takes the
 * component's lease (waiting a little for a busy one, then releasing the event for the retry,
 * unless the operation holding it serves the event: {@link deferral}),
 * loads the state, decides, saves the decision with a conditional write, then runs the plan step
 * by step, saving progress, and saves the verified outcome. Never throws: every run ends in a
 * record, and a run whose work is not done (busy, conflict, failure) asks for a redelivery.
 */
export async function handleFailoverEvent(
  deps: FailoverDeps,
  event: FailoverEvent,
  settings: FailoverCoreSettings,
  now: number,
  deadline: number,
): Promise<FailoverResult> {
  const component = event.component;
  const empty = { component, eventId: event.id, plan: [], checks: [], executed: [], notifications: [] };
  const guarded = await runGuarded(
    deps.run,
    {
      fn: 'failover',
      eventKey: `failover#${component}#${event.id}`,
      runId: deps.owner,
      deadline,
      lock: { name: `failover#${component}`, leaseMs: settings.operationLeaseSeconds * 1000 },
      // A dry run saves nothing and acts on nothing: repeating one is harmless.
      repeatable: event.kind === 'command' && event.dryRun,
      whenBusy: async () => {
        const state = await deps.store.load(component);
        const reason = deferral(event, state, deps.clock());
        if (reason === undefined) return undefined;
        const value: Handled = {
          ...empty,
          status: 'deferred',
          reason,
          ...(state ? { phase: state.phase } : {}),
        };
        return { status: 'skipped', reason, retry: false, value };
      },
    },
    async () => conclude(await handleLocked(deps, event, settings, now)),
  );
  const { record } = guarded;
  if (guarded.value !== undefined) return { ...guarded.value, record };
  const status = record.status === 'failed' ? 'failed' : record.event === 'retry' ? 'busy' : 'duplicate';
  return { ...empty, status, reason: record.reason, record };
}

/** The run record's view of a result: a run whose decision is void or unsaved is retried. */
function conclude(result: Handled): Concluded<Handled> {
  switch (result.status) {
    case 'conflict':
      return { status: 'skipped', reason: `conflict: ${result.reason}`, retry: true, value: result };
    case 'executed':
      return {
        status: result.verdict === 'failed' ? 'failed' : 'acted',
        reason: result.reason,
        retry: false,
        value: result,
      };
    default:
      return { status: 'decided', reason: result.reason, retry: false, value: result };
  }
}

/** The engine's part of a run, inside the component's lease and the event's record. */
async function handleLocked(
  deps: FailoverDeps,
  event: FailoverEvent,
  settings: FailoverCoreSettings,
  now: number,
): Promise<Handled> {
  const component = event.component;
  const empty = { component, eventId: event.id, plan: [], checks: [], executed: [], notifications: [] };
  const dryRun = event.kind === 'command' && event.dryRun;
  const stored = (await deps.store.load(component)) ?? initialState(component, now);
  if (!dryRun && stored.operation === undefined && stored.concludedOperationId === event.id)
    return {
      ...empty,
      status: 'decided' as const,
      verdict: 'unchanged' as const,
      reason: `operation ${event.id} already concluded: an earlier run saved its outcome`,
      phase: stored.phase,
    };
  const health = event.kind === 'health' ? event.health : await deps.observer.observe(component);
  const decision = decide(stored, toInput(event, health), settings, now);
  const summary = {
    ...empty,
    verdict: decision.verdict,
    reason: decision.reason,
    plan: decision.plan,
    checks: decision.checks,
    phase: decision.wouldBe ?? decision.next.phase,
    ...(decision.next.incident ? { incidentId: decision.next.incident.id } : {}),
  };
  if (dryRun) return { ...summary, status: 'dry-run' as const };
  let saved = stored;
  if (decision.next !== stored) {
    try {
      saved = await deps.store.save(decision.next, stored.version);
    } catch (error) {
      if (error instanceof StateConflictError) return { ...summary, status: 'conflict' as const };
      throw error;
    }
  }
  const run: FailoverRun = { deps, settings, component };
  // A flapping episode can close with any decision; a failover's incident closes with its outcome.
  if (decision.closedIncident) await deps.store.recordIncident(decision.closedIncident, now);
  if (decision.verdict !== 'started') {
    const notifications = await execute(run, saved, decision.plan).then((r) => r.notifications);
    return { ...summary, status: 'decided' as const, notifications };
  }
  const progress = await execute(run, saved, decision.plan);
  const operationId = saved.operation?.id ?? event.id;
  const outcome = decide(
    progress.state,
    { kind: 'outcome', operationId, results: progress.executed },
    settings,
    deps.clock(),
  );
  let final = progress.state;
  try {
    final = await saveOwn(deps.store, outcome.next, progress.state.version, operationId);
  } catch (error) {
    // A write that timed out may have landed: if so the outcome is saved, and failing the run
    // would have its retry repeat an operation that already ran.
    const landed = await outcomeLanded(deps.store, component, progress.state.version, operationId);
    if (landed !== undefined) return finish(landed);
    await execute(run, final, [
      {
        kind: 'notify',
        severity: 'critical',
        subject: `${component}: failover outcome not saved`,
        message: `${outcome.reason}. The lease of ${operationId} expires and the next run verifies the component.`,
      },
    ]);
    throw new FailoverPersistenceError(component, operationId, { cause: error });
  }
  return finish(final);

  async function finish(final: FailoverState): Promise<Handled> {
    // The outcome is saved: a lost audit copy of the incident must not make the run repeat it.
    const audit = outcome.closedIncident
      ? await deps.store.recordIncident(outcome.closedIncident, deps.clock()).then(
          () => [],
          (error: unknown): FailoverAction[] => [
            {
              kind: 'notify',
              severity: 'warning',
              subject: `${component}: incident ${outcome.closedIncident!.id} not kept in the audit trail`,
              message: `The outcome of ${operationId} is saved, but its incident could not be recorded: ${error instanceof Error ? error.message : String(error)}.`,
            },
          ],
        )
      : [];
    const alerts = await execute(run, final, [...outcome.plan, ...audit]);
    return {
      ...summary,
      status: 'executed' as const,
      verdict: outcome.verdict,
      reason: `${decision.reason}: ${outcome.reason}`,
      phase: final.phase,
      executed: progress.executed,
      notifications: [...progress.notifications, ...alerts.notifications],
    };
  }
}

/** The stored state when it is past `version` and no longer runs `operationId`: the outcome landed. */
async function outcomeLanded(
  store: FailoverStateStore,
  component: Component,
  version: number,
  operationId: string,
): Promise<FailoverState | undefined> {
  const current = await store.load(component).catch(() => undefined);
  if (current === undefined || current.version <= version || current.operation?.id === operationId)
    return undefined;
  return current;
}
