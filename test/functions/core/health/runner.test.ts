import fc from 'fast-check';
import type { HealthCheck } from '../../../../functions/core/health/check-schema';
import { dispatchProbe, type Probe, type ProbeOutcome } from '../../../../functions/core/health/probe';
import { runChecks } from '../../../../functions/core/health/runner';
import { dependencyCheck, manyChecks, tcpCheck } from './check-fixtures';

const now = () => performance.now();
const hang = () => new Promise<ProbeOutcome>(() => {});
const hangUntilAborted = (signal: AbortSignal) =>
  new Promise<ProbeOutcome>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));

describe('runChecks', () => {
  it('returns every result in check order with the probe verdicts', async () => {
    const checks = manyChecks(5, 1000);
    const probe: Probe = async (check) =>
      check.id === 'c2' ? { status: 'down', error: 'HTTP 500, expected 200-299' } : { status: 'up' };
    const { results } = await runChecks(checks, probe, { deadline: now() + 5000, now });
    expect(results.map((r) => [r.checkId, r.status])).toEqual([
      ['c0', 'up'],
      ['c1', 'up'],
      ['c2', 'down'],
      ['c3', 'up'],
      ['c4', 'up'],
    ]);
    expect(results[2]).toMatchObject({ component: 'api', kind: 'http', error: 'HTTP 500, expected 200-299' });
  });

  it('marks a probe that ignores its signal down after its own timeout and keeps the others', async () => {
    const checks = manyChecks(3, 30);
    const probe: Probe = (check) => (check.id === 'c1' ? hang() : Promise.resolve({ status: 'up' }));
    const { results } = await runChecks(checks, probe, { deadline: now() + 5000, now });
    expect(results.map((r) => r.status)).toEqual(['up', 'down', 'up']);
    expect(results[1]!.error).toBe('timed out after 30 ms');
  });

  it('gives a dependency check whose service does not answer in time no verdict, not a down dependency', async () => {
    const check = dependencyCheck({ timeoutMs: 30 });
    const { results } = await runChecks([check, tcpCheck({ timeoutMs: 30 })], () => hang(), {
      deadline: now() + 5000,
      now,
    });
    expect(results.map((r) => r.status)).toEqual(['unknown', 'down']);
    expect(results[0]!.error).toBe(
      "the service's health endpoint timed out after 30 ms: no verdict on database",
    );
  });

  it('aborts the timed-out probe through its signal', async () => {
    let seen: unknown;
    const probe: Probe = (_, signal) =>
      hangUntilAborted(signal).catch((reason) => {
        seen = reason;
        return { status: 'down' as const };
      });
    await runChecks(manyChecks(1, 20), probe, { deadline: now() + 5000, now });
    expect(seen).toMatchObject({ name: 'ProbeTimeoutError', reason: 'timeout', checkId: 'c0' });
  });

  it('calls a probe cut short by the round deadline unknown, not down, and skips checks it cannot start', async () => {
    const checks = manyChecks(3, 5000);
    const { results } = await runChecks(checks, (_, signal) => hangUntilAborted(signal), {
      deadline: now() + 40,
      now,
      concurrency: 2,
    });
    expect(results.map((r) => r.status)).toEqual(['unknown', 'unknown', 'unknown']);
    expect(results[0]!.error).toMatch(/cut short after \d+ ms by the round deadline/);
    expect(results[2]!.error).toBe('not run: the round deadline passed');
  });

  it('records a probe that throws, synchronously or not, as unknown with its message', async () => {
    const probe: Probe = (check) => {
      if (check.id === 'c0') throw new Error('bad wiring');
      return Promise.reject(new Error('socket exploded'));
    };
    const { results } = await runChecks(manyChecks(2, 1000), probe, { deadline: now() + 1000, now });
    expect(results.map((r) => [r.status, r.error])).toEqual([
      ['unknown', 'probe failed: bad wiring'],
      ['unknown', 'probe failed: socket exploded'],
    ]);
  });

  it('never has more than `concurrency` probes in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    const probe: Probe = async () => {
      peak = Math.max(peak, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 1));
      inFlight--;
      return { status: 'up' };
    };
    await runChecks(manyChecks(40, 1000), probe, { deadline: now() + 5000, now, concurrency: 7 });
    expect(peak).toBe(7);
  });

  it('stops starting probes and answers unknown when the round signal aborts', async () => {
    const controller = new AbortController();
    const probe: Probe = (check, signal) => {
      if (check.id === 'c0') controller.abort();
      return hangUntilAborted(signal);
    };
    const { results } = await runChecks(manyChecks(3, 5000), probe, {
      deadline: now() + 5000,
      now,
      concurrency: 1,
      signal: controller.signal,
    });
    expect(results.map((r) => r.error)).toEqual([
      'aborted with the round',
      'not run: the round was aborted',
      'not run: the round was aborted',
    ]);
  });

  it('answers unknown for a kind with no probe in the set', async () => {
    const probe = dispatchProbe({ http: async () => ({ status: 'up' }) });
    const checks: HealthCheck[] = [...manyChecks(1, 1000), tcpCheck()];
    const { results } = await runChecks(checks, probe, { deadline: now() + 1000, now });
    expect(results.map((r) => r.status)).toEqual(['up', 'unknown']);
    expect(results[1]!.error).toBe('no probe for kind "tcp" here');
  });
});

type Behaviour = 'up' | 'down' | 'hang' | 'hang-until-aborted' | 'throw' | 'reject' | 'garbage';

const behave = (behaviour: Behaviour, signal: AbortSignal): Promise<ProbeOutcome> => {
  switch (behaviour) {
    case 'up':
    case 'down':
      return new Promise((resolve) => setTimeout(() => resolve({ status: behaviour }), 0));
    case 'hang':
      return hang();
    case 'hang-until-aborted':
      return hangUntilAborted(signal);
    case 'throw':
      throw new Error('boom');
    case 'reject':
      return Promise.reject(new Error('nope'));
    case 'garbage':
      return Promise.resolve({ status: 'sideways' } as unknown as ProbeOutcome);
  }
};

describe('runChecks property', () => {
  it('returns exactly one well-formed result per check, whatever the probes do', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.constantFrom<Behaviour>(
            'up',
            'down',
            'hang',
            'hang-until-aborted',
            'throw',
            'reject',
            'garbage',
          ),
          {
            maxLength: 25,
          },
        ),
        fc.integer({ min: 1, max: 8 }),
        async (behaviours, concurrency) => {
          const checks = manyChecks(behaviours.length, 40);
          const probe: Probe = (check, signal) => behave(behaviours[Number(check.id.slice(1))]!, signal);
          const { results } = await runChecks(checks, probe, { deadline: now() + 10_000, now, concurrency });
          expect(results.map((r) => r.checkId)).toEqual(checks.map((c) => c.id));
          behaviours.forEach((behaviour, i) => {
            const expected =
              behaviour === 'up' || behaviour === 'down'
                ? behaviour
                : behaviour.startsWith('hang')
                  ? 'down'
                  : 'unknown';
            expect(results[i]!.status).toBe(expected);
          });
        },
      ),
      { numRuns: 40 },
    );
  });
});
