import fc from 'fast-check';
import type { DecisionInput } from '../../../../functions/core/failover/decision';
import { decide } from '../../../../functions/core/failover/machine';
import type { FailoverState, HealthSnapshot, HealthVerdict } from '../../../../functions/core/failover/types';
import {
  alerts,
  allSucceed,
  cacheHealth,
  dbHealth,
  dnsHealth,
  health,
  resourceSteps,
  stateOf,
  T0,
  testSettings,
} from './fixtures';

const settings = testSettings({ failureThreshold: 3, minUnhealthySeconds: 60 });
const down = dbHealth({ primary: { healthy: false } });
const up = dbHealth();

const observed = (
  id: string,
  snapshot: HealthSnapshot,
  at: number,
  verdict?: HealthVerdict,
): DecisionInput => ({
  kind: 'health',
  eventId: id,
  health: snapshot,
  observedAt: at,
  ...(verdict ? { verdict } : {}),
});

/** Feeds inputs in order, each decided at its observation time; returns every decision. */
function feed(inputs: readonly DecisionInput[], state = stateOf('database'), s = settings) {
  const decisions = [];
  let current = state;
  for (const input of inputs) {
    const at = 'observedAt' in input && input.observedAt !== undefined ? input.observedAt : T0;
    const decision = decide(current, input, s, at);
    decisions.push(decision);
    current = decision.next;
  }
  return { decisions, state: current };
}

describe('failover evidence: rounds and time, not deliveries', () => {
  it('counts deliveries within one probe round once: three in 2 s do not fail over', () => {
    const { decisions, state } = feed([
      observed('a', down, T0),
      observed('b', down, T0 + 1000),
      observed('c', down, T0 + 2000),
    ]);
    expect(decisions.map((d) => d.verdict)).toEqual(['updated', 'unchanged', 'unchanged']);
    expect(state.primaryFailures).toBe(1);
    expect(decisions[2]?.reason).toContain('already counted');
  });

  it('needs the primary unhealthy over the minimum duration, not only in enough rounds', () => {
    const { decisions } = feed([
      observed('a', down, T0),
      observed('b', down, T0 + 10_000),
      observed('c', down, T0 + 20_000),
      observed('d', down, T0 + 59_999),
      observed('e', down, T0 + 60_000),
    ]);
    expect(decisions.map((d) => d.verdict)).toEqual(['updated', 'updated', 'updated', 'updated', 'started']);
    expect(decisions[2]?.reason).toBe('primary unhealthy in 3 rounds over 20s (needs 3 rounds over 60s)');
    expect(decisions[4]?.next.incident).toMatchObject({ detectedAt: T0, decidedAt: T0 + 60_000 });
  });

  it('needs enough rounds, not only the duration', () => {
    const { decisions } = feed([observed('a', down, T0), observed('b', down, T0 + 120_000)]);
    expect(decisions.map((d) => d.verdict)).toEqual(['updated', 'updated']);
  });

  it('lets a healthy sight within a round already counted break the streak', () => {
    const { state } = feed([observed('a', down, T0), observed('b', up, T0 + 3000)]);
    expect(state).toMatchObject({ primaryFailures: 0, lastRound: Math.floor(T0 / 10_000) });
  });

  it('ignores an observation older than the last round counted', () => {
    const { decisions, state } = feed([observed('a', down, T0 + 30_000), observed('b', up, T0)]);
    expect(decisions[1]?.verdict).toBe('unchanged');
    expect(state.primaryFailures).toBe(1);
  });

  it('keeps the health engine down verdict on the public path until the next one, whatever Route 53 says', () => {
    const verdict: HealthVerdict = { status: 'down', flapping: false, at: T0 };
    const dnsUp = dnsHealth(true);
    const dns = stateOf('dns');
    const { decisions } = feed(
      [
        observed('v', dnsUp, T0, verdict),
        observed('s1', dnsUp, T0 + 30_000),
        observed('s2', dnsUp, T0 + 60_000),
      ],
      dns,
    );
    expect(decisions.at(-1)?.verdict).toBe('started');
    const cleared = feed(
      [
        observed('v', dnsUp, T0, verdict),
        observed('v2', dnsUp, T0 + 30_000, { status: 'healthy', flapping: false, at: T0 + 30_000 }),
        observed('s2', dnsUp, T0 + 60_000),
      ],
      dns,
    );
    expect(cleared.state.primaryFailures).toBe(0);
  });

  it('does not fail over a database the RDS API reports available while the health engine reports it down', () => {
    // The database component rolls up the service's data-path report: "the service reports database down".
    const verdict: HealthVerdict = { status: 'down', flapping: false, at: T0 };
    const { decisions, state } = feed([
      observed('v', up, T0, verdict),
      observed('s1', up, T0 + 30_000),
      observed('s2', up, T0 + 60_000),
      observed('s3', up, T0 + 120_000),
    ]);
    expect(decisions.map((d) => d.verdict)).not.toContain('started');
    expect(state).toMatchObject({ phase: 'primary', primaryFailures: 0, verdict });
    expect(state.operation).toBeUndefined();
    expect(decisions[0]?.reason).toBe(
      "primary db-1 healthy; the health engine's down is not confirmed by db-1's own status, so no switch",
    );
    expect(decisions.flatMap((d) => resourceSteps(d.plan))).toEqual([]);
  });

  it('does not fail over a cache ElastiCache reports available while the health engine reports it down', () => {
    const verdict: HealthVerdict = { status: 'down', flapping: false, at: T0 };
    const { decisions, state } = feed(
      [
        observed('v', cacheHealth(true), T0, verdict),
        observed('s1', cacheHealth(true), T0 + 30_000),
        observed('s2', cacheHealth(true), T0 + 60_000),
      ],
      stateOf('cache'),
    );
    expect(decisions.map((d) => d.verdict)).not.toContain('started');
    expect(state).toMatchObject({ phase: 'primary', primaryFailures: 0 });
  });

  it('fails over a database once the RDS API itself sees the writer unhealthy, the down verdict standing or not', () => {
    const verdict: HealthVerdict = { status: 'down', flapping: false, at: T0 };
    const { decisions } = feed([
      observed('v', down, T0, verdict),
      observed('s1', down, T0 + 30_000),
      observed('s2', down, T0 + 60_000),
    ]);
    expect(decisions.map((d) => d.verdict)).toEqual(['updated', 'updated', 'started']);
  });

  it("counts the health engine's rounds of a down once the RDS API confirms it, without waiting for three reads of its own", () => {
    // The health round saw the data path down at T0 - 20 s; the function's reads come once a minute.
    const verdict: HealthVerdict = { status: 'down', flapping: false, at: T0 - 20_000 };
    const reads = [
      observed('s0', up, T0 - 60_000),
      observed('v', down, T0, verdict),
      observed('s1', down, T0 + 40_000),
    ];
    const { decisions } = feed(reads);
    expect(decisions.map((d) => d.verdict)).toEqual(['updated', 'updated', 'started']);
    expect(decisions[1]?.reason).toBe('primary unhealthy in 1 rounds over 0s (needs 3 rounds over 60s)');
    expect(decisions[2]?.next.incident).toMatchObject({ detectedAt: T0 - 20_000, decidedAt: T0 + 40_000 });
    expect(decisions[2]?.next.incident?.reason).toContain('down by the health engine in 7 rounds over 60s');
    // The same reads without the verdict: two rounds of its own are not enough.
    const alone = feed([
      observed('s0', up, T0 - 60_000),
      observed('v', down, T0),
      observed('s1', down, T0 + 40_000),
    ]);
    expect(alone.decisions.map((d) => d.verdict)).toEqual(['updated', 'updated', 'updated']);
  });

  it('does not count the health engine rounds on one read of the RDS API: a confirmation takes two', () => {
    const verdict: HealthVerdict = { status: 'down', flapping: false, at: T0 - 90_000 };
    const seen = observed('s0', up, T0 - 120_000);
    const once = feed([seen, observed('v', down, T0, verdict)]);
    expect(once.decisions.map((d) => d.verdict)).toEqual(['updated', 'updated']);
    const twice = feed([seen, observed('v', down, T0, verdict), observed('s1', down, T0 + 10_000)]);
    expect(twice.decisions.map((d) => d.verdict)).toEqual(['updated', 'updated', 'started']);
  });

  it('remembers an RDS API read that contradicts the down even in a round already counted', () => {
    const verdict: HealthVerdict = { status: 'down', flapping: false, at: T0 + 5_000 };
    const { decisions } = feed([
      observed('s0', up, T0),
      // The down's own event, in the round of the scheduled read: the writer is available.
      observed('v', up, T0 + 5_000, verdict),
      observed('s1', down, T0 + 60_000),
      observed('s2', down, T0 + 120_000),
    ]);
    expect(decisions.map((d) => d.verdict)).toEqual(['updated', 'updated', 'updated', 'updated']);
    expect(decisions[3]?.reason).toBe('primary unhealthy in 2 rounds over 60s (needs 3 rounds over 60s)');
  });

  it('pages once that a failover is needed but blocked, when the health engine rounds made the evidence', () => {
    const noStandby = dbHealth({
      primary: { healthy: false },
      standbys: [{ id: 'db-2', healthy: false, replicaLagSeconds: 1, capacity: 2 }],
    });
    const verdict: HealthVerdict = { status: 'down', flapping: false, at: T0 };
    const { decisions } = feed([
      observed('v', noStandby, T0, verdict),
      observed('s1', noStandby, T0 + 30_000),
      observed('s2', noStandby, T0 + 90_000),
      observed('s3', noStandby, T0 + 150_000),
    ]);
    expect(decisions.map((d) => d.verdict)).toEqual(['updated', 'updated', 'blocked', 'blocked']);
    const blocked = decisions.map((d) => alerts(d.plan).filter((a) => a.subject.includes('blocked')).length);
    expect(blocked).toEqual([0, 0, 1, 0]);
  });

  it('does not count a down published before the last switch', () => {
    // Failed over and failed back by an operator since the down; the health engine said nothing new.
    const state = stateOf('database', {
      verdict: { status: 'down', flapping: false, at: T0 },
      history: [
        { at: T0 + 60_000, kind: 'failover', automatic: true, testFailoverCalls: 0 },
        { at: T0 + 1_200_000, kind: 'failback', automatic: false, testFailoverCalls: 0 },
      ],
    });
    const { decisions } = feed(
      [observed('x', down, T0 + 1_380_000), observed('y', down, T0 + 1_440_000)],
      state,
    );
    expect(decisions.map((d) => d.verdict)).toEqual(['updated', 'updated']);
    expect(decisions[1]?.reason).toBe('primary unhealthy in 2 rounds over 60s (needs 3 rounds over 60s)');
  });

  it('counts a down only from the API streak when no read is known to have seen the primary healthy', () => {
    // A state saved before healthy sights were kept, or a primary never seen serving.
    const state = stateOf('database', {
      verdict: { status: 'down', flapping: false, at: T0 },
      lastObservedHealthy: true,
      lastRound: Math.floor((T0 + 30_000) / 10_000),
    });
    const { decisions } = feed(
      [
        observed('x', down, T0 + 60_000),
        observed('y', down, T0 + 100_000),
        observed('z', down, T0 + 120_000),
      ],
      state,
    );
    expect(decisions.map((d) => d.verdict)).toEqual(['updated', 'updated', 'started']);
    expect(decisions[2]?.next.incident).toMatchObject({ detectedAt: T0 + 60_000 });
  });

  it('counts the health engine rounds for a cache once ElastiCache confirms the primary unhealthy', () => {
    const verdict: HealthVerdict = { status: 'down', flapping: false, at: T0 };
    const { decisions } = feed(
      [
        observed('s0', cacheHealth(true), T0 - 30_000),
        observed('v', cacheHealth(false), T0, verdict),
        observed('s1', cacheHealth(false), T0 + 60_000),
      ],
      stateOf('cache'),
    );
    expect(decisions.map((d) => d.verdict)).toEqual(['updated', 'updated', 'started']);
  });

  it('does not count the rounds of a down the RDS API contradicted: the primary failing later starts its own count', () => {
    // A data-path fault first (the writer reported available), then the writer itself fails.
    const verdict: HealthVerdict = { status: 'down', flapping: false, at: T0 };
    const { decisions } = feed([
      observed('v', up, T0, verdict),
      observed('s1', up, T0 + 60_000),
      observed('s2', down, T0 + 120_000),
      observed('s3', down, T0 + 150_000),
      observed('s4', down, T0 + 180_000),
    ]);
    expect(decisions.map((d) => d.verdict)).toEqual(['updated', 'updated', 'updated', 'updated', 'started']);
    expect(decisions[2]?.reason).toBe('primary unhealthy in 1 rounds over 0s (needs 3 rounds over 60s)');
    expect(decisions[4]?.next.incident).toMatchObject({ detectedAt: T0 + 120_000 });
  });

  it('does not count rounds from before the down began', () => {
    const verdict: HealthVerdict = { status: 'down', flapping: false, at: T0 + 50_000 };
    const { decisions } = feed([
      observed('s1', down, T0),
      observed('v', down, T0 + 50_000, verdict),
      observed('s2', down, T0 + 70_000),
    ]);
    expect(decisions.map((d) => d.verdict)).toEqual(['updated', 'updated', 'started']);
    expect(decisions[1]?.reason).toBe(
      'primary unhealthy in 2 rounds over 50s, and down by the health engine in 1 rounds over 0s (needs 3 rounds over 60s of either)',
    );
  });

  it('keeps the newer of two verdicts, whatever order they arrive in', () => {
    const newer: HealthVerdict = { status: 'healthy', flapping: false, at: T0 + 20_000 };
    const older: HealthVerdict = { status: 'down', flapping: false, at: T0 + 10_000 };
    const { state } = feed([observed('n', up, T0 + 20_000, newer), observed('o', up, T0 + 30_000, older)]);
    expect(state.verdict).toEqual(newer);
  });

  it('fails over at once on an alarm the observation confirms, and not on one it contradicts', () => {
    const alarm = (snapshot: HealthSnapshot): DecisionInput => ({
      kind: 'alarm',
      eventId: 'a1',
      alarmName: 'aurora-cpu',
      alarmState: 'ALARM',
      health: snapshot,
      observedAt: T0,
    });
    expect(decide(stateOf('database'), alarm(down), settings, T0).verdict).toBe('started');
    const counted = decide(stateOf('database'), observed('s', down, T0), settings, T0).next;
    expect(decide(counted, alarm(down), settings, T0).verdict).toBe('started');
    const healthy = decide(stateOf('database'), alarm(up), settings, T0);
    expect(healthy.verdict).toBe('updated');
    expect(healthy.next.primaryFailures).toBe(0);
  });
});

describe('failover evidence: roles by instance id', () => {
  /** Failed over from db-1 to db-2: db-2 is now the writer, db-1 a reader. */
  function onDb2(): FailoverState {
    const { state } = feed([observed('a', down, T0), observed('b', down, T0 + 30_000)]);
    const started = decide(state, observed('c', down, T0 + 60_000), settings, T0 + 60_000);
    const results = allSucceed(started.plan, T0 + 60_000);
    return decide(started.next, { kind: 'outcome', operationId: 'c', results }, settings, T0 + 65_000).next;
  }
  const afterFailover = (db1Healthy: boolean) =>
    dbHealth({
      primaryId: 'db-2',
      standbys: [
        { id: 'db-1', healthy: db1Healthy, replicaLagSeconds: 0, capacity: 2 },
        { id: 'db-3', healthy: true, replicaLagSeconds: 0, capacity: 2 },
      ],
    });

  it('does not report the old writer recovered on an alarm after the failover', () => {
    const state = onDb2();
    expect(state).toMatchObject({ phase: 'secondary', primaryId: 'db-1', activeTarget: 'db-2' });
    const d = decide(
      state,
      {
        kind: 'alarm',
        eventId: 'cpu',
        alarmName: 'aurora-cpu',
        alarmState: 'ALARM',
        health: afterFailover(true),
      },
      settings,
      T0 + 120_000,
    );
    expect(d.verdict).toBe('unchanged');
    expect(alerts(d.plan)).toEqual([]);
  });

  it('does not count a down verdict as the old writer healthy, but counts an observation of it', () => {
    const state = onDb2();
    const verdict: HealthVerdict = { status: 'down', flapping: false, at: T0 + 120_000 };
    const d = decide(
      state,
      observed('v', afterFailover(true), T0 + 120_000, verdict),
      settings,
      T0 + 120_000,
    );
    expect(d.next.primarySuccesses).toBe(0);
    expect(d.reason).toContain('recovery of db-1 not counted');
    const healthy: HealthVerdict = { status: 'healthy', flapping: false, at: T0 + 130_000 };
    const counted = decide(
      d.next,
      observed('s', afterFailover(true), T0 + 130_000, healthy),
      settings,
      T0 + 130_000,
    );
    expect(counted.next).toMatchObject({ phase: 'recovering', primarySuccesses: 1 });
    expect(alerts(counted.plan)[0]?.subject).toBe('database: primary db-1 recovered');
  });

  it('restarts the evidence when the writer changed outside the engine', () => {
    const { state } = feed([observed('a', down, T0), observed('b', down, T0 + 30_000)]);
    const promoted = dbHealth({ primaryId: 'db-3', primary: { healthy: false } });
    const d = decide(state, observed('c', promoted, T0 + 60_000), settings, T0 + 60_000);
    expect(d.verdict).toBe('updated');
    expect(d.next).toMatchObject({ primaryId: 'db-3', primaryFailures: 1, primaryFailingSince: T0 + 60_000 });
  });
});

describe('failover evidence: flapping', () => {
  const flapping: HealthVerdict = { status: 'degraded', flapping: true, at: T0 };

  it('holds automatic failover on a flapping verdict, pages once, and closes the episode when it settles', () => {
    const inputs = [observed('v', down, T0, flapping)];
    for (let minute = 1; minute <= 5; minute++)
      inputs.push(observed(`s${minute}`, down, T0 + minute * 60_000));
    const { decisions, state } = feed(inputs);
    expect(decisions.map((d) => d.verdict)).toEqual([
      'updated',
      'updated',
      'blocked',
      'blocked',
      'blocked',
      'blocked',
    ]);
    expect(decisions.flatMap((d) => alerts(d.plan))).toEqual([
      expect.objectContaining({
        severity: 'critical',
        subject: 'database: primary db-1 flapping, automatic failover held',
      }),
    ]);
    expect(decisions[3]?.checks).toEqual([
      expect.objectContaining({
        guard: 'flapping',
        passed: false,
        detail: expect.stringContaining('flapping check'),
      }),
    ]);
    expect(state.flapping).toMatchObject({ id: 'database-flapping-v', kind: 'flapping', status: 'open' });
    const settledAt = T0 + 400_000;
    const settled = decide(
      state,
      observed('ok', up, settledAt, { status: 'healthy', flapping: false, at: settledAt }),
      settings,
      settledAt,
    );
    expect(settled.next.flapping).toBeUndefined();
    expect(settled.closedIncident).toMatchObject({
      id: 'database-flapping-v',
      status: 'recovered',
      recoveredAt: settledAt,
    });
    expect(alerts(settled.plan)).toEqual([expect.objectContaining({ severity: 'info' })]);
  });

  it('sees flapping in its own observations when no verdict says so, and stays held until a quiet window', () => {
    const alternating = Array.from({ length: 6 }, (_, i) =>
      observed(`s${i}`, i % 2 ? up : down, T0 + i * 60_000),
    );
    const { decisions, state } = feed(alternating);
    expect(decisions.map((d) => d.next.flapping !== undefined)).toEqual([
      false,
      false,
      false,
      false,
      true,
      true,
    ]);
    expect(decisions[4]?.reason).toContain('flipped 4 times in 300s');
    const stillDown = [1, 2, 3, 4, 5, 6].map((k) => observed(`d${k}`, down, T0 + (5 + k) * 60_000));
    const later = feed(stillDown, state);
    // The last flip is the fall at +6 min: held until +11 min, then the failure that lasted counts.
    expect(later.decisions.map((d) => d.verdict)).toEqual([
      'updated',
      'updated',
      'blocked',
      'blocked',
      'blocked',
      'started',
    ]);
    expect(later.decisions[5]?.closedIncident?.kind).toBe('flapping');
  });

  it('leaves failback to an operator once the former primary keeps failing again after a failover', () => {
    const onStandby = stateOf('database', { phase: 'secondary', primaryId: 'db-1', activeTarget: 'db-2' });
    const snapshot = (ok: boolean) =>
      dbHealth({
        primaryId: 'db-2',
        standbys: [{ id: 'db-1', healthy: ok, replicaLagSeconds: 0, capacity: 2 }],
      });
    const flaps = [true, false, true, false, true].map((ok, i) =>
      observed(`r${i}`, snapshot(ok), T0 + i * 60_000),
    );
    const steady = Array.from({ length: 10 }, (_, i) =>
      observed(`h${i}`, snapshot(true), T0 + (5 + i) * 60_000),
    );
    const { decisions, state } = feed([...flaps, ...steady], onStandby, testSettings({ autoFailback: true }));
    expect(decisions.some((d) => d.verdict === 'started')).toBe(false);
    expect(state.flapping?.kind).toBe('flapping');
    expect(decisions.flatMap((d) => alerts(d.plan)).map((a) => a.subject)).toContain(
      'database: primary db-1 flapping, automatic failback held',
    );
    const manual = decide(
      state,
      {
        kind: 'command',
        eventId: 'op',
        command: 'failback',
        dryRun: false,
        reason: 'stable now',
        requestedBy: 'sre',
        health: snapshot(true),
      },
      testSettings({ autoFailback: true }),
      T0 + 20 * 60_000,
    );
    expect(manual.verdict).toBe('started');
    expect(resourceSteps(manual.plan)[0]).toEqual({ kind: 'aurora-failover', targetInstance: 'db-1' });
  });

  it('keeps counting deliveries once per round while flapping', () => {
    const { state } = feed([observed('v', down, T0, flapping), observed('w', down, T0 + 1000)]);
    expect(state.primaryFailures).toBe(1);
  });
});

describe('failover evidence: the default health input', () => {
  it('dates an observation without a time by the decision', () => {
    const first = decide(stateOf('database'), health('a', down), settings, T0);
    expect(first.next).toMatchObject({ primaryFailingSince: T0, lastRound: Math.floor(T0 / 10_000) });
  });
});

describe('failover evidence: properties', () => {
  const step = fc.record({
    gapMs: fc.integer({ min: 0, max: 40_000 }),
    healthy: fc.boolean(),
    deliveries: fc.integer({ min: 1, max: 3 }),
  });

  it('never fails over automatically before distinct rounds and the duration prove it, whatever the delivery pattern', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
        let state = stateOf('database');
        let at = T0;
        const seen: { at: number; healthy: boolean }[] = [];
        steps.forEach((s, i) => {
          at += s.gapMs;
          for (let d = 0; d < s.deliveries; d++) {
            const when = at + d * 700;
            const decision = decide(
              state,
              observed(`e${i}-${d}`, s.healthy ? up : down, when),
              settings,
              when,
            );
            seen.push({ at: when, healthy: s.healthy });
            state = decision.next;
            if (decision.verdict !== 'started') continue;
            const lastHealthy = seen.filter((o) => o.healthy).at(-1)?.at ?? Number.NEGATIVE_INFINITY;
            const streak = seen.filter((o) => !o.healthy && o.at > lastHealthy);
            const rounds = new Set(streak.map((o) => Math.floor(o.at / 10_000)));
            expect(rounds.size).toBeGreaterThanOrEqual(settings.failureThreshold);
            expect(when - streak[0]!.at).toBeGreaterThanOrEqual(settings.minUnhealthySeconds * 1000);
            return;
          }
        });
      }),
      { numRuns: 300 },
    );
  });
});
