import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context, ScheduledEvent } from 'aws-lambda';
import fc from 'fast-check';
import type { Notification } from '../../../../functions/core/alerting/notification';
import { parseHealthCheckConfig } from '../../../../functions/core/health/health-config';
import type { ProbeStatus } from '../../../../functions/core/health/probe';
import { createHealthHandler } from '../../../../functions/handlers/health-check/handler';
import { ManualClock, MemoryCheckStates, MemoryIncidents } from '../../core/health/memory-ports';
import { MemoryComponentStatuses } from '../health-check/fakes';
import {
  deliver,
  expectDoneOrParked,
  type FaultPlan,
  failing,
  faultError,
  faultPlans,
  faultSuite,
  faultyIdempotency,
  Injector,
  RecordingLog,
  RUNS,
  silentMetrics,
  workDone,
} from './faults';

const SITES = [
  'event-claim',
  'event-complete',
  'event-release',
  'probe',
  'state-load',
  'state-save',
  'incident-load',
  'incident-save',
  'rules',
  'notify',
  'status-load',
  'status-save',
  'bus',
] as const;
// The construct's setting: a failed run is not retried (the next minute's run checks again): parked.
const RETRIES = 0;

const config = parseHealthCheckConfig({
  components: [{ id: 'db' }, { id: 'api', dependsOn: ['db'] }],
  checks: [
    { id: 'api-health', component: 'api', kind: 'http', url: 'http://127.0.0.1:1/health', timeoutMs: 1000 },
    { id: 'db-port', component: 'db', kind: 'tcp', host: '127.0.0.1', port: 5432, timeoutMs: 1000 },
  ],
});

interface Scenario {
  readonly plan: FaultPlan;
  readonly api: readonly ProbeStatus[];
  readonly db: readonly ProbeStatus[];
}

const verdicts = fc.array(fc.constantFrom<ProbeStatus>('up', 'down', 'unknown'), {
  minLength: 6,
  maxLength: 6,
});
const scenarios: fc.Arbitrary<Scenario> = fc.record({
  plan: faultPlans(SITES, 0.15),
  api: verdicts,
  db: verdicts,
});

function world(scenario: Scenario) {
  const clock = new ManualClock();
  const injector = new Injector(scenario.plan);
  const raise = (site: string) => {
    const fault = injector.next(site);
    if (fault) throw faultError(fault === 'partial' ? 'timeout' : fault, site);
  };
  const checkStates = new MemoryCheckStates();
  const incidents = new MemoryIncidents();
  const statuses = new MemoryComponentStatuses();
  const sent: Notification[] = [];
  const rounds = new Map<string, number>();
  const log = new RecordingLog();
  const events = faultyIdempotency(() => clock.now(), injector);
  const handler = createHealthHandler({
    settings: {
      tableName: 'state',
      topicArns: { critical: 'c', warning: 'w', info: 'i' },
      config,
      rounds: 6,
      intervalMs: 10_000,
      labels: {},
      periodMs: 60_000,
    },
    health: {
      probe: async (check) => {
        const round = Math.floor((clock.now() - Date.UTC(2026, 0, 1)) / 10_000) % 6;
        const status = (check.id === 'api-health' ? scenario.api : scenario.db)[round]!;
        if (injector.next('probe')) return { status: 'unknown', error: 'probe failed' };
        return status === 'down' ? { status, error: 'connection refused' } : { status };
      },
      clock,
      checkStates: {
        load: async (ids) => {
          raise('state-load');
          return checkStates.load(ids);
        },
        save: async (state, version) => {
          raise('state-save');
          const saved = await checkStates.save(state, version);
          if (saved)
            rounds.set(
              `${state.checkId}@${state.lastRoundId}`,
              (rounds.get(`${state.checkId}@${state.lastRoundId}`) ?? 0) + 1,
            );
          return saved;
        },
      },
      incidents: {
        loadCurrent: async (components) => {
          raise('incident-load');
          return incidents.loadCurrent(components);
        },
        save: async (incident, version) => {
          raise('incident-save');
          return incidents.save(incident, version);
        },
      },
      rules: {
        activeSilences: async () => {
          raise('rules');
          return [];
        },
        activeHolds: async () => [],
      },
      notifier: {
        publish: async (notification) => {
          raise('notify');
          sent.push(notification);
        },
      },
    },
    componentEvents: {
      componentStatuses: {
        load: async (components) => {
          raise('status-load');
          return statuses.load(components);
        },
        save: async (record, version) => {
          raise('status-save');
          return statuses.save(record, version);
        },
      },
      events: { publish: async () => raise('bus') },
    },
    run: {
      idempotency: events,
      clock: () => clock.now(),
      sleep: (ms) => clock.sleep(ms),
      random: () => 0.5,
    },
    logger: log as unknown as Logger,
    metrics: silentMetrics as unknown as Metrics,
  });
  let attempt = 0;
  const invoke = () =>
    handler(
      { id: 'evt-1', 'detail-type': 'Scheduled Event', source: 'aws.events' } as ScheduledEvent,
      {
        awsRequestId: `req-${attempt++}`,
        getRemainingTimeInMillis: () => 65_000,
      } as unknown as Context,
    );
  return { clock, injector, log, invoke, sent, rounds, events };
}

describe('health-check handler under injected faults', () => {
  it(`ends every run in a record, never applies a round or sends an alert twice, and never loses an event (${RUNS} runs)`, async () => {
    await faultSuite('health-check', scenarios, async (scenario) => {
      const w = world(scenario);
      // The event's own delivery, then a redelivery of it: only the first may act.
      const delivery = await deliver(w.invoke, w.log, (ms) => (w.clock.time += ms), RETRIES);
      await w.invoke().catch(() => undefined);
      const repeatedRounds = [...w.rounds.values()].filter((n) => n > 1).map(() => 'a round applied twice');
      const ids = w.sent.map((n) => n.id);
      const repeatedAlerts = ids
        .filter((id, i) => ids.indexOf(id) !== i)
        .map((id) => `alert ${id} sent twice`);
      return {
        delivery,
        units: 1,
        done: workDone(w.events.records, delivery.attempts, 'health-check#evt-1'),
        faults: w.injector.injected,
        actions: w.sent.length,
        violations: [...repeatedRounds, ...repeatedAlerts],
      };
    });
  }, 600_000);

  it('loses no event whose work failed: without retries, a failed run is parked (and alarmed)', async () => {
    const work = ['state-load', 'incident-load', 'rules', 'event-claim'] as const;
    const up = Array<ProbeStatus>(6).fill('up');
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...work), fc.integer({ min: 1, max: 2 }), async (site, times) => {
        const w = world({ plan: failing(site, times), api: up, db: up });
        const delivery = await deliver(w.invoke, w.log, (ms) => (w.clock.time += ms), RETRIES);
        expectDoneOrParked(
          delivery,
          w.events.records.get('health-check#evt-1')?.status === 'completed',
          times,
          RETRIES,
        );
      }),
      { numRuns: 200 },
    );
  }, 600_000);
});
