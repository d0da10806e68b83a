import type { Decision } from '../../../../functions/core/failover/decision';
import { decide } from '../../../../functions/core/failover/machine';
import type { FailoverState } from '../../../../functions/core/failover/types';
import {
  alerts,
  allSucceed,
  command,
  dbHealth,
  dnsHealth,
  health,
  resourceSteps,
  stateOf,
  T0,
  testSettings,
} from './fixtures';

const settings = testSettings();
const down = dbHealth({ primary: { healthy: false } });

/** Two unhealthy checks ten seconds apart: the threshold of the test settings. */
function failingOver(state = stateOf('database'), snapshot = down): Decision {
  const first = decide(state, health('e1', snapshot), settings, T0);
  return decide(first.next, health('e2', snapshot), settings, T0 + 10_000);
}

/** A database failed over to db-2 and saved. */
function onSecondary(): FailoverState {
  const started = failingOver();
  const records = allSucceed(started.plan, T0 + 10_000);
  return decide(started.next, { kind: 'outcome', operationId: 'e2', results: records }, settings, T0 + 12_000)
    .next;
}

describe('failover state machine: automatic failover', () => {
  it('counts unhealthy checks below the threshold without acting', () => {
    const d = decide(stateOf('database'), health('e1', down), settings, T0);
    expect(d.verdict).toBe('updated');
    expect(d.next.primaryFailures).toBe(1);
    expect(d.plan).toEqual([]);
  });

  it('fails over to the healthy reader with the lowest lag at the threshold, paging with the decision', () => {
    const d = failingOver();
    expect(d.verdict).toBe('started');
    expect(d.next.phase).toBe('failing-over');
    expect(resourceSteps(d.plan)).toEqual([
      { kind: 'aurora-failover', targetInstance: 'db-2' },
      { kind: 'wait-for-writer', instance: 'db-2' },
    ]);
    expect(alerts(d.plan)[0]?.severity).toBe('critical');
    expect(d.next.incident).toMatchObject({
      from: 'db-1',
      to: 'db-2',
      detectedAt: T0,
      decidedAt: T0 + 10_000,
    });
  });

  it('prefers the configured reader when it passes the pre-checks', () => {
    const preferring = testSettings({ preferredDatabaseTarget: 'db-3' });
    const first = decide(stateOf('database'), health('e1', down), preferring, T0);
    const d = decide(first.next, health('e2', down), preferring, T0 + 10_000);
    expect(d.next.operation?.target).toBe('db-3');
  });

  it('resets the count when the primary answers again, so a flapping primary never reaches the threshold', () => {
    const first = decide(stateOf('database'), health('e1', down), settings, T0);
    const healed = decide(first.next, health('e2', dbHealth()), settings, T0 + 10_000);
    const again = decide(healed.next, health('e3', down), settings, T0 + 20_000);
    expect(again.verdict).toBe('updated');
    expect(again.next.primaryFailures).toBe(1);
  });

  it('treats an ALARM on the primary as a confirmed failure', () => {
    const d = decide(
      stateOf('database'),
      { kind: 'alarm', eventId: 'a1', alarmName: 'writer-cpu', alarmState: 'ALARM', health: down },
      settings,
      T0,
    );
    expect(d.verdict).toBe('started');
    expect(d.next.incident?.trigger).toBe('alarm');
  });

  it('only verifies an automatic DNS failover: Route 53 already routes around the failed check', () => {
    const first = decide(stateOf('dns'), health('e1', dnsHealth(false)), settings, T0);
    const d = decide(first.next, health('e2', dnsHealth(false)), settings, T0 + 10_000);
    expect(resourceSteps(d.plan)).toEqual([{ kind: 'verify-dns-routing', expect: 'secondary' }]);
  });
});

describe('failover state machine: guards', () => {
  it('never fails over to an unhealthy target, and pages once that it cannot', () => {
    const noStandby = dbHealth({
      primary: { healthy: false },
      standbys: [{ id: 'db-2', healthy: false, replicaLagSeconds: 0, capacity: 2 }],
    });
    const d = failingOver(stateOf('database'), noStandby);
    expect(d.verdict).toBe('blocked');
    expect(d.checks).toContainEqual(expect.objectContaining({ guard: 'target-healthy', passed: false }));
    expect(alerts(d.plan)).toHaveLength(1);
    const third = decide(d.next, health('e3', noStandby), settings, T0 + 20_000);
    expect(third.verdict).toBe('blocked');
    expect(third.plan).toEqual([]);
  });

  it('refuses a reader whose lag exceeds the bound, or whose lag is unknown', () => {
    const lagging = dbHealth({
      primary: { healthy: false },
      standbys: [
        { id: 'db-2', healthy: true, replicaLagSeconds: 30, capacity: 2 },
        { id: 'db-3', healthy: true, capacity: 2 },
      ],
    });
    const d = failingOver(stateOf('database'), lagging);
    expect(d.verdict).toBe('blocked');
    expect(d.checks.filter((c) => c.guard === 'replica-lag' && !c.passed)).toHaveLength(2);
  });

  it('refuses a standby smaller than the configured fraction of the primary', () => {
    const small = dbHealth({
      primary: { healthy: false, capacity: 16 },
      standbys: [{ id: 'db-2', healthy: true, replicaLagSeconds: 0, capacity: 2 }],
    });
    const d = failingOver(stateOf('database'), small);
    expect(d.checks).toContainEqual(expect.objectContaining({ guard: 'standby-capacity', passed: false }));
  });

  it('reports a running operation as busy and changes nothing while its lease holds', () => {
    const running = failingOver().next;
    const d = decide(running, health('e9', down), settings, T0 + 60_000);
    expect(d.verdict).toBe('busy');
    expect(d.next).toBe(running);
    expect(d.checks[0]).toMatchObject({ guard: 'lock', passed: false });
  });

  it('takes over an operation whose lease expired by verifying instead of acting again', () => {
    const running = failingOver().next;
    const later = T0 + 10_000 + settings.operationLeaseSeconds * 1000;
    const d = decide(running, health('e9', down), settings, later);
    expect(d.verdict).toBe('started');
    expect(resourceSteps(d.plan)).toEqual([{ kind: 'wait-for-writer', instance: 'db-2' }]);
    expect(d.next.operation).toMatchObject({
      id: 'e2',
      resumed: true,
      leaseUntil: later + settings.operationLeaseSeconds * 1000,
    });
  });

  it('waits the minimum time between automatic failovers', () => {
    const recent = stateOf('database', {
      history: [{ at: T0 - 30_000, kind: 'failover', automatic: true, testFailoverCalls: 0 }],
    });
    const d = failingOver(recent);
    expect(d.verdict).toBe('blocked');
    expect(d.checks).toContainEqual(expect.objectContaining({ guard: 'min-interval', passed: false }));
  });

  it('halts automation and pages after K automatic failovers in an hour, and stays quiet while halted', () => {
    const history = [
      { at: T0 - 50 * 60_000, kind: 'failover' as const, automatic: true, testFailoverCalls: 0 },
      { at: T0 - 20 * 60_000, kind: 'failover' as const, automatic: true, testFailoverCalls: 0 },
    ];
    const d = failingOver(stateOf('database', { history }));
    expect(d.verdict).toBe('blocked');
    expect(d.next.automationHaltedAt).toBe(T0 + 10_000);
    expect(alerts(d.plan)).toEqual([
      expect.objectContaining({ severity: 'critical', subject: expect.stringContaining('halted') }),
    ]);
    const again = decide({ ...d.next, primaryFailures: 1 }, health('e3', down), settings, T0 + 20_000);
    expect(again.checks).toContainEqual(
      expect.objectContaining({ guard: 'automation-halted', passed: false }),
    );
    expect(again.plan).toEqual([]);
  });

  it('lets an operator fail over by hand while automation is halted, and re-arms it', () => {
    const halted = stateOf('database', { automationHaltedAt: T0 - 1000 });
    const d = decide(halted, command('c1', 'failover', dbHealth()), settings, T0);
    expect(d.verdict).toBe('started');
    expect(d.next.automationHaltedAt).toBeUndefined();
  });

  it('refuses a cache TestFailover past the rolling 24-hour quota counted from history', () => {
    const used = Array.from({ length: 5 }, (_, i) => ({
      at: T0 - (i + 1) * 3_600_000,
      kind: 'drill' as const,
      automatic: false,
      testFailoverCalls: 1,
    }));
    const cache = { primary: { id: 'c-001', healthy: true }, standbys: [{ id: 'c-002', healthy: true }] };
    const d = decide(stateOf('cache', { history: used }), command('c1', 'failover', cache), settings, T0);
    expect(d.verdict).toBe('blocked');
    expect(d.checks).toContainEqual(expect.objectContaining({ guard: 'test-failover-quota', passed: false }));
    const dayLater = decide(
      stateOf('cache', { history: used }),
      command('c2', 'failover', cache),
      settings,
      T0 + 86_400_000,
    );
    expect(dayLater.verdict).toBe('started');
  });

  it('produces the plan of a dry run without changing the state', () => {
    const state = stateOf('database');
    const d = decide(state, command('c1', 'failover', dbHealth(), { dryRun: true }), settings, T0);
    expect(d.verdict).toBe('dry-run');
    expect(d.next).toBe(state);
    expect(d.wouldBe).toBe('failing-over');
    expect(resourceSteps(d.plan)[0]).toEqual({ kind: 'aurora-failover', targetInstance: 'db-2' });
  });

  it('rejects a drill on an unhealthy primary', () => {
    const d = decide(stateOf('database'), command('c1', 'drill', down), settings, T0);
    expect(d.checks).toContainEqual(expect.objectContaining({ guard: 'primary-healthy', passed: false }));
  });

  it('rejects a command that makes no sense in the current phase', () => {
    expect(decide(stateOf('database'), command('c1', 'failback', dbHealth()), settings, T0).verdict).toBe(
      'rejected',
    );
    expect(decide(onSecondary(), command('c2', 'failover', dbHealth()), settings, T0 + 20_000).verdict).toBe(
      'rejected',
    );
  });
});

describe('failover state machine: recovery and failback', () => {
  const afterFailover = dbHealth({
    primaryId: 'db-2',
    standbys: [{ id: 'db-1', healthy: true, replicaLagSeconds: 0, capacity: 2 }],
  });

  it('moves to recovering and alerts when the old primary is healthy again', () => {
    const d = decide(onSecondary(), health('h1', afterFailover), settings, T0 + 30_000);
    expect(d.next.phase).toBe('recovering');
    expect(alerts(d.plan)[0]?.subject).toContain('recovered');
  });

  it('fails back only after N healthy checks AND the hold-down time', () => {
    let state = onSecondary();
    const times = [30_000, 40_000, 50_000, 100_000];
    const verdicts = times.map((t, i) => {
      const d = decide(state, health(`h${i}`, afterFailover), settings, T0 + t);
      state = d.next;
      return d.verdict;
    });
    // Three checks are reached at +50 s, but the 60 s hold-down only at +90 s.
    expect(verdicts).toEqual(['updated', 'updated', 'updated', 'started']);
    expect(state.phase).toBe('failing-back');
    expect(state.operation?.plan).toEqual([
      { kind: 'aurora-failover', targetInstance: 'db-1' },
      { kind: 'wait-for-writer', instance: 'db-1' },
    ]);
  });

  it('restarts the hold-down when the primary fails again while recovering', () => {
    const recovering = decide(onSecondary(), health('h1', afterFailover), settings, T0 + 30_000).next;
    const sick = dbHealth({
      primaryId: 'db-2',
      standbys: [{ id: 'db-1', healthy: false, replicaLagSeconds: 0, capacity: 2 }],
    });
    const d = decide(recovering, health('h2', sick), settings, T0 + 40_000);
    expect(d.next).toMatchObject({ phase: 'secondary', primarySuccesses: 0, primaryHealthySince: undefined });
  });

  it('waits for an operator when autoFailback is off, who may skip the hold-down but not the pre-checks', () => {
    const manual = testSettings({ autoFailback: false });
    const recovering = decide(onSecondary(), health('h1', afterFailover), manual, T0 + 30_000);
    expect(alerts(recovering.plan)[0]?.message).toContain('waits for an operator');
    const late = decide(recovering.next, health('h2', afterFailover), manual, T0 + 3_600_000);
    expect(late.verdict).toBe('updated');
    const d = decide(recovering.next, command('c1', 'failback', afterFailover), manual, T0 + 31_000);
    expect(d.verdict).toBe('started');
    const lagging = dbHealth({
      primaryId: 'db-2',
      standbys: [{ id: 'db-1', healthy: true, replicaLagSeconds: 90, capacity: 2 }],
    });
    expect(decide(recovering.next, command('c2', 'failback', lagging), manual, T0 + 31_000).verdict).toBe(
      'blocked',
    );
  });

  it('restores an inverted health check at once when the primary fails for real', () => {
    const pinned = stateOf('dns', {
      phase: 'secondary',
      primaryId: 'primary',
      activeTarget: 'secondary',
      healthCheckInverted: true,
    });
    const d = decide(pinned, health('h1', dnsHealth(false)), settings, T0);
    expect(d.verdict).toBe('started');
    expect(d.next.operation?.kind).toBe('unpin');
    expect(resourceSteps(d.plan)).toEqual([
      { kind: 'restore-health-check' },
      { kind: 'verify-dns-routing', expect: 'secondary' },
    ]);
  });

  it('does not unpin on a down verdict of the public path while users are sent to the secondary', () => {
    const pinned = stateOf('dns', {
      phase: 'secondary',
      primaryId: 'primary',
      activeTarget: 'secondary',
      healthCheckInverted: true,
    });
    const maintenancePage = {
      kind: 'health' as const,
      eventId: 'v1',
      health: { ...dnsHealth(true), usersReachPrimary: false },
      observedAt: T0,
      verdict: { status: 'down' as const, flapping: false, at: T0 },
    };
    const d = decide(pinned, maintenancePage, settings, T0);
    expect(d.next.operation).toBeUndefined();
    expect(resourceSteps(d.plan)).toEqual([]);
  });
});

describe('failover state machine: inputs and leases', () => {
  it('dates an observation by when it was seen, not when it arrived', () => {
    const late = { ...health('e1', down), observedAt: T0 - 30_000 };
    expect(decide(stateOf('database'), late, settings, T0).next.primaryFailingSince).toBe(T0 - 30_000);
  });

  it('takes no evidence from an alarm returning to OK, nor from any alarm off the primary', () => {
    const ok = {
      kind: 'alarm' as const,
      eventId: 'a1',
      alarmName: 'db-cpu',
      alarmState: 'OK' as const,
      health: down,
    };
    const state = stateOf('database');
    expect(decide(state, ok, settings, T0)).toEqual({
      verdict: 'unchanged',
      next: state,
      plan: [],
      checks: [],
      reason: 'alarm db-cpu OK is no evidence in primary',
    });
    const secondary = onSecondary();
    const alarm = { ...ok, alarmState: 'ALARM' as const };
    expect(decide(secondary, alarm, settings, T0 + 20_000)).toMatchObject({
      verdict: 'unchanged',
      next: secondary,
      reason: 'alarm db-cpu ALARM is no evidence in secondary',
    });
  });

  it('fails over by hand to the standby the operator names', () => {
    const d = decide(
      stateOf('database'),
      command('c1', 'failover', dbHealth(), { target: 'db-3' }),
      settings,
      T0,
    );
    expect(d.verdict).toBe('started');
    expect(resourceSteps(d.plan)[0]).toEqual({ kind: 'aurora-failover', targetInstance: 'db-3' });
    expect(d.next.operation).toMatchObject({ automatic: false });
  });

  it('lets an operator fail back from recovering, or unpin an inverted health check on the primary', () => {
    const afterFailover = dbHealth({
      primaryId: 'db-2',
      standbys: [{ id: 'db-1', healthy: true, replicaLagSeconds: 0, capacity: 2 }],
    });
    const recovering = decide(onSecondary(), health('h1', afterFailover), settings, T0 + 30_000).next;
    expect(recovering.phase).toBe('recovering');
    expect(decide(recovering, command('c1', 'failback', afterFailover), settings, T0 + 31_000).verdict).toBe(
      'started',
    );
    const inverted = stateOf('dns', { healthCheckInverted: true });
    const unpin = decide(inverted, command('c2', 'failback', dnsHealth(true)), settings, T0);
    expect(unpin.verdict).toBe('started');
    expect(resourceSteps(unpin.plan)).toEqual([
      { kind: 'restore-health-check' },
      { kind: 'verify-dns-routing', expect: 'primary' },
    ]);
  });

  it('names the phase a rejected command found', () => {
    expect(decide(stateOf('database'), command('c1', 'failback', dbHealth()), settings, T0)).toEqual({
      verdict: 'rejected',
      next: stateOf('database'),
      plan: [],
      checks: [],
      reason: 'failback needs the component on its standby; it is on primary',
    });
    expect(decide(onSecondary(), command('c2', 'drill', dbHealth()), settings, T0 + 20_000).reason).toBe(
      'drill needs the component on its primary; it is on secondary',
    );
  });

  it('answers a dry run as busy while an operation holds the component, even after its lease', () => {
    const running = failingOver().next;
    const later = T0 + 10_000 + settings.operationLeaseSeconds * 1000;
    const d = decide(running, command('c1', 'failover', down, { dryRun: true }), settings, later);
    expect(d).toEqual({
      verdict: 'busy',
      next: running,
      plan: [],
      checks: [
        {
          guard: 'lock',
          passed: false,
          detail: `operation e2 (failover) holds the component until ${new Date(later).toISOString()}`,
        },
      ],
      reason: 'operation e2 in progress',
    });
    expect(decide(running, command('c2', 'failover', down), settings, later).verdict).toBe('started');
  });

  it('resumes an expired operation afresh: a new lease, no results, the warning first, the lock passed', () => {
    const running = failingOver().next;
    const later = T0 + 10_000 + settings.operationLeaseSeconds * 1000 + 5_000;
    const d = decide(running, health('e9', down), settings, later);
    expect(d.next.operation).toMatchObject({ resumed: true, results: [], switchSteps: 1 });
    expect(d.next.updatedAt).toBe(later);
    expect(d.plan[0]).toMatchObject({
      kind: 'notify',
      severity: 'warning',
      subject: 'database: resuming failover',
    });
    expect(d.checks).toEqual([{ guard: 'lock', passed: true, detail: 'lease of e2 expired' }]);
    expect(d.reason).toBe(
      'the run holding operation e2 stopped before finishing; verifying where database stands',
    );
  });

  it('resumes a drill with no switch steps, and an unpin with its own plan', () => {
    const drilling = decide(stateOf('database'), command('c1', 'drill', dbHealth()), settings, T0).next;
    const afterDrillLease = T0 + settings.operationLeaseSeconds * 1000;
    expect(
      decide(drilling, health('e9', dbHealth()), settings, afterDrillLease).next.operation?.switchSteps,
    ).toBe(0);
    const pinned = stateOf('dns', {
      phase: 'secondary',
      primaryId: 'primary',
      activeTarget: 'secondary',
      healthCheckInverted: true,
    });
    const unpinning = decide(pinned, health('h1', dnsHealth(false)), settings, T0).next;
    const resumed = decide(
      unpinning,
      health('h2', dnsHealth(false)),
      settings,
      T0 + settings.operationLeaseSeconds * 1000,
    );
    expect(resumed.next.operation?.plan).toEqual(unpinning.operation?.plan);
    expect(resumed.next.operation?.switchSteps).toBe(unpinning.operation?.plan.length);
  });
});

describe('failover state machine: failback by hand and resumed incidents', () => {
  it('lets an operator fail back straight from the secondary, before any recovery is seen', () => {
    const back = dbHealth({
      primaryId: 'db-2',
      standbys: [{ id: 'db-1', healthy: true, replicaLagSeconds: 0, capacity: 2 }],
    });
    const secondary = onSecondary();
    expect(secondary.phase).toBe('secondary');
    const d = decide(secondary, command('c1', 'failback', back), settings, T0 + 20_000);
    expect(d.verdict).toBe('started');
    expect(d.next.phase).toBe('failing-back');
  });

  it('keeps the steps an expired operation recorded in its incident before resuming it', () => {
    const running = failingOver().next;
    expect(running.incident).toBeDefined();
    expect(running.operation).toBeDefined();
    const done = allSucceed(running.operation?.plan ?? [], T0 + 10_000).slice(0, 1);
    const halfway: FailoverState = { ...running, operation: { ...running.operation!, results: done } };
    const later = T0 + 10_000 + settings.operationLeaseSeconds * 1000;
    const d = decide(halfway, health('e9', down), settings, later);
    expect(d.next.incident?.actions).toEqual([...(running.incident?.actions ?? []), ...done]);
    expect(d.next.incident?.detectedAt).toBe(running.incident?.detectedAt);
  });
});
