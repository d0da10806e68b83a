import type { ComponentHealth } from '../health/rollup';
import type { Incident } from './incident';
import type { Notification } from './notification';
import { type AlertDecision, type AlertTiming, decideAlert, routeAlerts } from './router';
import type { Hold, Silence } from './silences';

/** Where incidents live (the state table). Writes are conditional on the version read. */
export interface IncidentStore {
  /** The current incident (open, or the last resolved one) of each component that has one. */
  loadCurrent(components: readonly string[]): Promise<Map<string, Incident>>;
  /**
   * Stores `incident` with version `(expectedVersion ?? 0) + 1` if the stored one still has
   * `expectedVersion` (`undefined`: none stored). Resolving also records it in the history.
   * @returns false when another writer got there first.
   */
  save(incident: Incident, expectedVersion: number | undefined): Promise<boolean>;
}

/** Silences and holds in force (the admin API and the failover and scaling engines write them). */
export interface AlertRules {
  activeSilences(now: number): Promise<Silence[]>;
  activeHolds(now: number): Promise<Hold[]>;
}

/** Sends a notification on its way (an SNS topic per severity). */
export interface Notifier {
  publish(notification: Notification): Promise<void>;
}

/** The ports alert routing uses. */
export interface AlertDeps {
  readonly incidents: IncidentStore;
  readonly rules: AlertRules;
  readonly notifier: Notifier;
}

/** What routing did this round. */
export interface AlertReport {
  readonly sent: readonly Notification[];
  /** Components whose alerts are silenced, inhibited or held right now. */
  readonly suppressed: readonly { component: string; by: string; ref: string }[];
  /** Problems that did not stop the round: lost write races, publish failures. */
  readonly errors: readonly string[];
}

const MAX_ATTEMPTS = 3;

/**
 * Routes the round's component health into incidents and notifications. Each incident is saved
 * before its notification is published, so two overlapping invocations cannot both send it; a
 * lost write race is retried by re-reading and deciding again; a failed publish puts the
 * incident back as it was, so the next round sends it again (at least once, never silently lost).
 */
export async function routeComponentAlerts(
  deps: AlertDeps,
  components: readonly ComponentHealth[],
  timing: AlertTiming,
  labels: Readonly<Record<string, string>>,
  now: number,
): Promise<AlertReport> {
  const ids = components.map((c) => c.component);
  const [current, silences, holds] = await Promise.all([
    deps.incidents.loadCurrent(ids),
    deps.rules.activeSilences(now),
    deps.rules.activeHolds(now),
  ]);
  const context = { now, components, silences, holds, timing, labels };
  const sent: Notification[] = [];
  const errors: string[] = [];
  const suppressed: AlertReport['suppressed'][number][] = [];

  for (const first of routeAlerts(current, context)) {
    let decision = first;
    let previous = current.get(decision.component);
    let saved = decision.incident === undefined;
    try {
      for (let attempt = 1; !saved && attempt <= MAX_ATTEMPTS; attempt++) {
        saved = await deps.incidents.save(decision.incident!, decision.expectedVersion);
        if (saved || attempt === MAX_ATTEMPTS) break;
        previous = (await deps.incidents.loadCurrent([decision.component])).get(decision.component);
        const health = components.find((c) => c.component === decision.component)!;
        decision = decideAlert(health, previous, context);
        if (decision.incident === undefined) saved = true;
      }
    } catch (error) {
      errors.push(`${decision.component}: incident not saved: ${(error as Error).message}`);
      continue;
    }
    if (!saved) {
      errors.push(`${decision.component}: incident not saved after ${MAX_ATTEMPTS} conflicting writes`);
      continue;
    }
    const suppression = decision.incident?.suppressed;
    if (suppression)
      suppressed.push({ component: decision.component, by: suppression.by, ref: suppression.ref });
    if (decision.notification === undefined) continue;
    try {
      await deps.notifier.publish(decision.notification);
      sent.push(decision.notification);
    } catch (error) {
      errors.push(
        `${decision.component}: ${decision.notification.kind} not sent: ${(error as Error).message}`,
      );
      if (!(await restore(deps.incidents, decision, previous))) {
        errors.push(`${decision.component}: could not mark the notification for a retry`);
      }
    }
  }
  return { sent, suppressed, errors };
}

/** Puts the incident back as if the notification had not been decided, so the next round retries. */
async function restore(store: IncidentStore, decision: AlertDecision, previous: Incident | undefined) {
  const incident = decision.incident!;
  const savedVersion = (decision.expectedVersion ?? 0) + 1;
  const sameIncident = previous?.id === incident.id && previous.state === 'open';
  let rollback: Incident;
  if (incident.state === 'resolved' && sameIncident) rollback = previous;
  else {
    const { notified: _, ...rest } = incident;
    rollback = sameIncident && previous.notified ? { ...rest, notified: previous.notified } : rest;
  }
  try {
    return await store.save(rollback, savedVersion);
  } catch {
    return false;
  }
}
