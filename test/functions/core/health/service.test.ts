import { parseHealthCheckConfig } from '../../../../functions/core/health/health-config';
import type { Probe, ProbeStatus } from '../../../../functions/core/health/probe';
import { runHealthInvocation, runHealthRound } from '../../../../functions/core/health/service';
import { ManualClock, memoryHealthDeps } from './memory-ports';

const config = parseHealthCheckConfig({
  alerting: { groupIntervalSeconds: 300 },
  components: [{ id: 'db' }, { id: 'api', dependsOn: ['db'] }],
  checks: [
    { id: 'api-health', component: 'api', kind: 'http', url: 'http://127.0.0.1:1/health', timeoutMs: 1000 },
    { id: 'db-port', component: 'db', kind: 'tcp', host: '127.0.0.1', port: 5432, timeoutMs: 1000 },
  ],
});

function setup(initial: Record<string, ProbeStatus> = {}) {
  const verdicts: Record<string, ProbeStatus> = { 'api-health': 'up', 'db-port': 'up', ...initial };
  const probe: Probe = async (check) =>
    verdicts[check.id] === 'down'
      ? { status: 'down', error: 'connection refused' }
      : { status: verdicts[check.id]! };
  const clock = new ManualClock();
  const deps = memoryHealthDeps(probe, clock);
  let n = 0;
  const round = async () => {
    const report = await runHealthRound(deps, config, {
      roundId: `inv#${n++}`,
      deadline: clock.now() + 5000,
    });
    clock.time += 10_000;
    return report;
  };
  return { deps, verdicts, clock, round };
}

describe('runHealthRound', () => {
  it('pages once when a component goes down, updates silently while it stays down, and resolves once', async () => {
    const { deps, verdicts, round } = setup();
    await round();
    await round();
    verdicts['api-health'] = 'down';
    for (let i = 0; i < 6; i++) await round();
    verdicts['api-health'] = 'up';
    await round();
    const last = await round();
    expect(deps.notifier.sent.map((n) => [n.kind, n.component, n.severity])).toEqual([
      ['opened', 'api', 'critical'],
      ['resolved', 'api', 'critical'],
    ]);
    expect(deps.notifier.sent[1]!.durationMs).toBe(60_000);
    expect(deps.incidents.history).toHaveLength(1);
    // Opened in round 3, seen again in rounds 4-7 and in round 8 (one success is below the threshold).
    expect(deps.incidents.history[0]!.occurrences).toBe(6);
    expect(last.components.map((c) => c.status)).toEqual(['healthy', 'healthy']);
  });

  it('inhibits the dependent’s page while its dependency is down', async () => {
    const { deps, verdicts, round } = setup();
    await round();
    await round();
    verdicts['api-health'] = 'down';
    verdicts['db-port'] = 'down';
    await round();
    const report = await round();
    expect(deps.notifier.sent.map((n) => [n.kind, n.component])).toEqual([['opened', 'db']]);
    expect(report.alerts.suppressed).toEqual([{ component: 'api', by: 'inhibition', ref: 'db' }]);
  });

  it('re-reads and re-applies a check state after losing a write race, losing no result', async () => {
    const { deps, round } = setup({ 'api-health': 'down' });
    let raced = false;
    deps.checkStates.map.interfere = (key) => {
      if (key !== 'api-health' || raced) return false;
      raced = true;
      return true;
    };
    await round();
    const report = await round();
    const state = report.states.find((s) => s.checkId === 'api-health')!;
    // The other writer's failure and ours both count: two failures, so unhealthy after one more round.
    expect(state.consecutiveFailures).toBe(3);
    expect(state.status).toBe('unhealthy');
    expect(report.errors).toEqual([]);
  });

  it('repeats nothing when a round id is run again (a redelivered invocation)', async () => {
    const { deps, verdicts, clock } = setup({ 'api-health': 'down' });
    const once = () => runHealthRound(deps, config, { roundId: 'same#0', deadline: clock.now() + 5000 });
    await once();
    const saves = deps.checkStates.map.saves;
    verdicts['api-health'] = 'down';
    const again = await once();
    expect(deps.checkStates.map.saves).toBe(saves);
    expect(again.states.find((s) => s.checkId === 'api-health')!.consecutiveFailures).toBe(1);
  });

  it('reports a state that keeps losing races instead of failing the round', async () => {
    const { deps, round } = setup();
    deps.checkStates.map.interfere = (key) => key === 'db-port';
    const report = await round();
    expect(report.errors).toEqual(['db-port: state not saved after 3 conflicting writes']);
    expect(report.results).toHaveLength(2);
  });
});

describe('runHealthInvocation', () => {
  it('runs the planned rounds every interval with round ids named after their ticks', async () => {
    const { deps } = setup();
    const seen: string[] = [];
    const { rounds, skipped } = await runHealthInvocation(deps, config, {
      invocationId: 'abc',
      remainingMs: 65_000,
      onRound: (report) => void seen.push(`${report.roundId}@${report.startedAt - Date.UTC(2026, 0, 1)}`),
    });
    expect(skipped).toBe(0);
    expect(rounds).toHaveLength(6);
    expect(seen).toEqual([
      'tick#2026-01-01T00:00:00.000Z@0',
      'tick#2026-01-01T00:00:10.000Z@10000',
      'tick#2026-01-01T00:00:20.000Z@20000',
      'tick#2026-01-01T00:00:30.000Z@30000',
      'tick#2026-01-01T00:00:40.000Z@40000',
      'tick#2026-01-01T00:00:50.000Z@50000',
    ]);
  });

  it('stops before the next round once its signal aborts', async () => {
    const { deps } = setup();
    const controller = new AbortController();
    const { rounds } = await runHealthInvocation(deps, config, {
      invocationId: 'abc',
      remainingMs: 65_000,
      signal: controller.signal,
      onRound: () => controller.abort(),
    });
    expect(rounds).toHaveLength(1);
  });
});
