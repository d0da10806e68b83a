import { type EventLedger, type Lock, withLock } from '../coordination';
import type { Command, DecisionInput, Verdict } from './decision';
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
  readonly lock: Lock;
  readonly ledger: EventLedger;
  /** This run's identity for the lease (the Lambda request id). */
  readonly owner: string;
  /** The time during execution; actions take long enough for it to matter. */
  readonly clock: () => number;
}

/**
 * How the event was handled:
 * - `duplicate`: the event id was already handled; nothing was done;
 * - `busy`: another run holds the component (lock or operation lease); retry later;
 * - `conflict`: another run changed the state between read and write; nothing was done;
 * - `decided`: the decision was saved; no operation ran (see `verdict` and `checks`);
 * - `executed`: an operation ran; `executed` lists every step and `verdict` how it ended;
 * - `dry-run`: the plan a command would run; nothing executed, nothing saved.
 */
export type FailoverStatus = 'duplicate' | 'busy' | 'conflict' | 'decided' | 'executed' | 'dry-run';

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
}

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
 * Handles one failover event end to end: takes the component's lock, claims the event (a
 * redelivery does nothing), loads the state, decides, saves the decision with a conditional
 * write, then runs the plan step by step, saving progress, and saves the verified outcome.
 * The lock is taken before the claim so an event refused as `busy` can be delivered again.
 * @throws {FailoverPersistenceError} when an operation ran but its outcome could not be saved.
 */
export async function handleFailoverEvent(
  deps: FailoverDeps,
  event: FailoverEvent,
  settings: FailoverCoreSettings,
  now: number,
): Promise<FailoverResult> {
  const component = event.component;
  const empty = { component, eventId: event.id, plan: [], checks: [], executed: [], notifications: [] };
  const dryRun = event.kind === 'command' && event.dryRun;
  const leaseMs = settings.operationLeaseSeconds * 1000;
  const locked = await withLock(deps.lock, `failover#${component}`, deps.owner, leaseMs, now, async () => {
    const claimed =
      dryRun ||
      (await deps.ledger.claim(
        `failover#${component}#${event.id}`,
        now,
        settings.eventRetentionSeconds * 1000,
      ));
    if (!claimed)
      return { ...empty, status: 'duplicate' as const, reason: `event ${event.id} already handled` };
    const stored = (await deps.store.load(component)) ?? initialState(component, now);
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
      if (outcome.closedIncident) await deps.store.recordIncident(outcome.closedIncident, deps.clock());
    } catch (error) {
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
    const alerts = await execute(run, final, outcome.plan);
    return {
      ...summary,
      status: 'executed' as const,
      verdict: outcome.verdict,
      reason: `${decision.reason}: ${outcome.reason}`,
      phase: final.phase,
      executed: progress.executed,
      notifications: [...progress.notifications, ...alerts.notifications],
    };
  });
  if (!locked.acquired)
    return { ...empty, status: 'busy', reason: `another run holds failover#${component}` };
  return locked.result;
}
