import type { RegionActions, RegionStateStore } from '../../../../../functions/core/failover/region/ports';
import { RegionStateConflictError } from '../../../../../functions/core/failover/region/ports';
import { REGION_LOCK, runRegionFailover } from '../../../../../functions/core/failover/region/service';
import type {
  RegionAction,
  RegionFailoverState,
  RegionObservation,
} from '../../../../../functions/core/failover/region/types';
import type { ActionOutcome, Severity } from '../../../../../functions/core/failover/types';
import { InMemoryLock, runDeps } from '../fakes';
import { observation, PRIMARY, primaryDown, SECONDARY, settings, T0 } from './fixtures';

/** The region function's timeout. */
const DEADLINE_MS = 900_000;

class MemoryRegionStore implements RegionStateStore {
  item: RegionFailoverState | undefined;
  saves = 0;
  async load() {
    return this.item;
  }
  async save(state: RegionFailoverState, expectedVersion: number) {
    if ((this.item?.version ?? 0) !== expectedVersion) throw new RegionStateConflictError(expectedVersion);
    this.item = { ...state, version: expectedVersion + 1 };
    this.saves += 1;
    return this.item;
  }
}

/** Each action takes `stepMs` of the simulated clock; the ones in `failing` fail. */
class TimedActions implements RegionActions {
  readonly executed: RegionAction[] = [];
  constructor(
    private readonly clock: { now: number },
    private readonly stepMs: number,
    private readonly failing: RegionAction['kind'][] = [],
  ) {}
  async execute(action: RegionAction): Promise<ActionOutcome> {
    this.executed.push(action);
    this.clock.now += this.stepMs;
    return this.failing.includes(action.kind)
      ? { ok: false, failure: 'throttled', message: 'Rate exceeded', accepted: false }
      : { ok: true };
  }
}

function harness(obs: (now: number) => RegionObservation, failing: RegionAction['kind'][] = []) {
  const clock = { now: T0 };
  const store = new MemoryRegionStore();
  const actions = new TimedActions(clock, 20_000, failing);
  const alerts: { severity: Severity; subject: string }[] = [];
  const lock = new InMemoryLock();
  const deps = {
    store,
    actions,
    run: runDeps(
      {
        now: () => clock.now,
        advance: (ms) => {
          clock.now += ms;
        },
      },
      lock,
    ),
    observer: { observe: async () => obs(clock.now) },
    notifier: { send: async (alert: { severity: Severity; subject: string }) => void alerts.push(alert) },
    owner: 'run-1',
    clock: () => clock.now,
  };
  let id = 0;
  const run = (request: Parameters<typeof runRegionFailover>[1]['request'], dryRun = false) =>
    runRegionFailover(deps, { id: `event-${++id}`, request, dryRun }, settings, clock.now + DEADLINE_MS);
  return { clock, store, actions, alerts, lock, deps, run };
}

const failover = (confirm = false) =>
  ({
    kind: 'command',
    command: 'failover',
    confirm,
    reason: 'eu-west-1 outage',
    requestedBy: 'oncall',
  }) as const;

describe('runRegionFailover', () => {
  it('fails over automatically after the hold-down and measures RTO and RPO in the timeline', async () => {
    const h = harness(primaryDown);
    expect((await h.run({ kind: 'observe' })).status).toBe('decided');
    h.clock.now += 300_000;
    const outcome = await h.run({ kind: 'observe' });
    expect(outcome.status).toBe('executed');
    if (outcome.status !== 'executed') return;
    expect(outcome.timeline).toMatchObject({
      kind: 'failover',
      automatic: true,
      status: 'completed',
      from: PRIMARY,
      to: SECONDARY,
      detectedAt: T0 - 5_000,
      rpoSeconds: 2,
    });
    // 305 s of hold-down, then 8 steps of 20 s each, traffic verified by the last one.
    expect(outcome.timeline?.rtoSeconds).toBe(305 + 8 * 20);
    expect(outcome.state.activeRegion).toBe(SECONDARY);
    expect(outcome.state.history).toEqual([{ at: T0 + 300_000, kind: 'failover', automatic: true }]);
    expect(h.actions.executed[1]).toEqual({
      kind: 'failover-database',
      region: SECONDARY,
      allowDataLoss: true,
    });
    expect(h.alerts.map((a) => a.severity)).toEqual(['critical', 'info']);
    expect(h.lock.leases.has(REGION_LOCK)).toBe(false);
  });

  it('acts on nothing in a dry run and says what it would do', async () => {
    const h = harness(observation);
    const outcome = await h.run(
      { kind: 'command', command: 'drill', confirm: false, reason: 'game day', requestedBy: 'sre' },
      true,
    );
    expect(outcome.status).toBe('dry-run');
    if (outcome.status !== 'dry-run') return;
    expect(outcome.decision.plan.length).toBe(16);
    expect(h.actions.executed).toEqual([]);
    expect(h.store.saves).toBe(0);
  });

  it('pages a human once per unhealthy streak when a guard refuses the automatic failover', async () => {
    const lagging = (now: number) =>
      primaryDown(now, { replicationLagMs: { value: 20_000, at: now, complete: true } });
    const h = harness(lagging);
    for (let minute = 0; minute <= 10; minute++) {
      expect((await h.run({ kind: 'observe' })).status).toBe('decided');
      h.clock.now += 60_000;
    }
    expect(h.actions.executed).toEqual([]);
    expect(h.alerts).toEqual([
      {
        severity: 'critical',
        subject: 'Region failover needs a human: eu-west-1 is down',
        message: expect.stringMatching(/replication-lag/),
      },
    ]);
  });

  it('runs a confirmed manual failover past unknown lag and names who accepted the data loss', async () => {
    const h = harness((now) => primaryDown(now, { rpoLagSeconds: undefined }));
    const refused = await h.run(failover());
    expect(refused.status === 'decided' && refused.decision.verdict).toBe('needs-human');
    const outcome = await h.run(failover(true));
    expect(outcome.status === 'executed' && outcome.timeline).toMatchObject({
      dataLossConfirmedBy: 'oncall',
      status: 'completed',
    });
    expect(outcome.status === 'executed' && outcome.timeline?.rpoSeconds).toBeUndefined();
  });

  it('stops at the first failed step, keeps the region it had, and pages with the timeline', async () => {
    const h = harness(observation, ['failover-cache']);
    const outcome = await h.run({
      kind: 'command',
      command: 'switchover',
      confirm: false,
      reason: 'maintenance',
      requestedBy: 'sre',
    });
    expect(outcome.status).toBe('executed');
    if (outcome.status !== 'executed') return;
    expect(outcome.timeline?.status).toBe('failed');
    expect(outcome.timeline?.rpoSeconds).toBe(0);
    expect(outcome.timeline?.trafficMovedAt).toBeUndefined();
    expect(h.actions.executed.map((a) => a.kind)).toEqual([
      'scale-fleet',
      'switchover-database',
      'wait-database-writer',
      'failover-cache',
    ]);
    expect(outcome.state.activeRegion).toBe(PRIMARY);
    expect(h.alerts.at(-1)).toMatchObject({
      severity: 'critical',
      subject: expect.stringMatching(/stopped at "fail the Global Datastore over/),
    });
  });

  it('leaves an event for its retry while another run holds the lease, and does nothing for a redelivery once done', async () => {
    const h = harness(observation);
    await h.lock.acquire(REGION_LOCK, 'someone-else', 60_000, T0);
    const event = { id: 'event-1', request: { kind: 'observe' }, dryRun: false } as const;
    const busy = await runRegionFailover(h.deps, event, settings, h.clock.now + DEADLINE_MS);
    expect(busy).toMatchObject({ status: 'busy', record: { event: 'retry' } });
    await h.lock.release(REGION_LOCK, 'someone-else');
    const retried = await runRegionFailover(h.deps, event, settings, h.clock.now + DEADLINE_MS);
    expect(retried).toMatchObject({ status: 'decided', record: { event: 'done' } });
    const again = await runRegionFailover(h.deps, event, settings, h.clock.now + DEADLINE_MS);
    expect(again.status).toBe('duplicate');
  });

  it('writes nothing on a quiet observation once the state exists', async () => {
    const h = harness(observation);
    await h.run({ kind: 'observe' });
    await h.run({ kind: 'observe' });
    expect(h.store.saves).toBe(1);
  });
});
