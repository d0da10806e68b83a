import { type ChatMessage, chatMessages, headline } from '../views/alerts';
import { fleetSize } from '../views/platform-views';
import { scalingDecisions } from '../views/scaling-decisions';
import { type StateItem, stateItems } from '../views/state-table';
import { FAULTS } from './fault-catalogue';
import { type AuditView, auditView } from './game-day-evidence';
import type { LiveControlPlane } from './live-control-plane';

/** An incident as the page shows it. */
export interface IncidentView {
  readonly component: string;
  readonly severity: string;
  readonly state: string;
  readonly openedAt: number | undefined;
  readonly resolvedAt: number | undefined;
  readonly reasons: readonly string[];
  readonly timeline: readonly { readonly at: number; readonly what: string }[];
}

/** What `GET /api/status` returns and the page renders. */
export interface LiveStatus {
  readonly now: number;
  /** The platform's (virtual) time. */
  readonly clock: number;
  readonly upSeconds: number;
  readonly components: readonly {
    readonly component: string;
    readonly status: string;
    readonly since?: number;
  }[];
  readonly incidents: readonly IncidentView[];
  readonly scaling: {
    readonly desired: number;
    readonly inService: number;
    readonly decisions: readonly {
      readonly at: string;
      readonly action: string;
      readonly explanation: string;
    }[];
  };
  readonly fleet: ReturnType<LiveControlPlane['demo']['view']>;
  readonly failover: readonly {
    readonly component: string;
    readonly phase: string;
    readonly serving: string;
    readonly incident: string;
  }[];
  /** The Aurora instances' PostgreSQL servers, the relay's target and the standby's replay lag. */
  readonly database: ReturnType<LiveControlPlane['database']['view']>;
  readonly alerts: readonly { readonly at: number; readonly channel: string; readonly text: string }[];
  readonly slowQueries: { readonly at?: string; readonly summary: string } | undefined;
  readonly audit: readonly AuditView[];
  readonly load: ReturnType<LiveControlPlane['load']['summary']> & {
    readonly slo: LiveControlPlane['slo'];
    readonly sloHeld: boolean | undefined;
  };
  readonly faults: {
    readonly available: readonly {
      readonly name: string;
      readonly title: string;
      readonly description: string;
    }[];
    readonly injected: LiveControlPlane['injected'];
  };
}

const str = (value: unknown): string => (value === undefined || value === null ? '' : String(value));
const time = (value: unknown): number | undefined =>
  typeof value === 'number'
    ? value
    : typeof value === 'string' && value !== ''
      ? Date.parse(value)
      : undefined;

function incidentOf(item: StateItem, alerts: readonly ChatMessage[]): IncidentView {
  const id = str(item.id);
  const openedAt = time(item.openedAt);
  const resolvedAt = time(item.resolvedAt);
  const suppressed = item.suppressed as { kind?: string; reason?: string } | undefined;
  const timeline = [
    ...(openedAt ? [{ at: openedAt, what: `opened ${str(item.severity)}: ${str(item.status)}` }] : []),
    ...(suppressed
      ? [
          {
            at: time(item.updatedAt) ?? 0,
            what: `alerts ${str(suppressed.kind ?? 'held')}: ${str(suppressed.reason)}`,
          },
        ]
      : []),
    ...alerts
      .filter((alert) => id !== '' && alert.text.includes(id))
      .map((alert) => ({ at: alert.at, what: `${alert.channel}: ${headline(alert)}` })),
    ...(resolvedAt ? [{ at: resolvedAt, what: 'resolved' }] : []),
  ].sort((a, b) => a.at - b.at);
  return {
    component: str(item.component ?? item.pk.slice('INCIDENT#'.length)),
    severity: str(item.severity),
    state: str(item.state),
    openedAt,
    resolvedAt,
    reasons: Array.isArray(item.reasons) ? item.reasons.map(str) : [],
    timeline,
  };
}

/**
 * Everything the status page shows, read from where an operator would read it in AWS: the state
 * table (component status, incidents, scaling decisions, failover state, slow-query reports,
 * audit), the emulator (the group's capacity), the chat webhooks' deliveries, plus the demo
 * fleet's processes, the users' experience and the faults injected.
 */
export async function liveStatus(live: LiveControlPlane): Promise<LiveStatus> {
  const { platform } = live;
  const [items, size] = await Promise.all([stateItems(platform, ''), fleetSize(platform)]);
  const byPrefix = (prefix: string) => items.filter((item) => item.pk.startsWith(prefix));
  const decisions = scalingDecisions(items)
    .slice(-10)
    .reverse()
    .map((d) => ({ at: d.at, action: d.action, explanation: d.summary }));
  const summary = live.load.summary(60);
  const alerts = chatMessages(platform);
  const analysis = platform.model.fn('slow-queries').name;
  const digest = platform.sns.published.filter((p) => p.publisher === analysis).at(-1);
  return {
    now: Date.now(),
    clock: platform.clock.now(),
    upSeconds: Math.round((Date.now() - live.startedAt) / 1000),
    components: byPrefix('COMPONENT#').map((item) => ({
      component: item.pk.slice('COMPONENT#'.length),
      status: str(item.status),
      ...(time(item.changedAt ?? item.since) !== undefined
        ? { since: time(item.changedAt ?? item.since)! }
        : {}),
    })),
    incidents: byPrefix('INCIDENT#')
      // A resolved incident is both CURRENT (until the next one) and in HISTORY: shown once.
      .filter((item, index, all) => all.findIndex((other) => other.id === item.id) === index)
      .map((item) => incidentOf(item, alerts))
      .sort((a, b) => (b.openedAt ?? 0) - (a.openedAt ?? 0))
      .slice(0, 20),
    scaling: { ...size, decisions },
    fleet: live.demo.view(),
    failover: byPrefix('FAILOVER#')
      .filter((item) => item.sk === 'STATE')
      .map((item) => {
        const incident = item.incident as
          | { reason?: string; from?: string; to?: string; status?: string }
          | undefined;
        return {
          component: item.pk.slice('FAILOVER#'.length),
          phase: str(item.phase),
          serving: str(item.activeTarget ?? item.primaryId ?? ''),
          incident: incident
            ? `${str(incident.status)}: ${str(incident.from)} → ${str(incident.to)} (${str(incident.reason)})`
            : '',
        };
      }),
    database: live.database.view(),
    alerts: alerts
      .slice(-20)
      .reverse()
      .map((m) => ({ at: m.at, channel: m.channel, text: m.text })),
    // The digest as the analysis published it (what the info channel received).
    slowQueries: digest
      ? {
          at: new Date(digest.at).toISOString(),
          summary: [digest.subject, digest.message].filter(Boolean).join('\n\n'),
        }
      : undefined,
    audit: byPrefix('AUDIT#').slice(-10).reverse().map(auditView),
    load: {
      ...summary,
      slo: live.slo,
      sloHeld:
        summary.availability === undefined
          ? undefined
          : summary.availability >= live.slo.availability && (summary.p95Ms ?? 0) <= live.slo.p95Ms,
    },
    faults: {
      available: FAULTS.map(({ name, title, description }) => ({ name, title, description })),
      injected: live.injected,
    },
  };
}
