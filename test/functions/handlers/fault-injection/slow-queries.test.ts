import type { Context } from 'aws-lambda';
import fc from 'fast-check';
import type { AnalysisState } from '../../../../functions/core/queries/scheduled-analysis';
import { createSlowQueriesHandler } from '../../../../functions/handlers/slow-queries/handler';
import { manualClock } from '../../../support/memory-coordination';
import {
  entry,
  FakeDatabase,
  ORDERS_BY_CUSTOMER,
  SETTINGS,
} from '../../core/queries/scheduled-analysis-fakes';
import {
  deliver,
  deliverOneEvent,
  expectDoneOrParked,
  type FaultPlan,
  failing,
  faultError,
  faultPlans,
  faultSuite,
  faultyIdempotency,
  faultyLock,
  Injector,
  RecordingLog,
  RUNS,
  silentMetrics,
} from './faults';

const SITES = [
  'event-claim',
  'event-complete',
  'event-release',
  'acquire',
  'release-lock',
  'state-load',
  'state-save',
  'open',
  'statements',
  'notify',
] as const;
// The construct's setting: a failed invocation is retried twice, then parked.
const RETRIES = 2;
const T0 = Date.UTC(2025, 0, 6, 10);
const CLUSTER = 'misybot-db';
// No advice in this suite: the parser is WebAssembly, and the advisor's own failures are tested elsewhere.
const settings = { ...SETTINGS, maxAdvisedQueries: 0 };

interface Scenario {
  readonly plan: FaultPlan;
  readonly slow: boolean;
  readonly heldForMs: number;
}

const scenarios: fc.Arbitrary<Scenario> = fc.record({
  plan: faultPlans(SITES),
  slow: fc.boolean(),
  heldForMs: fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 1, max: 900_000 })),
});

function world(scenario: Scenario) {
  const clock = manualClock(T0);
  const injector = new Injector(scenario.plan);
  const raise = (site: string) => {
    const fault = injector.next(site);
    if (fault) throw faultError(fault === 'partial' ? 'timeout' : fault, site);
  };
  const lock = faultyLock(injector);
  const events = faultyIdempotency(clock.now, injector);
  const db = new FakeDatabase();
  db.snapshot = { takenAt: T0, entries: [entry('111', ORDERS_BY_CUSTOMER, 500, scenario.slow ? 40 : 1)] };
  const statements = db.statements.bind(db);
  db.statements = async () => {
    raise('statements');
    return statements();
  };
  let state: AnalysisState = {};
  let currentRun = '';
  let saves = 0;
  let stored = false;
  let digests = 0;
  const violations: string[] = [];
  const log = new RecordingLog();
  const handler = createSlowQueriesHandler({
    analysis: {
      store: {
        async load() {
          raise('state-load');
          return state;
        },
        async save(_cluster, next) {
          // A retry may store again after a write whose answer was lost, never after a known one.
          if (stored) violations.push('a second report stored after one the run knew was stored');
          const fault = injector.next('state-save');
          if (fault === 'throttle' || fault === '5xx') throw faultError(fault, 'state-save');
          state = next;
          saves++;
          if (fault) throw faultError('timeout', 'state-save');
          stored = true;
          const total = next.snapshot.entries.length;
          return { snapshotStatements: total, totalStatements: total, reportTrimmed: false };
        },
        async saveWarned(_cluster, warned) {
          state = { ...state, warned: [...warned] };
        },
      },
      openDatabase: async () => {
        if (lock.leases.get(`queries#${CLUSTER}`)?.owner !== currentRun)
          violations.push('the database opened without the cluster lease');
        raise('open');
        return db;
      },
      loadParser: async () => {
        throw new Error('no advice in this suite');
      },
      notifier: {
        publish: async () => {
          raise('notify');
          digests++;
        },
      },
      run: { idempotency: events, lock, clock: clock.now, sleep: clock.sleep, random: () => 0.5 },
    },
    logger: log,
    metrics: silentMetrics,
    config: { analysis: settings, fleetMaxCapacity: 10, lambdaConcurrency: 4, clusterId: CLUSTER },
    clock: clock.now,
  });
  if (scenario.heldForMs > 0)
    lock.leases.set(`queries#${CLUSTER}`, { owner: 'another-run', until: T0 + scenario.heldForMs });
  let attempt = 0;
  const invoke = () => {
    currentRun = `req-${attempt++}`;
    return handler({ id: 'evt-1', 'detail-type': 'Scheduled Event', source: 'aws.events', detail: {} }, {
      awsRequestId: currentRun,
      getRemainingTimeInMillis: () => 300_000,
    } as unknown as Context);
  };
  return { clock, injector, events, log, invoke, violations, actions: () => saves + digests };
}

describe('slow-queries handler under injected faults', () => {
  it(`ends every run in a record, never analyses without the lease or stores a known report again, and never loses an event (${RUNS} runs)`, async () => {
    await faultSuite('slow-queries', scenarios, (scenario) => {
      const w = world(scenario);
      return deliverOneEvent(w, w.events.records, 'slow-queries#evt-1', RETRIES);
    });
  }, 600_000);

  it('loses no event whose work failed: done within the retries, parked (and alarmed) beyond them', async () => {
    const work = ['state-load', 'open', 'statements', 'notify', 'event-claim', 'acquire'] as const;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...work),
        fc.integer({ min: 1, max: RETRIES + 2 }),
        async (site, times) => {
          const w = world({ plan: failing(site, times), slow: true, heldForMs: 0 });
          const delivery = await deliver(w.invoke, w.log, w.clock.advance, RETRIES);
          expectDoneOrParked(
            delivery,
            w.events.records.get('slow-queries#evt-1')?.status === 'completed',
            times,
            RETRIES,
          );
        },
      ),
      { numRuns: 300 },
    );
  }, 600_000);
});
