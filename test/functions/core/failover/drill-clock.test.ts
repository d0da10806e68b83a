import fc from 'fast-check';
import { type FailoverDeps, handleFailoverEvent } from '../../../../functions/core/failover/service';
import { FakeAurora } from './fake-aurora';
import { deadlineAfter, InMemoryStore, RecordingNotifier, runDeps, SimulatedClock } from './fakes';
import { T0, testSettings } from './fixtures';

const CHECK_MS = 10_000;
const ACTION_MS = 1_000;
// One failover action: FailoverDBCluster plus the read that sees the new writer.
const ONE_FAILOVER_ACTION_MS = 2 * ACTION_MS;
const settings = testSettings({ failureThreshold: 2 });

function cluster() {
  const clock = new SimulatedClock(T0);
  const cloud = new FakeAurora(clock, ACTION_MS);
  const store = new InMemoryStore();
  const notifier = new RecordingNotifier();
  const deps: FailoverDeps = {
    store,
    actions: cloud,
    observer: cloud,
    notifier,
    run: runDeps(clock),
    owner: 'scheduler',
    clock: clock.now,
  };
  let check = 0;
  /** Runs the health check due at `T0 + n × 10 s`, moving the clock there first. */
  const runCheck = async () => {
    check += 1;
    clock.time = Math.max(clock.time, T0 + check * CHECK_MS);
    await handleFailoverEvent(
      deps,
      { kind: 'health', id: `check-${check}`, component: 'database', health: cloud.snapshot() },
      settings,
      clock.time,
      deadlineAfter(clock.time),
    );
  };
  return { clock, cloud, store, notifier, deps, runCheck };
}

describe('failover drill on a simulated clock (10 s checks, failure threshold 2)', () => {
  it('switches within two check intervals plus one failover action of the primary going down', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: CHECK_MS - 1 }), async (offset) => {
        const c = cluster();
        await c.runCheck();
        const downAt = T0 + CHECK_MS + offset;
        c.clock.time = downAt;
        c.cloud.healthy.set('db-1', false);
        for (let i = 0; i < 4; i++) await c.runCheck();
        const incident = (await c.store.load('database'))?.incident;
        expect(c.cloud.writer).toBe('db-2');
        expect(incident?.switchedAt).toBeDefined();
        expect(incident!.switchedAt! - downAt).toBeLessThanOrEqual(2 * CHECK_MS + ONE_FAILOVER_ACTION_MS);
      }),
    );
  });

  it('measures the worst case: down just after a check, switched 21.999 s later', async () => {
    const c = cluster();
    await c.runCheck();
    const downAt = T0 + CHECK_MS + 1;
    c.clock.time = downAt;
    c.cloud.healthy.set('db-1', false);
    for (let i = 0; i < 3; i++) await c.runCheck();
    const incident = (await c.store.load('database'))?.incident;
    expect(incident).toMatchObject({ detectedAt: T0 + 2 * CHECK_MS, decidedAt: T0 + 3 * CHECK_MS });
    expect(incident!.switchedAt! - downAt).toBe(21_999);
  });

  it('never fails over a primary that flaps on every check', async () => {
    const c = cluster();
    for (let i = 0; i < 200; i++) {
      c.cloud.healthy.set('db-1', i % 2 === 1);
      await c.runCheck();
    }
    expect(c.cloud.promotions).toEqual([]);
    expect((await c.store.load('database'))?.phase).toBe('primary');
  });

  it('runs a drill end to end and alerts with its timeline', async () => {
    const c = cluster();
    const result = await handleFailoverEvent(
      c.deps,
      {
        kind: 'command',
        id: 'drill-1',
        component: 'database',
        command: 'drill',
        dryRun: false,
        reason: 'quarterly drill',
        requestedBy: 'sre',
      },
      settings,
      T0,
      deadlineAfter(T0),
    );
    expect(result).toMatchObject({ status: 'executed', verdict: 'completed', phase: 'primary' });
    expect(c.cloud.promotions.map((p) => p.target)).toEqual(['db-2', 'db-1']);
    const drill = c.store.incidents[0];
    expect(drill).toMatchObject({
      status: 'recovered',
      switchedAt: T0 + 2000,
      recoveredAt: T0 + 4000,
      totalMs: 4000,
    });
    expect(c.notifier.sent.at(-1)?.message).toContain('switched +2.0s, recovered +4.0s, total 4.0s');
  });
});
