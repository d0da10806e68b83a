import { decide } from '../../../../functions/core/failover/machine';
import { summarise } from '../../../../functions/core/failover/timeline';
import type { ActionOutcome, FailoverState } from '../../../../functions/core/failover/types';
import {
  alerts,
  allSucceed,
  cacheHealth,
  command,
  dbHealth,
  dnsHealth,
  failAt,
  health,
  resourceSteps,
  stateOf,
  T0,
  testSettings,
} from './fixtures';

const settings = testSettings();
const down = dbHealth({ primary: { healthy: false } });
const writerNeverChanged: ActionOutcome = {
  ok: false,
  failure: 'timeout',
  message: 'deadline passed: writer is db-1, cluster failing-over',
  accepted: false,
};

function started(state: FailoverState = stateOf('database')) {
  const first = decide(state, health('e1', down), settings, T0);
  return decide(first.next, health('e2', down), settings, T0 + 10_000);
}

describe('applying an operation outcome', () => {
  it('marks the component secondary only when every step up to the verification succeeded', () => {
    const d = started();
    const records = allSucceed(d.plan, T0 + 11_000);
    const done = decide(
      d.next,
      { kind: 'outcome', operationId: 'e2', results: records },
      settings,
      T0 + 14_000,
    );
    expect(done.verdict).toBe('completed');
    expect(done.next).toMatchObject({
      phase: 'secondary',
      activeTarget: 'db-2',
      primaryId: 'db-1',
      operation: undefined,
    });
    expect(done.next.incident).toMatchObject({
      status: 'switched',
      detectedAt: T0,
      decidedAt: T0 + 10_000,
      switchedAt: T0 + 13_000,
    });
    expect(done.next.history).toEqual([
      { at: T0 + 10_000, kind: 'failover', automatic: true, testFailoverCalls: 0 },
    ]);
  });

  it('keeps the component on its primary and pages when the failover was accepted but the writer never changed', () => {
    const d = started();
    const records = failAt(d.plan, T0 + 11_000, 1, writerNeverChanged);
    const done = decide(
      d.next,
      { kind: 'outcome', operationId: 'e2', results: records },
      settings,
      T0 + 320_000,
    );
    expect(done.verdict).toBe('failed');
    expect(done.next.phase).toBe('primary');
    expect(done.next.activeTarget).toBeUndefined();
    expect(alerts(done.plan)[0]).toMatchObject({
      severity: 'critical',
      subject: expect.stringContaining('operator needed'),
    });
    expect(alerts(done.plan)[0]?.message).toContain('wait-for-writer db-2: timeout');
    // AWS accepted the failover, so it counts against the rate limits.
    expect(done.next.history).toHaveLength(1);
    expect(done.closedIncident).toMatchObject({ status: 'failed', totalMs: 320_000 });
  });

  it('records a throttled first step as not accepted and leaves no history behind', () => {
    const d = started();
    const throttled: ActionOutcome = {
      ok: false,
      failure: 'throttled',
      message: 'ThrottlingException: Rate exceeded',
      accepted: false,
    };
    const done = decide(
      d.next,
      { kind: 'outcome', operationId: 'e2', results: failAt(d.plan, T0, 0, throttled) },
      settings,
      T0 + 12_000,
    );
    expect(done.next.phase).toBe('primary');
    expect(done.next.history).toEqual([]);
    expect(done.next.incident?.actions.map((a) => a.outcome.ok === false && a.outcome.failure)).toEqual([
      'throttled',
      'skipped',
    ]);
  });

  it('ignores the outcome of an operation that is not the one in progress', () => {
    const d = started();
    const done = decide(
      d.next,
      { kind: 'outcome', operationId: 'other', results: [] },
      settings,
      T0 + 12_000,
    );
    expect(done.verdict).toBe('rejected');
    expect(done.next).toBe(d.next);
  });

  it('closes a drill as recovered with detected, decided, switched and recovered times', () => {
    const d = decide(stateOf('database'), command('drill-1', 'drill', dbHealth()), settings, T0);
    expect(resourceSteps(d.plan)).toHaveLength(4);
    const records = allSucceed(d.plan, T0 + 1000);
    const done = decide(
      d.next,
      { kind: 'outcome', operationId: 'drill-1', results: records },
      settings,
      T0 + 6000,
    );
    expect(done.next.phase).toBe('primary');
    expect(done.closedIncident).toMatchObject({
      kind: 'drill',
      status: 'recovered',
      detectedAt: T0,
      decidedAt: T0,
      switchedAt: T0 + 3000,
      recoveredAt: T0 + 5000,
      totalMs: 5000,
    });
    expect(summarise(done.closedIncident!)).toContain('switched +3.0s, recovered +5.0s, total 5.0s');
  });

  it('leaves a drill that switched but could not switch back on the standby, and pages', () => {
    const d = decide(stateOf('database'), command('drill-1', 'drill', dbHealth()), settings, T0);
    const records = failAt(d.plan, T0, 2, {
      ok: false,
      failure: 'rejected',
      message: 'InvalidDBClusterStateFault',
      accepted: false,
    });
    const done = decide(
      d.next,
      { kind: 'outcome', operationId: 'drill-1', results: records },
      settings,
      T0 + 6000,
    );
    expect(done.next).toMatchObject({ phase: 'secondary', activeTarget: 'db-2' });
    expect(alerts(done.plan)[0]?.severity).toBe('critical');
  });

  it('counts both TestFailover calls of a cache drill against the 24-hour quota', () => {
    const d = decide(stateOf('cache'), command('drill-1', 'drill', cacheHealth()), settings, T0);
    const done = decide(
      d.next,
      { kind: 'outcome', operationId: 'drill-1', results: allSucceed(d.plan, T0) },
      settings,
      T0 + 5000,
    );
    expect(done.next.history[0]?.testFailoverCalls).toBe(2);
  });

  it('keeps a DNS failover whose verification failed on the primary, remembers the inversion, and lets failback restore it', () => {
    const d = decide(stateOf('dns'), command('c1', 'failover', dnsHealth(true)), settings, T0);
    const records = failAt(d.plan, T0, 1, {
      ok: false,
      failure: 'timeout',
      message: 'still primary',
      accepted: false,
    });
    const done = decide(
      d.next,
      { kind: 'outcome', operationId: 'c1', results: records },
      settings,
      T0 + 5000,
    );
    expect(done.next).toMatchObject({ phase: 'primary', healthCheckInverted: true });
    const restore = decide(done.next, command('c2', 'failback', dnsHealth(true)), settings, T0 + 6000);
    expect(resourceSteps(restore.plan)).toEqual([
      { kind: 'restore-health-check' },
      { kind: 'verify-dns-routing', expect: 'primary' },
    ]);
    const restored = decide(
      restore.next,
      { kind: 'outcome', operationId: 'c2', results: allSucceed(restore.plan, T0 + 6000) },
      settings,
      T0 + 9000,
    );
    expect(restored.next).toMatchObject({ phase: 'primary', healthCheckInverted: false });
  });

  it('returns a failed failback to secondary, where the component still is', () => {
    const secondary = stateOf('database', { phase: 'secondary', primaryId: 'db-1', activeTarget: 'db-2' });
    const after = dbHealth({
      primaryId: 'db-2',
      standbys: [{ id: 'db-1', healthy: true, replicaLagSeconds: 0, capacity: 2 }],
    });
    const d = decide(secondary, command('c1', 'failback', after), settings, T0);
    const records = failAt(d.plan, T0, 0, {
      ok: false,
      failure: 'throttled',
      message: 'Throttling',
      accepted: false,
    });
    const done = decide(
      d.next,
      { kind: 'outcome', operationId: 'c1', results: records },
      settings,
      T0 + 2000,
    );
    expect(done.next).toMatchObject({ phase: 'secondary', activeTarget: 'db-2' });
  });
});
