import { preChecks, rateChecks } from '../../../../functions/core/failover/guards';
import { stateOf, T0, testSettings } from './fixtures';

const settings = testSettings({ maxReplicaLagSeconds: 10 });
const reader = (lag: number | undefined, problem?: string) => ({
  id: 'db-2',
  healthy: true,
  capacity: 2,
  ...(lag === undefined ? {} : { replicaLagSeconds: lag }),
  ...(problem ? { replicaLagProblem: problem } : {}),
});
const lagCheck = (lag: number | undefined, problem?: string) =>
  preChecks('database', reader(lag, problem), { id: 'db-1', healthy: false, capacity: 2 }, settings).find(
    (c) => c.guard === 'replica-lag',
  );

describe('preChecks: replica lag', () => {
  it('passes a measured lag up to the bound, inclusive', () => {
    expect(lagCheck(0)?.passed).toBe(true);
    expect(lagCheck(10)?.passed).toBe(true);
    expect(lagCheck(10.001)).toMatchObject({ passed: false, detail: 'db-2 lags 10.001s (bound 10s)' });
  });

  it('refuses a negative lag: Aurora reports -1 for a reader that is not replicating', () => {
    expect(lagCheck(-0.001)).toEqual({
      guard: 'replica-lag',
      passed: false,
      detail: 'db-2 reports a negative replica lag (-0.001s): not a measurement, refused',
    });
  });

  it('fails closed on an unknown lag, saying why it is unknown', () => {
    expect(lagCheck(undefined, 'newest AuroraReplicaLag datapoint is 240s old (at most 180s)')).toEqual({
      guard: 'replica-lag',
      passed: false,
      detail:
        'db-2 reports no replica lag (newest AuroraReplicaLag datapoint is 240s old (at most 180s)): unknown, refused',
    });
    expect(lagCheck(undefined)?.detail).toBe('db-2 reports no replica lag: unknown, refused');
  });

  it('does not ask a cache replica for a lag it has no notion of', () => {
    const checks = preChecks(
      'cache',
      { id: 'c-002', healthy: true },
      { id: 'c-001', healthy: false },
      settings,
    );
    expect(checks.map((c) => c.guard)).toEqual(['target-healthy']);
  });
});

describe('rateChecks: minimum interval', () => {
  const minimum = Math.max(settings.minSecondsBetweenFailovers, settings.holdDownSeconds) * 1000;
  const checkAfter = (elapsedMs: number) =>
    rateChecks(
      stateOf('database', { history: [{ at: T0, kind: 'failover', automatic: true, testFailoverCalls: 0 }] }),
      { kind: 'failover', automatic: true, testFailoverCalls: 0 },
      settings,
      T0 + elapsedMs,
    ).find((c) => c.guard === 'min-interval');

  it('allows the next automatic failover exactly at the minimum interval, not a millisecond before', () => {
    expect(checkAfter(minimum)?.passed).toBe(true);
    expect(checkAfter(minimum - 1)?.passed).toBe(false);
  });

  it('measures from the last switch away, and never closer than the hold-down', () => {
    const longHold = testSettings({ minSecondsBetweenFailovers: 60, holdDownSeconds: 900 });
    const check = rateChecks(
      stateOf('database', { history: [{ at: T0, kind: 'failback', automatic: true, testFailoverCalls: 0 }] }),
      { kind: 'failover', automatic: true, testFailoverCalls: 0 },
      longHold,
      T0 + 1000,
    ).find((c) => c.guard === 'min-interval');
    expect(check).toEqual({ guard: 'min-interval', passed: true, detail: 'no earlier switch' });
    const recent = rateChecks(
      stateOf('database', { history: [{ at: T0, kind: 'drill', automatic: false, testFailoverCalls: 0 }] }),
      { kind: 'failover', automatic: true, testFailoverCalls: 0 },
      longHold,
      T0 + 899_000,
    ).find((c) => c.guard === 'min-interval');
    expect(recent).toEqual({
      guard: 'min-interval',
      passed: false,
      detail: 'last switch 899s ago (minimum 900s)',
    });
  });
});
