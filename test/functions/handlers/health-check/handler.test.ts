import type { ScheduledEvent } from 'aws-lambda';
import { parseHealthCheckConfig } from '../../../../functions/core/health/health-config';
import type { Probe, ProbeStatus } from '../../../../functions/core/health/probe';
import { createHealthHandler, HealthRunError } from '../../../../functions/handlers/health-check/handler';
import type { HealthSettings } from '../../../../functions/handlers/health-check/settings';
import { memoryIdempotency } from '../../../support/memory-coordination';
import { ManualClock, memoryHealthDeps } from '../../core/health/memory-ports';
import {
  type CapturedOutput,
  capturedPowertools,
  lambdaContext,
  MemoryComponentStatuses,
  RecordingBus,
} from './fakes';

const config = parseHealthCheckConfig({
  components: [{ id: 'db' }, { id: 'api', dependsOn: ['db'] }],
  checks: [
    { id: 'api-health', component: 'api', kind: 'http', url: 'http://127.0.0.1:1/health', timeoutMs: 1000 },
    { id: 'db-port', component: 'db', kind: 'tcp', host: '127.0.0.1', port: 5432, timeoutMs: 1000 },
  ],
});
const settings: HealthSettings = {
  tableName: 'state',
  topicArns: { critical: 'c', warning: 'w', info: 'i' },
  config,
  rounds: 6,
  intervalMs: 10_000,
  periodMs: 60_000,
  labels: { platform: 'misybot' },
};
const event = (id = 'evt-1') =>
  ({ id, 'detail-type': 'Scheduled Event', source: 'aws.events' }) as ScheduledEvent;

let output: CapturedOutput;
afterEach(() => output?.restore());

function setup(verdicts: Record<string, ProbeStatus> = {}) {
  const calls: string[] = [];
  const probe: Probe = async (check) => {
    calls.push(check.id);
    const status = verdicts[check.id] ?? 'up';
    return status === 'down' ? { status, error: 'connection refused' } : { status };
  };
  const powertools = capturedPowertools('health-check');
  output = powertools.output;
  const clock = new ManualClock();
  const events = memoryIdempotency(() => clock.now());
  const deps = {
    settings,
    health: memoryHealthDeps(probe, clock),
    componentEvents: { componentStatuses: new MemoryComponentStatuses(), events: new RecordingBus() },
    run: {
      idempotency: events,
      clock: () => clock.now(),
      sleep: (ms: number) => clock.sleep(ms),
      random: () => 0.5,
    },
    logger: powertools.logger,
    metrics: powertools.metrics,
  };
  return { deps, calls, events, handler: createHealthHandler(deps) };
}

describe('health-check handler', () => {
  it('runs six rounds named after their ticks, within the remaining time', async () => {
    const { deps, calls, events, handler } = setup();
    const summary = await handler(event('evt-1'), lambdaContext(65_000));
    expect(summary).toMatchObject({ invocationId: 'evt-1', duplicate: false, rounds: 6, skipped: 0 });
    expect(calls).toHaveLength(12);
    expect(deps.health.checkStates.map.get('api-health')?.lastRoundId).toBe('tick#2026-01-01T00:00:50.000Z');
    expect([...events.records.keys()]).toEqual(['health-check#evt-1']);
    expect(events.records.get('health-check#evt-1')?.status).toBe('completed');
    expect(output.logs.find((line) => line.message === 'run record')).toMatchObject({
      run: { fn: 'health-check', status: 'acted', event: 'done' },
    });
  });

  it('checks the minute after the scheduled one on its 10 s ticks, wherever in its minute the event arrives', async () => {
    for (const delivery of [0, 37_250, 59_900]) {
      const { deps, handler } = setup();
      const scheduled = deps.health.clock.time;
      deps.health.clock.time = scheduled + delivery;
      const starts: number[] = [];
      deps.health.probe = async (check) => {
        if (check.id === 'api-health') starts.push(deps.health.clock.time - scheduled);
        return { status: 'up' };
      };
      const summary = await handler(
        { ...event(), time: new Date(scheduled).toISOString() },
        lambdaContext(125_000 - delivery),
      );
      expect(summary).toMatchObject({ rounds: 6, skipped: 0 });
      expect(starts).toEqual([60_000, 70_000, 80_000, 90_000, 100_000, 110_000]);
    }
  });

  it('emits CheckUp and CheckLatency per check and ComponentStatus per component, every round', async () => {
    const { handler } = setup({ 'db-port': 'down' });
    await handler(event(), lambdaContext(65_000));
    const emf = output.emf;
    const byCheck = (id: string) => emf.filter((doc) => doc.Check === id);
    expect(byCheck('api-health')).toHaveLength(6);
    expect(byCheck('db-port').map((doc) => doc.CheckUp)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(byCheck('api-health')[0]).toMatchObject({ CheckUp: 1, CheckLatency: 0, service: 'health-check' });
    expect((byCheck('api-health')[0]!._aws as { CloudWatchMetrics: unknown[] }).CloudWatchMetrics).toEqual([
      {
        Namespace: 'MisyBot/HA',
        Dimensions: [['service', 'Check']],
        Metrics: [
          { Name: 'CheckUp', Unit: 'Count' },
          { Name: 'CheckLatency', Unit: 'Milliseconds' },
        ],
      },
    ]);
    // Thresholds are 2: the first round has no verdict (no datapoint), then healthy = 0, down = 2.
    expect(emf.filter((doc) => doc.Component === 'api').map((doc) => doc.ComponentStatus)).toEqual([
      0, 0, 0, 0, 0,
    ]);
    expect(emf.filter((doc) => doc.Component === 'db').map((doc) => doc.ComponentStatus)).toEqual([
      2, 2, 2, 2, 2,
    ]);
    expect(emf.filter((doc) => doc.HealthRounds === 1)).toHaveLength(6);
  });

  it('puts a Component Health Changed event on the bus once per transition', async () => {
    const { deps, handler } = setup({ 'db-port': 'down' });
    await handler(event(), lambdaContext(65_000));
    expect(deps.componentEvents.events.published).toEqual([
      {
        component: 'db',
        status: 'down',
        previous: 'unknown',
        at: new Date(Date.UTC(2026, 0, 1) + 10_000).toISOString(),
        checks: [{ id: 'db-port', status: 'unhealthy' }],
      },
      expect.objectContaining({ component: 'api', status: 'healthy', previous: 'unknown' }),
    ]);
    expect(deps.health.notifier.sent.map((n) => [n.component, n.kind, n.labels.platform])).toEqual([
      ['db', 'opened', 'misybot'],
    ]);
  });

  it('does nothing for a redelivered event', async () => {
    const { calls, handler } = setup();
    await handler(event('evt-7'), lambdaContext(65_000));
    const again = await handler(event('evt-7'), lambdaContext(65_000));
    expect(again).toMatchObject({ duplicate: true, rounds: 0 });
    expect(calls).toHaveLength(12);
  });

  it('runs only the rounds that fit a short invocation and counts the others as not run', async () => {
    const { handler } = setup();
    expect(await handler(event(), lambdaContext(25_000))).toMatchObject({ rounds: 3, skipped: 3 });
  });

  it('skips a round whose window passed during a slow one, and stores the count for the final flush', async () => {
    const { deps, handler } = setup();
    const probe = deps.health.probe;
    let first = true;
    deps.health.probe = async (check, signal) => {
      if (first) deps.health.clock.time += 25_000;
      first = false;
      return probe(check, signal);
    };
    expect(await handler(event(), lambdaContext(65_000))).toMatchObject({ rounds: 5, skipped: 1 });
    deps.metrics.publishStoredMetrics();
    expect(output.emf.at(-1)).toMatchObject({ HealthRoundsSkipped: 1, service: 'health-check' });
  });

  it('fails the invocation and releases the event when the rounds cannot run, so the event is not lost', async () => {
    const { deps, events, handler } = setup();
    const load = deps.health.checkStates.load.bind(deps.health.checkStates);
    deps.health.checkStates.load = async () => {
      throw Object.assign(new Error('Rate exceeded'), { name: 'ProvisionedThroughputExceededException' });
    };
    await expect(handler(event('evt-9'), lambdaContext(65_000))).rejects.toBeInstanceOf(HealthRunError);
    expect(events.records.size).toBe(0);
    expect(output.logs.find((line) => line.message === 'run record')).toMatchObject({
      level: 'ERROR',
      run: { status: 'failed', event: 'retry' },
    });
    deps.health.checkStates.load = load;
    await expect(handler(event('evt-9'), lambdaContext(65_000))).resolves.toMatchObject({ duplicate: false });
  });

  it('refuses an event without an id', async () => {
    const { handler } = setup();
    await expect(handler({} as ScheduledEvent, lambdaContext(65_000))).rejects.toThrow(
      expect.objectContaining({ name: 'InputError' }),
    );
  });
});
