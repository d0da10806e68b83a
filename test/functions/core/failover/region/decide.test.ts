import fc from 'fast-check';
import { decideRegion, type RegionRequest } from '../../../../../functions/core/failover/region/decide';
import {
  initialRegionState,
  type RegionFailoverState,
} from '../../../../../functions/core/failover/region/types';
import { observation, PRIMARY, primaryDown, SECONDARY, settings, T0 } from './fixtures';

const observe: RegionRequest = { kind: 'observe' };
const command = (name: 'switchover' | 'failover' | 'failback' | 'drill', confirm = false): RegionRequest => ({
  kind: 'command',
  command: name,
  confirm,
  reason: 'test',
  requestedBy: 'arn:aws:iam::123456789012:user/oncall',
});
const fresh = initialRegionState(PRIMARY, T0);

/** Observes every `stepMs` from T0 for `durationMs`, carrying the state as the service does. */
function simulate(durationMs: number, stepMs: number, healthyAt: (t: number) => boolean) {
  let state: RegionFailoverState = fresh;
  const verdicts: string[] = [];
  for (let t = T0; t < T0 + durationMs; t += stepMs) {
    const obs = healthyAt(t) ? observation(t) : primaryDown(t);
    const decision = decideRegion(state, observe, obs, settings, t);
    verdicts.push(decision.verdict);
    state = decision.state;
  }
  return verdicts;
}

describe('decideRegion', () => {
  it('stays steady while the active region is healthy', () => {
    expect(decideRegion(fresh, observe, observation(T0), settings, T0)).toMatchObject({
      verdict: 'steady',
      plan: [],
    });
  });

  it('watches an unhealthy active region through the hold-down, then fails over with every guard passed', () => {
    const first = decideRegion(fresh, observe, primaryDown(T0), settings, T0);
    expect(first.verdict).toBe('watching');
    expect(first.state.activeUnhealthySince).toBe(T0 - 5_000);
    const later = T0 + 300_000;
    const decision = decideRegion(first.state, observe, primaryDown(later), settings, later);
    expect(decision).toMatchObject({
      verdict: 'start',
      kind: 'failover',
      automatic: true,
      from: PRIMARY,
      to: SECONDARY,
    });
    expect(decision.plan.map((action) => action.kind)).toEqual([
      'scale-fleet',
      'failover-database',
      'wait-database-writer',
      'failover-cache',
      'wait-cache-primary',
      'wait-fleet',
      'route-traffic',
      'verify-traffic',
    ]);
    expect(decision.plan[1]).toEqual({ kind: 'failover-database', region: SECONDARY, allowDataLoss: true });
  });

  it('restarts the hold-down when a fresh healthy reading interrupts the streak', () => {
    const down = decideRegion(fresh, observe, primaryDown(T0), settings, T0);
    const up = decideRegion(down.state, observe, observation(T0 + 60_000), settings, T0 + 60_000);
    expect(up.state.activeUnhealthySince).toBeUndefined();
    const again = decideRegion(up.state, observe, primaryDown(T0 + 320_000), settings, T0 + 320_000);
    expect(again.verdict).toBe('watching');
  });

  it('never counts an unknown health reading as unhealthy', () => {
    const base = observation(T0);
    const decision = decideRegion(
      fresh,
      observe,
      { ...base, health: { [SECONDARY]: base.health[SECONDARY] } },
      settings,
      T0,
    );
    expect(decision.state.activeUnhealthySince).toBeUndefined();
    expect(decision.verdict).toBe('steady');
  });

  it('asks a human instead of failing over when the replication lag is above its limit', () => {
    const down = { ...fresh, activeUnhealthySince: T0 - 400_000 };
    const obs = primaryDown(T0, { replicationLagMs: { value: 9000, at: T0 - 10_000, complete: true } });
    const decision = decideRegion(down, observe, obs, settings, T0);
    expect(decision.verdict).toBe('needs-human');
    expect(decision.plan).toEqual([]);
    expect(decision.explanation).toMatch(/replication-lag \(9000 ms/);
  });

  it('plans a planned switchover without data loss, adding an instance to a headless standby first', () => {
    const base = observation(T0);
    const headless = { ...base, standby: { ...base.standby, databaseInstances: 0 } };
    const decision = decideRegion(
      fresh,
      command('switchover'),
      headless,
      { ...settings, headlessStandby: true },
      T0,
    );
    expect(decision.verdict).toBe('start');
    expect(decision.plan.slice(0, 3)).toEqual([
      { kind: 'scale-fleet', region: SECONDARY, capacity: 4 },
      { kind: 'add-database-instance', region: SECONDARY },
      { kind: 'switchover-database', region: SECONDARY },
    ]);
    expect(decision.plan.some((action) => action.kind === 'failover-database')).toBe(false);
  });

  it('refuses a planned switchover while the active region is down: that is a failover', () => {
    const decision = decideRegion(fresh, command('switchover'), primaryDown(T0), settings, T0);
    expect(decision.verdict).toBe('refused');
    expect(decision.checks.find((check) => check.guard === 'active-health')?.passed).toBe(false);
  });

  it('needs explicit confirmation for a manual failover past a failed lag guard, then records it', () => {
    const obs = primaryDown(T0, { rpoLagSeconds: undefined });
    const unconfirmed = decideRegion(fresh, command('failover'), obs, settings, T0);
    expect(unconfirmed.verdict).toBe('needs-human');
    expect(unconfirmed.explanation).toMatch(/confirm: true.*rpo-lag/);
    const confirmed = decideRegion(fresh, command('failover', true), obs, settings, T0);
    expect(confirmed).toMatchObject({ verdict: 'start', dataLossConfirmed: true, automatic: false });
  });

  it('refuses a failover while a global switch is in flight, confirmation or not', () => {
    const base = primaryDown(T0);
    const obs = { ...base, global: { ...base.global!, cacheStatus: 'modifying' } };
    expect(decideRegion(fresh, command('failover', true), obs, settings, T0).verdict).toBe('refused');
  });

  it('fails back to the configured primary as a planned switchover', () => {
    const base = observation(T0);
    const onSecondary = {
      ...base,
      global: { ...base.global!, databaseWriterRegion: SECONDARY, cachePrimaryRegion: SECONDARY },
    };
    const decision = decideRegion(
      { ...fresh, activeRegion: SECONDARY },
      command('failback'),
      onSecondary,
      settings,
      T0,
    );
    expect(decision).toMatchObject({ verdict: 'start', from: SECONDARY, to: PRIMARY, kind: 'failback' });
    expect(decision.plan).toContainEqual({ kind: 'switchover-database', region: PRIMARY });
  });

  it('refuses a failback when the primary already serves', () => {
    expect(decideRegion(fresh, command('failback'), observation(T0), settings, T0).verdict).toBe('refused');
  });

  it('drills there and back with switchovers only', () => {
    const decision = decideRegion(fresh, command('drill'), observation(T0), settings, T0);
    const promotions = decision.plan.filter(
      (a) => a.kind === 'switchover-database' || a.kind === 'failover-database',
    );
    expect(promotions).toEqual([
      { kind: 'switchover-database', region: SECONDARY },
      { kind: 'switchover-database', region: PRIMARY },
    ]);
  });

  describe('after a switch that stopped half-way', () => {
    const stopped: RegionFailoverState = {
      ...fresh,
      timeline: {
        id: 'e1',
        kind: 'failover',
        automatic: false,
        from: PRIMARY,
        to: SECONDARY,
        reason: 'outage',
        requestedBy: 'oncall',
        detectedAt: T0 - 600_000,
        decidedAt: T0 - 600_000,
        steps: [],
        databasePromotedAt: T0 - 300_000,
        status: 'failed',
        finishedAt: T0 - 200_000,
      },
    };
    // The database already writes in the standby: a naive "failover" would now go back.
    const base = primaryDown(T0);
    const promoted = { ...base, global: { ...base.global!, databaseWriterRegion: SECONDARY } };

    it('keeps automation out and asks a human to finish it', () => {
      const decision = decideRegion(
        { ...stopped, activeUnhealthySince: T0 - 900_000 },
        observe,
        promoted,
        settings,
        T0,
      );
      expect(decision.verdict).toBe('needs-human');
      expect(decision.explanation).toMatch(/did not complete \(failed\); run it again to resume it/);
    });

    it('resumes the same command towards the region it was going to', () => {
      const decision = decideRegion(stopped, command('failover'), promoted, settings, T0);
      expect(decision).toMatchObject({ verdict: 'start', from: PRIMARY, to: SECONDARY, kind: 'failover' });
      expect(decision.plan).toContainEqual({
        kind: 'failover-database',
        region: SECONDARY,
        allowDataLoss: true,
      });
    });
  });

  it('fails over 0 times on a regional health check flapping every 2 minutes for 24 hours', () => {
    const verdicts = simulate(24 * 3600_000, 10_000, (t) => Math.floor((t - T0) / 120_000) % 2 === 0);
    expect(verdicts.filter((verdict) => verdict === 'start')).toHaveLength(0);
    expect(verdicts.filter((verdict) => verdict === 'watching').length).toBeGreaterThan(0);
  });

  // A healthy stretch shorter than the observation step can fall between two observations, and
  // then the region simply looks down: each one lasts at least one step here.
  it('fails over 0 times on any flapping whose unhealthy stretches stay under the hold-down (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(10, 30, 60).chain((step) =>
          fc.tuple(
            fc.constant(step * 1000),
            fc.array(
              fc.record({ up: fc.integer({ min: step, max: 3600 }), down: fc.integer({ min: 1, max: 290 }) }),
              {
                minLength: 1,
                maxLength: 20,
              },
            ),
          ),
        ),
        ([stepMs, cycles]) => {
          const period = cycles.reduce((sum, c) => sum + c.up + c.down, 0) * 1000;
          const healthyAt = (t: number) => {
            let offset = ((t - T0) % period) / 1000;
            for (const cycle of cycles) {
              if (offset < cycle.up) return true;
              offset -= cycle.up;
              if (offset < cycle.down) return false;
              offset -= cycle.down;
            }
            return true;
          };
          return !simulate(24 * 3600_000, stepMs, healthyAt).includes('start');
        },
      ),
      { numRuns: 12 },
    );
  });

  it('never starts an automatic failover with a lag reading unknown, stale, partial or above its limit (property)', () => {
    const badReading = fc.oneof(
      fc.constant(undefined),
      fc.record({
        value: fc.integer({ min: 0, max: 10 }),
        at: fc.integer({ min: 181, max: 100_000 }).map((s) => T0 - s * 1000),
        complete: fc.constant(true),
      }),
      fc.record({
        value: fc.integer({ min: 0, max: 10 }),
        at: fc.constant(T0),
        complete: fc.constant(false),
      }),
    );
    fc.assert(
      fc.property(
        fc.oneof(
          badReading.map((lag) => ({ replicationLagMs: lag })),
          badReading.map((lag) => ({ rpoLagSeconds: lag })),
          fc
            .integer({ min: 5001, max: 600_000 })
            .map((value) => ({ replicationLagMs: { value, at: T0, complete: true } })),
          fc
            .integer({ min: 61, max: 3600 })
            .map((value) => ({ rpoLagSeconds: { value, at: T0, complete: true } })),
        ),
        fc.integer({ min: 300, max: 86_400 }),
        (override, downForSeconds) => {
          const state = { ...fresh, activeUnhealthySince: T0 - downForSeconds * 1000 };
          return decideRegion(state, observe, primaryDown(T0, override), settings, T0).verdict !== 'start';
        },
      ),
    );
  });
});
