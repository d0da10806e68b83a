import type { Incident } from '../../../../functions/core/alerting/incident';
import { type AlertContext, decideAlert } from '../../../../functions/core/alerting/router';
import type { ComponentHealth } from '../../../../functions/core/health/rollup';
import { componentHealth } from '../health/check-fixtures';

const T0 = Date.UTC(2026, 0, 1, 12);
const MIN = 60_000;

function context(
  now: number,
  components: ComponentHealth[],
  extra: Partial<AlertContext> = {},
): AlertContext {
  return {
    now,
    components,
    silences: [],
    holds: [],
    timing: { groupIntervalMs: 5 * MIN, repeatIntervalMs: 240 * MIN },
    labels: { platform: 'misybot', stage: 'prod' },
    ...extra,
  };
}

/** Feeds the component through rounds at the given minutes, keeping the incident like the store would. */
function rounds(steps: [number, ComponentHealth, Partial<AlertContext>?][]) {
  let incident: Incident | undefined;
  const sent: { at: number; kind: string; severity: string; title: string }[] = [];
  for (const [minute, health, extra] of steps) {
    const others = extra?.components ?? [];
    const all = [health, ...others];
    const decision = decideAlert(
      health,
      incident,
      context(T0 + minute * MIN, all, { ...extra, components: all }),
    );
    if (decision.incident) incident = { ...decision.incident, version: (decision.expectedVersion ?? 0) + 1 };
    if (decision.notification) {
      const { kind, severity, title } = decision.notification;
      sent.push({ at: minute, kind, severity, title });
    }
  }
  return { incident: incident!, sent };
}

const down = componentHealth('api', 'down');
const degraded = componentHealth('api', 'degraded');
const healthy = componentHealth('api', 'healthy');

describe('decideAlert', () => {
  it('opens an incident on the first bad round and resolves it with the duration', () => {
    const { incident, sent } = rounds([
      [0, down],
      [1, down],
      [2, down],
      [4, healthy],
    ]);
    expect(sent).toEqual([
      { at: 0, kind: 'opened', severity: 'critical', title: 'api is down' },
      { at: 4, kind: 'resolved', severity: 'critical', title: 'api recovered after 4m 0s' },
    ]);
    expect(incident).toMatchObject({ state: 'resolved', occurrences: 3, resolvedAt: T0 + 4 * MIN });
  });

  it('escalates from degraded to down at once, and sends the resolution to the highest severity sent', () => {
    const { sent } = rounds([
      [0, degraded],
      [1, down],
      [2, degraded],
      [3, healthy],
    ]);
    expect(sent.map((s) => [s.kind, s.severity])).toEqual([
      ['opened', 'warning'],
      ['escalated', 'critical'],
      ['resolved', 'critical'],
    ]);
  });

  it('groups other changes into one update per group interval', () => {
    const other = componentHealth('api', 'degraded', {
      checks: [
        { checkId: 'x', description: 'GET /x', status: 'unhealthy', critical: false, error: 'HTTP 500' },
      ],
    });
    const { sent } = rounds([
      [0, degraded],
      [1, other],
      [2, degraded],
      [3, other],
      [6, other],
      [7, degraded],
    ]);
    expect(sent.map((s) => [s.at, s.kind])).toEqual([
      [0, 'opened'],
      [6, 'updated'],
    ]);
  });

  it('reminds about an unchanged open incident after the repeat interval', () => {
    const { sent } = rounds([
      [0, down],
      [239, down],
      [240, down],
    ]);
    expect(sent.map((s) => [s.at, s.kind, s.title])).toEqual([
      [0, 'opened', 'api is down'],
      [240, 'reminder', 'api is still down after 4h 0m'],
    ]);
  });

  it('neither opens nor resolves anything on an unknown component', () => {
    const unknown = componentHealth('api', 'unknown');
    expect(rounds([[0, unknown]]).sent).toEqual([]);
    const { incident, sent } = rounds([
      [0, down],
      [1, unknown],
    ]);
    expect(incident.state).toBe('open');
    expect(sent).toHaveLength(1);
  });

  it('inhibits a dependent while a dependency (even an indirect one) is down, and sends it once that ends', () => {
    const api = componentHealth('api', 'down', { dependsOn: ['cache'] });
    const cache = componentHealth('cache', 'degraded', { dependsOn: ['db'] });
    const dbDown = componentHealth('db', 'down');
    const dbUp = componentHealth('db', 'healthy');
    const { incident, sent } = rounds([
      [0, api, { components: [cache, dbDown] }],
      [1, api, { components: [cache, dbDown] }],
      [2, api, { components: [cache, dbUp] }],
    ]);
    expect(sent.map((s) => [s.at, s.kind])).toEqual([[2, 'opened']]);
    expect(incident.suppressed).toBeUndefined();
  });

  it('sends no resolution for an incident that was only ever inhibited or silenced', () => {
    const silences = [
      {
        id: 's1',
        matchers: [{ label: 'component', op: '=' as const, value: 'api' }],
        startsAt: T0,
        endsAt: T0 + 60 * MIN,
        createdBy: 'ops',
        comment: 'maintenance',
      },
    ];
    const { incident, sent } = rounds([
      [0, down, { silences }],
      [5, healthy, { silences }],
    ]);
    expect(sent).toEqual([]);
    expect(incident.state).toBe('resolved');
  });

  it('holds alerts during a failover and summarises them once afterwards, without paging', () => {
    const holds = [{ component: 'api', reason: 'failover' as const, startedAt: T0, until: T0 + 10 * MIN }];
    const { incident, sent } = rounds([
      [0, down, { holds }],
      [1, down, { holds }],
      [2, down, { holds }],
      [3, healthy, { holds }],
    ]);
    expect(sent).toEqual([
      {
        at: 3,
        kind: 'held-summary',
        severity: 'info',
        title: 'api was down for 3m 0s during failover; recovered without a page',
      },
    ]);
    expect(incident.held).toEqual({ reasons: ['failover'], since: T0, rounds: 3 });
  });

  it('pages after a hold lapses if the component is still down, noting what was held', () => {
    const holds = [{ component: 'api', reason: 'scale-out' as const, startedAt: T0, until: T0 + 2 * MIN }];
    const first = decideAlert(down, undefined, context(T0, [down], { holds }));
    const later = decideAlert(down, first.incident, context(T0 + 3 * MIN, [down], { holds }));
    expect(first.notification).toBeUndefined();
    expect(later.notification).toMatchObject({
      kind: 'opened',
      held: { reasons: ['scale-out'], since: new Date(T0).toISOString(), rounds: 1 },
    });
  });
});
