import fc from 'fast-check';
import { routeComponentAlerts } from '../../../../functions/core/alerting/service';
import type { ComponentStatus } from '../../../../functions/core/health/rollup';
import { componentHealth } from '../health/check-fixtures';
import { MemoryIncidents, MemoryNotifier, MemoryRules } from '../health/memory-ports';

const timing = { groupIntervalMs: 300_000, repeatIntervalMs: 14_400_000 };
const T0 = Date.UTC(2026, 0, 1);

function deps() {
  return { incidents: new MemoryIncidents(), rules: new MemoryRules(), notifier: new MemoryNotifier() };
}

describe('routeComponentAlerts', () => {
  it('puts the incident back when publishing fails, so the next round sends it', async () => {
    const d = deps();
    d.notifier.failNext = 1;
    const first = await routeComponentAlerts(d, [componentHealth('api', 'down')], timing, {}, T0);
    expect(first.errors).toEqual(['api: opened not sent: SNS unavailable']);
    expect(d.incidents.map.get('api')!.notified).toBeUndefined();
    await routeComponentAlerts(d, [componentHealth('api', 'down')], timing, {}, T0 + 10_000);
    expect(d.notifier.sent.map((n) => n.kind)).toEqual(['opened']);
  });

  it('re-sends a resolution that failed to publish', async () => {
    const d = deps();
    await routeComponentAlerts(d, [componentHealth('api', 'down')], timing, {}, T0);
    d.notifier.failNext = 1;
    await routeComponentAlerts(d, [componentHealth('api', 'healthy')], timing, {}, T0 + 10_000);
    expect(d.incidents.map.get('api')!.state).toBe('open');
    await routeComponentAlerts(d, [componentHealth('api', 'healthy')], timing, {}, T0 + 20_000);
    expect(d.notifier.sent.map((n) => n.kind)).toEqual(['opened', 'resolved']);
  });

  it('decides again after losing a write race and does not send what the winner already sent', async () => {
    const winner = deps();
    await routeComponentAlerts(winner, [componentHealth('api', 'down')], timing, {}, T0);
    // This invocation read before the winner saved: its first read finds no incident.
    const loser = { ...deps(), incidents: winner.incidents };
    const staleFirstRead = loser.incidents.loadCurrent.bind(loser.incidents);
    let reads = 0;
    loser.incidents = Object.assign(Object.create(winner.incidents), {
      loadCurrent: async (components: readonly string[]) =>
        reads++ === 0 ? new Map() : staleFirstRead(components),
    });
    const report = await routeComponentAlerts(loser, [componentHealth('api', 'down')], timing, {}, T0 + 1);
    expect(winner.notifier.sent.map((n) => n.kind)).toEqual(['opened']);
    expect(loser.notifier.sent).toEqual([]);
    expect(report.errors).toEqual([]);
    expect(winner.incidents.map.get('api')!.occurrences).toBe(2);
  });
});

describe('routeComponentAlerts property', () => {
  it('sends one opening and at most one resolution per incident, however long failures repeat', async () => {
    const statuses = fc.array(fc.constantFrom<ComponentStatus>('healthy', 'degraded', 'down', 'unknown'), {
      maxLength: 60,
    });
    await fc.assert(
      fc.asyncProperty(statuses, async (sequence) => {
        const d = deps();
        for (const [i, status] of sequence.entries()) {
          await routeComponentAlerts(d, [componentHealth('api', status)], timing, {}, T0 + i * 10_000);
        }
        const byIncident = new Map<string, string[]>();
        for (const n of d.notifier.sent)
          byIncident.set(n.incidentId, [...(byIncident.get(n.incidentId) ?? []), n.kind]);
        for (const kinds of byIncident.values()) {
          expect(kinds[0]).toBe('opened');
          expect(kinds.filter((k) => k === 'opened')).toHaveLength(1);
          expect(kinds.filter((k) => k === 'resolved').length).toBeLessThanOrEqual(1);
          // Only escalations can come sooner than the group interval; 60 rounds of 10 s allow two updates.
          expect(kinds.filter((k) => k === 'updated').length).toBeLessThanOrEqual(2);
        }
        const incidents = new Set(d.notifier.sent.map((n) => n.incidentId));
        const openings = sequence.filter(
          (s, i) =>
            ((s === 'degraded' || s === 'down') &&
              !sequence.slice(0, i).some((p) => p === 'degraded' || p === 'down')) ||
            ((s === 'degraded' || s === 'down') && lastVerdict(sequence, i) === 'healthy'),
        ).length;
        expect(incidents.size).toBe(openings);
      }),
    );
  });
});

/** The last non-unknown status before index i. */
function lastVerdict(sequence: readonly ComponentStatus[], i: number): ComponentStatus | undefined {
  return sequence
    .slice(0, i)
    .filter((s) => s !== 'unknown')
    .at(-1);
}
