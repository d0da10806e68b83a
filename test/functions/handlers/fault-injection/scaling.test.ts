import fc from 'fast-check';
import { defaultPolicyInput } from '../../../../functions/core/scaling/default-policy';
import { parsePolicySet } from '../../../../functions/core/scaling/policy-schema';
import type {
  DecisionRecord,
  GroupSnapshot,
  MetricRead,
  MetricRequest,
  ScalingDeps,
  ScalingHistory,
} from '../../../../functions/core/scaling/ports';
import { runScaling } from '../../../../functions/core/scaling/service';
import type { ScalingActivity } from '../../../../functions/core/scaling/types';
import { createScalingHandler } from '../../../../functions/handlers/scaling/handler';
import { manualClock } from '../../../support/memory-coordination';
import { historyOf } from '../../core/scaling/service-fakes';
import {
  deliver,
  deliverOneEvent,
  expectDoneOrParked,
  type FaultPlan,
  failing,
  faultPlans,
  faultSuite,
  faultyIdempotency,
  faultyLock,
  Injector,
  RecordingLog,
  RUNS,
  silentMetrics,
} from './faults';

const T0 = Date.parse('2026-01-01T12:00:00Z');
const GROUP = 'misybot-fleet';
const LEASE = `scaling#${GROUP}`;
const SITES = [
  'event-claim',
  'event-complete',
  'event-release',
  'acquire',
  'release-lock',
  'policy',
  'group',
  'history',
  'metrics',
  'set-capacity',
  'hold',
  'notify',
  'record',
  'intent',
] as const;
const { scaleOut, scaleIn } = defaultPolicyInput.behaviour;
/** The default policy's cooldown before a change in `direction`. */
const cooldownMs = (direction: 'out' | 'in') =>
  (direction === 'out' ? scaleOut : scaleIn).cooldownSeconds * 1000;
// The construct's setting: a failed invocation is retried twice, then parked.
const RETRIES = 2;

interface Scenario {
  readonly plan: FaultPlan;
  readonly min: number;
  readonly span: number;
  readonly start: number;
  readonly cpu: number;
  readonly memory: number;
  /** Another run holds the group's lease for this long when the event arrives (0: free). */
  readonly heldForMs: number;
  /** The group's activity history lags: its latest change is not listed yet. */
  readonly historyLags: boolean;
}

const scenarios: fc.Arbitrary<Scenario> = fc.record({
  plan: faultPlans(SITES),
  min: fc.integer({ min: 1, max: 4 }),
  span: fc.integer({ min: 1, max: 10 }),
  start: fc.nat({ max: 100 }),
  cpu: fc.integer({ min: 0, max: 100 }),
  memory: fc.integer({ min: 0, max: 100 }),
  heldForMs: fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 1, max: 400_000 })),
  historyLags: fc.boolean(),
});

/** The group, its metrics and the engine's stores, behind ports that meet the plan's faults. */
function world(scenario: Scenario) {
  const clock = manualClock(T0);
  const injector = new Injector(scenario.plan);
  const lock = faultyLock(injector);
  const idempotency = faultyIdempotency(clock.now, injector);
  const min = scenario.min;
  const max = min + scenario.span;
  const group = {
    desired: min + (scenario.start % (scenario.span + 1)),
    activities: [] as ScalingActivity[],
  };
  const decisions: DecisionRecord[] = [];
  let intended: ScalingActivity | undefined;
  const violations: string[] = [];
  let actions = 0;
  let currentRun = '';
  const instances = () =>
    Array.from({ length: group.desired }, (_, i) => ({
      id: `i-${i}`,
      launchTime: T0 - 3_600_000,
      lifecycleState: 'InService' as const,
    }));
  const write = async <T>(site: string, apply: () => T): Promise<T> => {
    const fault = injector.next(site);
    if (fault === 'throttle' || fault === '5xx')
      throw Object.assign(new Error(`${site} ${fault}`), { name: 'ThrottlingException' });
    const result = apply();
    if (fault) throw Object.assign(new Error(`${site} ${fault}`), { name: 'TimeoutError' });
    return result;
  };
  const deps: ScalingDeps = {
    group: {
      async read(): Promise<GroupSnapshot> {
        const fault = injector.throwing('group');
        const activities = scenario.historyLags ? group.activities.slice(0, -1) : group.activities;
        const bounds =
          fault === 'partial'
            ? { minCapacity: Number.NaN, maxCapacity: Number.NaN }
            : { minCapacity: min, maxCapacity: max };
        return { group: { ...bounds, desiredCapacity: group.desired, instances: instances() }, activities };
      },
      async setDesiredCapacity(capacity) {
        if (lock.leases.get(LEASE)?.owner !== currentRun)
          violations.push(`set ${capacity} without the lease`);
        if (capacity < min || capacity > max) violations.push(`set ${capacity} outside [${min}, ${max}]`);
        const wait = cooldownMs(capacity > group.desired ? 'out' : 'in');
        const last = group.activities.findLast(
          (a) => capacity < group.desired || a.toCapacity > a.fromCapacity,
        );
        if (last !== undefined && clock.now() - last.startTime < wait)
          violations.push(
            `set ${capacity} ${clock.now() - last.startTime} ms after the change to ${last.toCapacity}`,
          );
        await write('set-capacity', () => {
          actions++;
          group.activities.push({
            startTime: clock.now(),
            fromCapacity: group.desired,
            toCapacity: capacity,
          });
          group.desired = capacity;
        });
      },
    },
    metrics: {
      supports: (name) => name === 'cpu' || name === 'memory',
      async read(request: MetricRequest): Promise<MetricRead> {
        if (injector.throwing('metrics') === 'partial') {
          return { series: [], skipped: request.names.map((source) => ({ source, reason: 'PartialData' })) };
        }
        const values: Record<string, number> = { cpu: scenario.cpu, memory: scenario.memory };
        return {
          series: request.names.map((name) => ({
            name,
            byInstance: Object.fromEntries(
              request.instances.map((i) => [
                i.id,
                [{ timestamp: request.end - 60_000, value: values[name]! }],
              ]),
            ),
          })),
          skipped: [],
        };
      },
    },
    state: {
      async loadPolicyOverride() {
        injector.throwing('policy');
        return undefined;
      },
      async loadHistory(_group, since): Promise<ScalingHistory> {
        const partial = injector.throwing('history') === 'partial';
        // Partial: the latest decision is not read back.
        return {
          ...historyOf(decisions.filter((d) => d.decision.time > since).slice(0, partial ? -1 : undefined)),
          ...(intended !== undefined && intended.startTime > since ? { intendedChange: intended } : {}),
        };
      },
      recordIntent: (_group, change) =>
        write('intent', () => {
          intended = change;
        }),
      recordDecision: (_group, record) => write('record', () => void decisions.push(record)),
      recordFailure: (_group) => write('record', () => undefined),
    },
    notifier: {
      scaled: () => write('notify', () => undefined),
      saturated: () => write('notify', () => undefined),
    },
    holds: { setHold: () => write('hold', () => undefined) },
    run: { idempotency, lock, clock: clock.now, sleep: clock.sleep, random: () => 0.5 },
    settings: {
      groupName: GROUP,
      defaultPolicy: parsePolicySet(defaultPolicyInput),
      dryRun: false,
      leaseMs: 120_000,
    },
  };
  if (scenario.heldForMs > 0)
    lock.leases.set(LEASE, { owner: 'another-run', until: T0 + scenario.heldForMs });
  const log = new RecordingLog();
  const handler = createScalingHandler({
    groupName: GROUP,
    run: (request) => {
      currentRun = request.runId;
      return runScaling(deps, request);
    },
    metrics: silentMetrics,
    log,
    now: clock.now,
  });
  let attempt = 0;
  const invoke = () =>
    handler(
      {
        id: 'event-1',
        'detail-type': 'Scheduled Event',
        source: 'aws.events',
        time: '2026-01-01T12:00:00Z',
        resources: [],
      },
      { awsRequestId: `req-${attempt++}`, getRemainingTimeInMillis: () => 60_000 },
    );
  return { clock, injector, idempotency, log, invoke, violations, actions: () => actions };
}

describe('scaling handler under injected faults', () => {
  it(`ends every run in a record, never acts outside [min, max] or without the lease, and never loses an event (${RUNS} runs)`, async () => {
    await faultSuite('scaling', scenarios, (scenario) => {
      const w = world(scenario);
      return deliverOneEvent(w, w.idempotency.records, 'scaling:event-1', RETRIES);
    });
  }, 600_000);

  it('loses no event whose work failed: done within the retries, parked (and alarmed) beyond them', async () => {
    const work = ['policy', 'group', 'history', 'set-capacity', 'event-claim', 'acquire'] as const;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...work),
        fc.integer({ min: 1, max: RETRIES + 2 }),
        async (site, times) => {
          const w = world({
            plan: failing(site, times),
            min: 2,
            span: 8,
            start: 2,
            cpu: 90,
            memory: 50,
            heldForMs: 0,
            historyLags: false,
          });
          const delivery = await deliver(w.invoke, w.log, w.clock.advance, RETRIES);
          expectDoneOrParked(
            delivery,
            w.idempotency.records.get('scaling:event-1')?.status === 'completed',
            times,
            RETRIES,
          );
        },
      ),
      { numRuns: 300 },
    );
  }, 600_000);
});
