import type { ComponentHealth } from '../health/rollup';
import { type Incident, openIncident, severityOf } from './incident';
import {
  humanDuration,
  type Notification,
  type NotificationKind,
  SEVERITY_RANK,
  type Severity,
  type Suppression,
} from './notification';
import { type AlertLabels, activeHold, activeSilence, type Hold, type Silence } from './silences';

/** How often an open incident may be re-sent. */
export interface AlertTiming {
  /** Changes other than an escalation wait at least this long after the last notification. */
  readonly groupIntervalMs: number;
  /** An unchanged open incident is re-sent after this long. */
  readonly repeatIntervalMs: number;
}

/** Everything routing needs besides the component and its current incident. */
export interface AlertContext {
  readonly now: number;
  /** Every component this round, for inhibition by a `down` dependency. */
  readonly components: readonly ComponentHealth[];
  readonly silences: readonly Silence[];
  readonly holds: readonly Hold[];
  readonly timing: AlertTiming;
  /** Labels on every alert, e.g. `{ platform: 'misybot', stage: 'prod' }`. */
  readonly labels: Readonly<Record<string, string>>;
}

/** What to do for one component: the incident to save (if any) and the notification to send. */
export interface AlertDecision {
  readonly component: string;
  readonly incident?: Incident;
  /** The version the stored incident must still have; `undefined` when none was stored. */
  readonly expectedVersion?: number;
  readonly notification?: Notification;
}

/** Decides every component's alert from its health and its current (open or last) incident. */
export function routeAlerts(current: ReadonlyMap<string, Incident>, context: AlertContext): AlertDecision[] {
  return context.components.map((health) => decideAlert(health, current.get(health.component), context));
}

/**
 * One component's decision. A component leaving `healthy` opens an incident; more bad rounds
 * update it; `healthy` resolves it, sending "resolved" only if the opening was sent (or a summary
 * if it was held). `unknown` changes nothing: no verdict is no evidence of recovery.
 */
export function decideAlert(
  health: ComponentHealth,
  current: Incident | undefined,
  context: AlertContext,
): AlertDecision {
  const { now } = context;
  const component = health.component;
  const expectedVersion = current?.version;
  const open = current?.state === 'open' ? current : undefined;

  if (health.status === 'unknown' || (health.status === 'healthy' && open === undefined))
    return { component };
  if (health.status === 'healthy' && open) {
    const { suppressed: _, ...rest } = open;
    const resolved: Incident = { ...rest, state: 'resolved', resolvedAt: now, updatedAt: now };
    if (open.notified) return send(resolved, 'resolved', open.notified.severity, expectedVersion, context);
    if (open.held) return send(resolved, 'held-summary', 'info', expectedVersion, context);
    return { component, incident: resolved, expectedVersion };
  }

  const base: Incident = open
    ? {
        ...open,
        status: health.status,
        severity: severityOf(health.status),
        updatedAt: now,
        occurrences: open.occurrences + 1,
        reasons: health.reasons,
        checks: health.checks,
      }
    : openIncident(component, health.status, health.reasons, health.checks, now, current?.version ?? 0);

  const suppression = suppressionFor(health, base, context);
  if (suppression) {
    const held =
      suppression.by === 'hold'
        ? {
            reasons: [...new Set([...(base.held?.reasons ?? []), suppression.ref])],
            since: base.held?.since ?? now,
            rounds: (base.held?.rounds ?? 0) + 1,
          }
        : base.held;
    return {
      component,
      incident: { ...base, suppressed: suppression, ...(held ? { held } : {}) },
      expectedVersion,
    };
  }
  const { suppressed: _, ...incident } = base;
  const kind = kindToSend(incident, context);
  if (kind === undefined) return { component, incident, expectedVersion };
  const peak = incident.notified ?? { severity: incident.severity };
  const severity =
    SEVERITY_RANK[incident.severity] > SEVERITY_RANK[peak.severity] ? incident.severity : peak.severity;
  return send(incident, kind, severity, expectedVersion, context);
}

function kindToSend(incident: Incident, { now, timing }: AlertContext): NotificationKind | undefined {
  const last = incident.notified;
  if (last === undefined) return 'opened';
  if (SEVERITY_RANK[incident.severity] > SEVERITY_RANK[last.severity]) return 'escalated';
  const changed = incident.status !== last.status || incident.reasons.join('\n') !== last.reasons.join('\n');
  if (changed && now - last.at >= timing.groupIntervalMs) return 'updated';
  if (now - last.at >= timing.repeatIntervalMs) return 'reminder';
  return undefined;
}

function suppressionFor(
  health: ComponentHealth,
  incident: Incident,
  context: AlertContext,
): Suppression | undefined {
  const { now } = context;
  const carry = (by: Suppression['by'], ref: string): Suppression => {
    const previous = incident.suppressed;
    return previous?.by === by && previous.ref === ref
      ? { ...previous, rounds: previous.rounds + 1 }
      : { by, ref, since: now, rounds: 1 };
  };
  const inhibitor = downDependency(health.component, context.components);
  if (inhibitor) return carry('inhibition', inhibitor);
  const labels: AlertLabels = {
    ...context.labels,
    component: health.component,
    severity: incident.severity,
    status: health.status,
    check: health.checks.filter((check) => check.status !== 'healthy').map((check) => check.checkId),
  };
  const silence = activeSilence(context.silences, labels, now);
  if (silence) return carry('silence', silence.id);
  const hold = activeHold(context.holds, health.component, now);
  if (hold) return carry('hold', hold.reason);
  return undefined;
}

/** The first component this one depends on (directly or not) that is `down`. */
function downDependency(component: string, components: readonly ComponentHealth[]): string | undefined {
  const byId = new Map(components.map((c) => [c.component, c]));
  const seen = new Set<string>([component]);
  const queue = [...(byId.get(component)?.dependsOn ?? [])];
  for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
    if (seen.has(id)) continue;
    seen.add(id);
    const dependency = byId.get(id);
    if (dependency?.status === 'down') return id;
    queue.push(...(dependency?.dependsOn ?? []));
  }
  return undefined;
}

function send(
  incident: Incident,
  kind: NotificationKind,
  severity: Severity,
  expectedVersion: number | undefined,
  context: AlertContext,
): AlertDecision {
  const count = (incident.notified?.count ?? 0) + 1;
  const notification: Notification = {
    version: 1,
    id: `${incident.id}#${count}`,
    incidentId: incident.id,
    kind,
    severity,
    component: incident.component,
    status: kind === 'resolved' || kind === 'held-summary' ? 'healthy' : incident.status,
    title: title(kind, incident, context.now),
    reasons: [...incident.reasons],
    checks: incident.checks.map(({ critical: _, ...check }) => check),
    openedAt: new Date(incident.openedAt).toISOString(),
    at: new Date(context.now).toISOString(),
    ...(incident.resolvedAt === undefined
      ? {}
      : {
          resolvedAt: new Date(incident.resolvedAt).toISOString(),
          durationMs: incident.resolvedAt - incident.openedAt,
        }),
    ...(incident.held
      ? {
          held: {
            reasons: [...incident.held.reasons],
            since: new Date(incident.held.since).toISOString(),
            rounds: incident.held.rounds,
          },
        }
      : {}),
    labels: { ...context.labels },
  };
  const notified = { at: context.now, severity, status: incident.status, reasons: incident.reasons, count };
  return {
    component: incident.component,
    incident: { ...incident, notified },
    expectedVersion,
    notification,
  };
}

function title(kind: NotificationKind, incident: Incident, now: number): string {
  const { component, status } = incident;
  const lasted = humanDuration((incident.resolvedAt ?? now) - incident.openedAt);
  switch (kind) {
    case 'opened':
      return `${component} is ${status}`;
    case 'escalated':
      return `${component} is now ${status}`;
    case 'updated':
      return `${component} is still ${status}, what fails changed`;
    case 'reminder':
      return `${component} is still ${status} after ${lasted}`;
    case 'resolved':
      return `${component} recovered after ${lasted}`;
    case 'held-summary':
      return `${component} was ${status} for ${lasted} during ${(incident.held?.reasons ?? []).join(' and ')}; recovered without a page`;
  }
}
