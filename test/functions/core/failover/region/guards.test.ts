import {
  automationChecks,
  globalStateCheck,
  lagChecks,
  readinessChecks,
  staleness,
} from '../../../../../functions/core/failover/region/guards';
import { initialRegionState } from '../../../../../functions/core/failover/region/types';
import { observation, PRIMARY, settings, T0 } from './fixtures';

const passed = (checks: { guard: string; passed: boolean }[]) =>
  Object.fromEntries(checks.map((check) => [check.guard, check.passed]));

describe('region guards', () => {
  describe('staleness', () => {
    it('accepts a fresh, complete reading', () => {
      expect(staleness({ value: 1, at: T0 - 30_000, complete: true }, T0, 180)).toBeUndefined();
    });

    it.each([
      ['missing', undefined, /unknown/],
      ['partial', { value: 1, at: T0, complete: false }, /partial/],
      ['older than the limit', { value: 1, at: T0 - 181_000, complete: true }, /stale \(181 s old/],
      ['dated in the future', { value: 1, at: T0 + 120_000, complete: true }, /future/],
    ])('refuses a reading that is %s', (_case, reading, message) => {
      expect(staleness(reading, T0, 180)).toMatch(message);
    });
  });

  describe('lag', () => {
    it('passes replication and RPO lag within their limits', () => {
      expect(passed(lagChecks(observation(T0), settings, T0))).toEqual({
        'replication-lag': true,
        'rpo-lag': true,
      });
    });

    it('fails replication lag above its limit and says by how much', () => {
      const checks = lagChecks(
        observation(T0, { replicationLagMs: { value: 7000, at: T0, complete: true } }),
        settings,
        T0,
      );
      expect(checks[0]).toEqual({
        guard: 'replication-lag',
        passed: false,
        detail: '7000 ms (limit 5000 ms, read 0 s ago)',
      });
    });

    it('fails closed on a stale RPO lag even when its value is zero', () => {
      const checks = lagChecks(
        observation(T0, { rpoLagSeconds: { value: 0, at: T0 - 600_000, complete: true } }),
        settings,
        T0,
      );
      expect(checks[1]?.passed).toBe(false);
      expect(checks[1]?.detail).toMatch(/stale .* unknown lag fails closed/);
    });
  });

  describe('global state', () => {
    it('refuses while a switch is in flight', () => {
      const base = observation(T0);
      const check = globalStateCheck(
        { ...base, global: { ...base.global!, databaseStatus: 'switching-over' } },
        PRIMARY,
      );
      expect(check).toMatchObject({ passed: false, detail: expect.stringMatching(/in flight/) });
    });

    it('refuses when the writer is not where the engine thinks', () => {
      expect(globalStateCheck(observation(T0), 'eu-central-1').passed).toBe(false);
    });
  });

  describe('readiness', () => {
    it('passes a standby with a fleet, an instance, a valid certificate and secrets in sync', () => {
      expect(passed(readinessChecks(observation(T0), settings, T0))).toEqual({
        'standby-fleet': true,
        'standby-database': true,
        certificate: true,
        secrets: true,
      });
    });

    it('fails a certificate that expires within the minimum', () => {
      const base = observation(T0);
      const checks = readinessChecks(
        {
          ...base,
          standby: { ...base.standby, certificate: { status: 'ISSUED', notAfter: T0 + 3 * 86_400_000 } },
        },
        settings,
        T0,
      );
      expect(checks.find((c) => c.guard === 'certificate')).toMatchObject({
        passed: false,
        detail: 'ISSUED, 3 day(s) left (needs ≥ 14)',
      });
    });

    it('names a secret replica out of sync', () => {
      const base = observation(T0);
      const checks = readinessChecks(
        { ...base, standby: { ...base.standby, secrets: [{ name: 'cache-auth', inSync: false }] } },
        settings,
        T0,
      );
      expect(checks.find((c) => c.guard === 'secrets')?.detail).toBe('not in sync: cache-auth');
    });

    it('fails closed on everything it could not describe', () => {
      const checks = readinessChecks({ ...observation(T0), standby: {} }, settings, T0);
      expect(checks.every((check) => !check.passed)).toBe(true);
    });

    it('accepts a headless cluster only when configured headless', () => {
      const base = observation(T0);
      const headless = { ...base, standby: { ...base.standby, databaseInstances: 0 } };
      expect(
        readinessChecks(headless, settings, T0).find((c) => c.guard === 'standby-database')?.passed,
      ).toBe(false);
      expect(
        readinessChecks(headless, { ...settings, headlessStandby: true }, T0).find(
          (c) => c.guard === 'standby-database',
        )?.passed,
      ).toBe(true);
    });
  });

  describe('automation', () => {
    it('holds down until the active region has been unhealthy for the configured time', () => {
      const state = { ...initialRegionState(PRIMARY, T0), activeUnhealthySince: T0 - 299_000 };
      expect(passed(automationChecks(state, settings, T0))['hold-down']).toBe(false);
      expect(passed(automationChecks(state, settings, T0 + 1_000))['hold-down']).toBe(true);
    });

    it('spends the budget: a second automatic failover within 24 hours needs a human', () => {
      const state = {
        ...initialRegionState(PRIMARY, T0),
        history: [{ at: T0 - 5 * 3600_000, kind: 'failover' as const, automatic: true }],
      };
      expect(passed(automationChecks(state, settings, T0)).budget).toBe(false);
      expect(passed(automationChecks(state, settings, T0 + 20 * 3600_000)).budget).toBe(true);
    });

    it('never passes the budget with automation off', () => {
      const checks = automationChecks(initialRegionState(PRIMARY, T0), { ...settings, automatic: false }, T0);
      expect(checks.find((c) => c.guard === 'budget')).toMatchObject({
        passed: false,
        detail: expect.stringMatching(/off/),
      });
    });
  });
});
