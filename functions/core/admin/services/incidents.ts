import type { Incident as HealthIncident } from '../../alerting/incident';
import { summarise } from '../../failover/timeline';
import type { Incident as FailoverIncident } from '../../failover/types';
import { NotFoundError } from '../errors';
import type { AdminDeps } from '../settings';

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

/** One incident in a list: a health incident (component not healthy) or a failover timeline. */
export interface IncidentSummary {
  readonly id: string;
  readonly kind: 'health' | 'failover';
  readonly component: string;
  readonly open: boolean;
  readonly status: string;
  readonly openedAt: string;
  readonly closedAt?: string;
  readonly summary: string;
}

function healthSummary(incident: HealthIncident): IncidentSummary {
  return {
    id: incident.id,
    kind: 'health',
    component: incident.component,
    open: incident.state === 'open',
    status: `${incident.state} (${incident.severity}, ${incident.status})`,
    openedAt: iso(incident.openedAt)!,
    ...(incident.resolvedAt === undefined ? {} : { closedAt: iso(incident.resolvedAt) }),
    summary: incident.reasons.slice(0, 3).join('; ') || incident.status,
  };
}

function failoverSummary(incident: FailoverIncident): IncidentSummary {
  const closedAt =
    incident.recoveredAt ??
    (incident.totalMs === undefined ? undefined : incident.detectedAt + incident.totalMs);
  return {
    id: incident.id,
    kind: 'failover',
    component: incident.component,
    open: incident.status === 'open' || incident.status === 'switched',
    status: incident.status,
    openedAt: iso(incident.detectedAt)!,
    ...(closedAt === undefined ? {} : { closedAt: iso(closedAt) }),
    summary: `${incident.kind} ${incident.from} → ${incident.to} (${incident.trigger}: ${incident.reason})`,
  };
}

/** GET /incidents: health and failover incidents, newest first. */
export async function listIncidents(deps: AdminDeps, query: { state: 'open' | 'all'; limit: number }) {
  const components = deps.settings.health.components.map((c) => c.id);
  const [health, failover] = await Promise.all([
    deps.readModel.healthIncidents(components, query.limit),
    deps.failover.incidents(deps.settings.failoverComponents, query.limit),
  ]);
  const all = [...health.map(healthSummary), ...failover.map(failoverSummary)]
    .filter((incident) => query.state === 'all' || incident.open)
    .sort((a, b) => b.openedAt.localeCompare(a.openedAt))
    .slice(0, query.limit);
  return { incidents: all };
}

function timeline(incident: FailoverIncident) {
  return {
    ...failoverSummary(incident),
    detectedAt: iso(incident.detectedAt),
    decidedAt: iso(incident.decidedAt),
    switchedAt: iso(incident.switchedAt) ?? null,
    recoveredAt: iso(incident.recoveredAt) ?? null,
    totalMs: incident.totalMs ?? null,
    actions: incident.actions.map((record) => ({
      action: record.action,
      startedAt: iso(record.startedAt),
      finishedAt: iso(record.finishedAt),
      outcome: record.outcome,
    })),
    narrative: summarise(incident).split('\n'),
  };
}

/**
 * GET /incidents/{id}: a failover incident with its timeline, or a health incident with the
 * timelines of the failovers that started while it was open.
 */
export async function getIncident(deps: AdminDeps, id: string) {
  if (id.includes('@')) {
    const incident = await deps.readModel.healthIncident(id);
    if (!incident) throw new NotFoundError(`No incident "${id}"`);
    const until = incident.resolvedAt ?? deps.clock();
    const failovers = await deps.failover.incidents(deps.settings.failoverComponents, 50);
    return {
      ...healthSummary(incident),
      severity: incident.severity,
      occurrences: incident.occurrences,
      reasons: incident.reasons,
      checks: incident.checks,
      failovers: failovers
        .filter((f) => f.detectedAt >= incident.openedAt && f.detectedAt <= until)
        .map(timeline),
    };
  }
  const incident = await deps.failover.incident(id);
  if (!incident) throw new NotFoundError(`No incident "${id}"`);
  return timeline(incident);
}
