import {
  chooseTarget,
  type GuardCheck,
  healthOf,
  holdDownCheck,
  preChecks,
  pruneHistory,
  rateChecks,
} from '../../../../functions/core/failover/guards';
import type { HealthSnapshot } from '../../../../functions/core/failover/types';
import { dbHealth, stateOf, T0, testSettings } from './fixtures';

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

describe('healthOf', () => {
  const snapshot = dbHealth();

  it('finds the target in whichever role the snapshot reports it', () => {
    expect(healthOf(snapshot, 'db-1')).toBe(snapshot.primary);
    expect(healthOf(snapshot, 'db-3')).toBe(snapshot.standbys[1]);
  });

  it('says nothing about a target the snapshot does not report', () => {
    expect(healthOf(snapshot, 'db-9')).toBeUndefined();
  });
});

describe('preChecks: health, lag and capacity', () => {
  it('names an unhealthy candidate as unhealthy and fails it', () => {
    const [healthy] = preChecks('dns', { id: 'secondary', healthy: false }, undefined, settings);
    expect(healthy).toEqual({ guard: 'target-healthy', passed: false, detail: 'secondary is unhealthy' });
  });

  it('checks the lag of any standby that reports one, not only a database reader', () => {
    const checks = preChecks(
      'cache',
      { id: 'c-002', healthy: true, replicaLagSeconds: 11 },
      undefined,
      settings,
    );
    expect(checks).toEqual([
      { guard: 'target-healthy', passed: true, detail: 'c-002 is healthy' },
      { guard: 'replica-lag', passed: false, detail: 'c-002 lags 11s (bound 10s)' },
    ]);
  });

  it('reads a lag of zero as a measurement, not as a refusal', () => {
    expect(lagCheck(0)).toEqual({ guard: 'replica-lag', passed: true, detail: 'db-2 lags 0s (bound 10s)' });
  });

  it('skips the capacity check when the current primary has no known capacity', () => {
    const checks = preChecks('database', reader(1), undefined, settings);
    expect(checks.map((c) => c.guard)).toEqual(['target-healthy', 'replica-lag']);
    const unknown = preChecks('database', reader(1), { id: 'db-1', healthy: false }, settings);
    expect(unknown.map((c) => c.guard)).toEqual(['target-healthy', 'replica-lag']);
  });

  it('needs the standby to hold the configured fraction of the primary, inclusive', () => {
    const primary = { id: 'db-1', healthy: false, capacity: 4 };
    const capacityCheck = (capacity: number | undefined) =>
      preChecks('database', { ...reader(1), capacity }, primary, settings).find(
        (c) => c.guard === 'standby-capacity',
      );
    expect(capacityCheck(2)).toEqual({
      guard: 'standby-capacity',
      passed: true,
      detail: 'db-2 has capacity 2, needs 2 (0.5 of 4)',
    });
    expect(capacityCheck(1)?.passed).toBe(false);
    expect(capacityCheck(undefined)).toEqual({
      guard: 'standby-capacity',
      passed: false,
      detail: 'db-2 has capacity unknown, needs 2 (0.5 of 4)',
    });
  });
});

describe('chooseTarget', () => {
  it('picks the passing standby with the lowest replica lag, whatever the listing order', () => {
    const snapshot = dbHealth({
      standbys: [
        { id: 'db-3', healthy: true, replicaLagSeconds: 4, capacity: 2 },
        { id: 'db-2', healthy: true, replicaLagSeconds: 1, capacity: 2 },
        { id: 'db-4', healthy: true, replicaLagSeconds: 7, capacity: 2 },
      ],
    });
    expect(chooseTarget('database', snapshot, settings).target?.id).toBe('db-2');
  });

  it('ranks a standby that reports no lag as lag zero when its component needs none', () => {
    const snapshot: HealthSnapshot = {
      primary: { id: 'c-001', healthy: false },
      standbys: [
        { id: 'c-002', healthy: true, replicaLagSeconds: 3 },
        { id: 'c-003', healthy: true },
      ],
    };
    expect(chooseTarget('cache', snapshot, settings).target?.id).toBe('c-003');
  });

  it('takes the requested standby when it passes, even with more lag than another', () => {
    const choice = chooseTarget('database', dbHealth(), settings, 'db-3');
    expect(choice.target?.id).toBe('db-3');
    expect(choice.checks.every((c) => c.passed)).toBe(true);
  });

  it('refuses a requested target that is not a standby, naming it', () => {
    expect(chooseTarget('database', dbHealth(), settings, 'db-1')).toEqual({
      target: undefined,
      checks: [{ guard: 'target-healthy', passed: false, detail: 'db-1 is not a standby of database' }],
    });
  });

  it('refuses when the component has no standby at all', () => {
    expect(chooseTarget('database', dbHealth({ standbys: [] }), settings)).toEqual({
      target: undefined,
      checks: [{ guard: 'target-healthy', passed: false, detail: 'database has no standby' }],
    });
  });

  it('never picks a standby that fails a pre-check, and reports only the failed checks', () => {
    const snapshot = dbHealth({
      standbys: [
        { id: 'db-2', healthy: false, replicaLagSeconds: 1, capacity: 2 },
        { id: 'db-3', healthy: true, replicaLagSeconds: 40, capacity: 2 },
      ],
    });
    expect(chooseTarget('database', snapshot, settings)).toEqual({
      target: undefined,
      checks: [
        { guard: 'target-healthy', passed: false, detail: 'db-2 is unhealthy' },
        { guard: 'replica-lag', passed: false, detail: 'db-3 lags 40s (bound 10s)' },
      ],
    });
  });
});

describe('rateChecks: halt, hourly limit, drills and the TestFailover quota', () => {
  const HOUR = 3_600_000;
  const automaticFailover = { kind: 'failover', automatic: true, testFailoverCalls: 0 } as const;
  const switchAt = (at: number, kind: 'failover' | 'failback' | 'drill' = 'failover', automatic = true) => ({
    at,
    kind,
    automatic,
    testFailoverCalls: 0,
  });
  const guardOf = (checks: GuardCheck[], guard: string) => checks.find((c) => c.guard === guard);

  it('blocks automatic actions while automation is halted, and says since when', () => {
    const halted = stateOf('database', { automationHaltedAt: T0 });
    expect(guardOf(rateChecks(halted, automaticFailover, settings, T0 + 1000), 'automation-halted')).toEqual({
      guard: 'automation-halted',
      passed: false,
      detail: 'automation halted at 2026-01-01T12:00:00.000Z until an operator acts',
    });
    expect(
      guardOf(rateChecks(stateOf('database'), automaticFailover, settings, T0), 'automation-halted'),
    ).toEqual({ guard: 'automation-halted', passed: true, detail: 'automation is armed' });
  });

  it('lets an operator act while automation is halted: no rate guard stands in a manual failover', () => {
    const halted = stateOf('database', { automationHaltedAt: T0, history: [switchAt(T0)] });
    expect(
      rateChecks(halted, { kind: 'failover', automatic: false, testFailoverCalls: 0 }, settings, T0 + 1),
    ).toEqual([]);
  });

  it('counts automatic failovers of the last hour against the limit, excluding the one an hour old', () => {
    const now = T0 + 2 * HOUR;
    const limitAfter = (history: ReturnType<typeof switchAt>[]) =>
      guardOf(rateChecks(stateOf('database', { history }), automaticFailover, settings, now), 'hourly-limit');
    expect(limitAfter([switchAt(now - HOUR + 1), switchAt(now - HOUR + 2)])).toEqual({
      guard: 'hourly-limit',
      passed: false,
      detail: '2 automatic failovers in the last hour (limit 2)',
    });
    expect(limitAfter([switchAt(now - HOUR), switchAt(now - HOUR + 2)])?.passed).toBe(true);
    expect(limitAfter([switchAt(now - HOUR + 1, 'failover', false), switchAt(now - HOUR + 2)])?.passed).toBe(
      true,
    );
    expect(limitAfter([switchAt(now - HOUR + 1, 'failback'), switchAt(now - HOUR + 2)])?.passed).toBe(true);
  });

  it('applies the hourly limit to automatic failovers only, not to an automatic failback', () => {
    const history = [switchAt(T0 - 10), switchAt(T0 - 5)];
    const failback = rateChecks(
      stateOf('database', { history }),
      { kind: 'failback', automatic: true, testFailoverCalls: 0 },
      settings,
      T0,
    );
    expect(failback.map((c) => c.guard)).toEqual(['automation-halted']);
  });

  it('holds a manual drill to the minimum interval too', () => {
    const checks = rateChecks(
      stateOf('database', { history: [switchAt(T0)] }),
      { kind: 'drill', automatic: false, testFailoverCalls: 0 },
      settings,
      T0 + 30_000,
    );
    expect(checks).toEqual([
      { guard: 'min-interval', passed: false, detail: 'last switch 30s ago (minimum 120s)' },
    ]);
  });

  it('passes the minimum interval when nothing has switched before', () => {
    const checks = rateChecks(stateOf('database'), automaticFailover, settings, T0);
    expect(guardOf(checks, 'min-interval')).toEqual({
      guard: 'min-interval',
      passed: true,
      detail: 'no earlier switch',
    });
  });

  it('measures the minimum interval from the latest switch, not the first', () => {
    const history = [switchAt(T0 - 500_000), switchAt(T0 - 10_000)];
    const check = guardOf(
      rateChecks(stateOf('database', { history }), automaticFailover, settings, T0),
      'min-interval',
    );
    expect(check).toEqual({
      guard: 'min-interval',
      passed: false,
      detail: 'last switch 10s ago (minimum 120s)',
    });
  });

  it('adds the planned TestFailover calls to those of the last 24 hours, up to the quota inclusive', () => {
    const DAY = 24 * HOUR;
    const now = T0 + 2 * DAY;
    const calls = (at: number, testFailoverCalls: number) => ({ ...switchAt(at), testFailoverCalls });
    const quota = (history: ReturnType<typeof calls>[], planned: number) =>
      guardOf(
        rateChecks(
          stateOf('cache', { history }),
          { kind: 'failover', automatic: false, testFailoverCalls: planned },
          settings,
          now,
        ),
        'test-failover-quota',
      );
    expect(quota([calls(now - DAY + 1, 2), calls(now - 1000, 2)], 1)).toEqual({
      guard: 'test-failover-quota',
      passed: true,
      detail: '4 ElastiCache TestFailover calls in the last 24 h, 1 more planned (limit 5)',
    });
    expect(quota([calls(now - DAY + 1, 2), calls(now - 1000, 2)], 2)?.passed).toBe(false);
    expect(quota([calls(now - DAY, 2), calls(now - 1000, 2)], 3)?.passed).toBe(true);
    expect(quota([calls(now - 1000, 5)], 0)).toBeUndefined();
  });
});

describe('holdDownCheck', () => {
  const healthyFor = (successes: number, ms: number | undefined) =>
    holdDownCheck(
      stateOf('database', {
        primarySuccesses: successes,
        ...(ms === undefined ? {} : { primaryHealthySince: T0 - ms }),
      }),
      settings,
      T0,
    );

  it('passes once the primary has both the checks and the time, each inclusive', () => {
    expect(healthyFor(3, 60_000)).toEqual({
      guard: 'hold-down',
      passed: true,
      detail: 'primary healthy for 3 checks over 60s (needs 3 checks and 60s)',
    });
  });

  it('fails with enough checks but too little time, or enough time but too few checks', () => {
    expect(healthyFor(3, 59_999)?.passed).toBe(false);
    expect(healthyFor(2, 600_000)?.passed).toBe(false);
  });

  it('counts no healthy time when the primary has not been seen healthy', () => {
    expect(healthyFor(5, undefined)).toEqual({
      guard: 'hold-down',
      passed: false,
      detail: 'primary healthy for 5 checks over 0s (needs 3 checks and 60s)',
    });
  });
});

describe('pruneHistory', () => {
  it('keeps the switches of the last 24 hours and drops the rest', () => {
    const DAY = 24 * 3_600_000;
    const record = (at: number) => ({ at, kind: 'failover' as const, automatic: true, testFailoverCalls: 0 });
    expect(pruneHistory([record(T0 - DAY), record(T0 - DAY + 1), record(T0)], T0)).toEqual([
      record(T0 - DAY + 1),
      record(T0),
    ]);
  });
});
