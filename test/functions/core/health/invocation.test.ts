import { parseHealthCheckConfig } from '../../../../functions/core/health/health-config';
import {
  type HealthCheckDeps,
  type HealthMetricsSink,
  type HealthSchedule,
  runHealthCheck,
} from '../../../../functions/core/health/invocation';
import type { Probe, ProbeStatus } from '../../../../functions/core/health/probe';
import type { StructuredLog } from '../../../../functions/core/log';
import { memoryIdempotency } from '../../../support/memory-coordination';
import { MemoryComponentStatuses, RecordingBus } from '../../handlers/health-check/fakes';
import { ManualClock, memoryHealthDeps } from './memory-ports';

const schedule: HealthSchedule = {
  config: parseHealthCheckConfig({
    components: [{ id: 'db' }, { id: 'api', dependsOn: ['db'] }],
    checks: [
      { id: 'api-health', component: 'api', kind: 'http', url: 'http://127.0.0.1:1/health', timeoutMs: 1000 },
      { id: 'db-port', component: 'db', kind: 'tcp', host: '127.0.0.1', port: 5432, timeoutMs: 1000 },
    ],
  }),
  rounds: 6,
  intervalMs: 10_000,
  periodMs: 60_000,
  labels: { platform: 'misybot' },
};

type Line = { level: string; message: string; extra: Record<string, unknown> };
type Op = readonly (string | number)[];

/** The function's metrics as a list of calls, so a test reads which document each metric went to. */
function recordingMetrics(): HealthMetricsSink & { ops: Op[]; single: Op[] } {
  const ops: Op[] = [];
  const single: Op[] = [];
  return {
    ops,
    single,
    addDimension: (name, value) => ops.push(['dimension', name, value]),
    addMetric: (name, unit, value) => ops.push(['metric', name, unit, value]),
    publishStoredMetrics: () => ops.push(['publish']),
    singleMetric() {
      const metric = {
        addDimension(name: string, value: string) {
          single.push(['dimension', name, value]);
          return metric;
        },
        addMetric: (name: string, unit: string, value: number) => single.push(['metric', name, unit, value]),
      };
      return metric;
    },
  };
}

function setup(verdicts: Record<string, ProbeStatus> = {}) {
  const lines: Line[] = [];
  const record = (level: string) => (message: string, extra: Record<string, unknown>) =>
    lines.push({ level, message, extra });
  const log: StructuredLog = { info: record('info'), warn: record('warn'), error: record('error') };
  const calls: string[] = [];
  const probe: Probe = async (check) => {
    calls.push(check.id);
    const status = verdicts[check.id] ?? 'up';
    return status === 'down' ? { status, error: 'connection refused' } : { status };
  };
  const clock = new ManualClock();
  const events = memoryIdempotency(() => clock.now());
  const metrics = recordingMetrics();
  const deps = {
    health: memoryHealthDeps(probe, clock),
    componentEvents: { componentStatuses: new MemoryComponentStatuses(), events: new RecordingBus() },
    run: {
      idempotency: events,
      clock: () => clock.now(),
      sleep: (ms: number) => clock.sleep(ms),
      random: () => 0.5,
    },
    log,
    metrics,
  } satisfies HealthCheckDeps;
  const request = (invocationId = 'evt-1', remainingMs = 65_000) => ({
    invocationId,
    scheduledTime: undefined,
    runId: 'req-1',
    remainingMs,
  });
  return { deps, calls, events, lines, metrics, request };
}

describe('runHealthCheck', () => {
  it('runs the rounds once and ends in a run record naming the invocation', async () => {
    const { deps, events, lines, request } = setup({ 'db-port': 'down' });
    const run = await runHealthCheck(deps, schedule, request());
    expect(run).toEqual({
      summary: {
        invocationId: 'evt-1',
        rounds: 6,
        skipped: 0,
        transitions: 2,
        alertsSent: 1,
        eventsPublished: 2,
        duplicate: false,
      },
      retry: undefined,
    });
    expect(events.records.get('health-check#evt-1')?.status).toBe('completed');
    expect(lines.find((line) => line.message === 'run record')?.extra).toMatchObject({
      invocationId: 'evt-1',
      run: { fn: 'health-check', runId: 'req-1', status: 'acted', event: 'done' },
    });
  });

  it('logs each round with its down checks and the events it published', async () => {
    const { deps, lines, request } = setup({ 'db-port': 'down' });
    await runHealthCheck(deps, { ...schedule, rounds: 2 }, request());
    const rounds = lines.filter((line) => line.message === 'Health round').map((line) => line.extra);
    expect(rounds).toHaveLength(2);
    expect(rounds[1]).toMatchObject({
      down: [{ check: 'db-port', error: 'connection refused' }],
      components: { db: 'down', api: 'healthy' },
      eventsPublished: 2,
    });
  });

  it('publishes each check, each component and the round heartbeat as documents of their own', async () => {
    const { deps, metrics, request } = setup({ 'db-port': 'down' });
    await runHealthCheck(deps, { ...schedule, rounds: 2 }, request());
    // The first round has no component verdict yet (thresholds are 2); it ends with its heartbeat,
    // its duration and its publish.
    const secondRound = metrics.ops.slice(metrics.ops.findIndex((op) => op[1] === 'HealthRounds') + 3);
    expect(secondRound.slice(0, 15)).toEqual([
      ['dimension', 'Check', 'api-health'],
      ['metric', 'CheckUp', 'Count', 1],
      ['metric', 'CheckLatency', 'Milliseconds', 0],
      ['publish'],
      ['dimension', 'Check', 'db-port'],
      ['metric', 'CheckUp', 'Count', 0],
      ['metric', 'CheckLatency', 'Milliseconds', 0],
      ['publish'],
      ['dimension', 'Component', 'db'],
      ['metric', 'ComponentStatus', 'Count', 2],
      ['publish'],
      ['dimension', 'Component', 'api'],
      ['metric', 'ComponentStatus', 'Count', 0],
      ['publish'],
      ['metric', 'HealthRounds', 'Count', 1],
    ]);
  });

  it('stores the count of rounds not run for the final flush and warns about them', async () => {
    const { deps, lines, metrics, request } = setup();
    const run = await runHealthCheck(deps, schedule, request('evt-1', 25_000));
    expect(run.summary).toMatchObject({ rounds: 3, skipped: 3 });
    expect(metrics.ops.at(-1)).toEqual(['metric', 'HealthRoundsSkipped', 'Count', 3]);
    expect(lines.find((line) => line.level === 'warn')?.extra).toEqual({ invocationId: 'evt-1', skipped: 3 });
  });

  it('checks the period after the scheduled time when the event has one', async () => {
    const { deps, request } = setup();
    const scheduled = deps.health.clock.time;
    deps.health.clock.time = scheduled + 37_250;
    await runHealthCheck(deps, schedule, {
      ...request('evt-1', 125_000 - 37_250),
      scheduledTime: new Date(scheduled).toISOString(),
    });
    expect(deps.health.checkStates.map.get('api-health')?.lastRoundId).toBe(
      `tick#${new Date(scheduled + 110_000).toISOString()}`,
    );
  });

  it('repeats nothing for a redelivered event', async () => {
    const { deps, calls, request } = setup();
    await runHealthCheck(deps, schedule, request('evt-7'));
    const again = await runHealthCheck(deps, schedule, request('evt-7'));
    expect(again).toEqual({
      summary: expect.objectContaining({ duplicate: true, rounds: 0 }),
      retry: undefined,
    });
    expect(calls).toHaveLength(12);
  });

  it('says why to retry and releases the event when the rounds cannot run', async () => {
    const { deps, events, request } = setup();
    deps.health.checkStates.load = async () => {
      throw Object.assign(new Error('Rate exceeded'), { name: 'ProvisionedThroughputExceededException' });
    };
    const run = await runHealthCheck(deps, schedule, request('evt-9'));
    expect(run.retry).toMatch(/Rate exceeded/);
    expect(events.records.size).toBe(0);
  });
});
