import fc from 'fast-check';
import { CircuitBreaker } from '../../../packages/cache/src/breaker';
import {
  CacheCommandError,
  CacheTimeoutError,
  CacheUnavailableError,
} from '../../../packages/cache/src/errors';
import { CallGuard } from '../../../packages/cache/src/guard';
import { manualClock } from './clock';

describe('CircuitBreaker', () => {
  it('opens after the threshold, lets one trial through when half-open, closes on its success', () => {
    const clock = manualClock();
    const breaker = new CircuitBreaker({ failureThreshold: 3, openMs: 1000, now: clock.now });
    for (let i = 0; i < 2; i++) breaker.onFailure();
    expect(breaker.state).toBe('closed');
    breaker.onFailure();
    expect(breaker.state).toBe('open');
    expect(breaker.tryAcquire()).toBe(false);
    clock.advance(999);
    expect(breaker.tryAcquire()).toBe(false);
    clock.advance(1);
    expect(breaker.state).toBe('half_open');
    expect(breaker.tryAcquire()).toBe(true);
    expect(breaker.tryAcquire()).toBe(false);
    breaker.onSuccess();
    expect(breaker.state).toBe('closed');
    expect(breaker.tryAcquire()).toBe(true);
  });

  it('re-opens for another period when the trial fails', () => {
    const clock = manualClock();
    const breaker = new CircuitBreaker({ failureThreshold: 1, openMs: 500, now: clock.now });
    breaker.onFailure();
    clock.advance(500);
    expect(breaker.tryAcquire()).toBe(true);
    breaker.onFailure();
    expect(breaker.state).toBe('open');
    clock.advance(499);
    expect(breaker.tryAcquire()).toBe(false);
    clock.advance(1);
    expect(breaker.tryAcquire()).toBe(true);
  });

  it('a success resets the consecutive-failure count', () => {
    const breaker = new CircuitBreaker({ failureThreshold: 2 });
    breaker.onFailure();
    breaker.onSuccess();
    breaker.onFailure();
    expect(breaker.state).toBe('closed');
  });

  type Step = { kind: 'call'; ok: boolean } | { kind: 'wait'; ms: number };
  const steps = fc.array(
    fc.oneof(
      fc.record({ kind: fc.constant('call' as const), ok: fc.boolean() }),
      fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 1500 }) }),
    ),
    { maxLength: 200 },
  );

  it('never lets a call through while open, and at most one per half-open period', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), steps, (threshold, script: Step[]) => {
        const clock = manualClock();
        const breaker = new CircuitBreaker({ failureThreshold: threshold, openMs: 1000, now: clock.now });
        let consecutive = 0;
        for (const step of script) {
          if (step.kind === 'wait') {
            clock.advance(step.ms);
            continue;
          }
          const before = breaker.state;
          const allowed = breaker.tryAcquire();
          if (before === 'open') expect(allowed).toBe(false);
          if (before === 'closed') expect(allowed).toBe(true);
          if (before === 'half_open' && allowed) expect(breaker.tryAcquire()).toBe(false);
          if (!allowed) continue;
          if (step.ok) {
            breaker.onSuccess();
            consecutive = 0;
            expect(breaker.state).toBe('closed');
          } else {
            breaker.onFailure();
            consecutive += 1;
            if (before === 'half_open' || consecutive >= threshold) expect(breaker.state).toBe('open');
            else expect(breaker.state).toBe('closed');
          }
        }
      }),
    );
  });
});

describe('CallGuard', () => {
  it('turns a hung call into a timeout, a rejection into a command error, and stops calling when open', async () => {
    const breaker = new CircuitBreaker({ failureThreshold: 2, openMs: 60_000 });
    const guard = new CallGuard(breaker, 5);
    const hung = await guard.run('ns', 'read', () => new Promise<never>(() => undefined));
    expect(hung.ok).toBe(false);
    expect(!hung.ok && hung.error).toBeInstanceOf(CacheTimeoutError);
    const cause = new Error('ECONNREFUSED');
    const rejected = await guard.run('ns', 'write', () => Promise.reject(cause));
    expect(!rejected.ok && rejected.error).toBeInstanceOf(CacheCommandError);
    expect(!rejected.ok && rejected.error.cause).toBe(cause);
    expect(!rejected.ok && rejected.error.operation).toBe('write');
    const call = jest.fn(() => Promise.resolve(1));
    const refused = await guard.run('ns', 'read', call);
    expect(call).not.toHaveBeenCalled();
    expect(!refused.ok && refused.error).toBeInstanceOf(CacheUnavailableError);
    expect(!refused.ok && refused.error.name).toBe('CacheUnavailableError');
  });

  it('passes values through and treats a synchronous throw as a failure', async () => {
    const guard = new CallGuard(new CircuitBreaker(), 1000);
    expect(await guard.run('ns', 'read', () => Promise.resolve('v'))).toEqual({ ok: true, value: 'v' });
    const thrown = await guard.run('ns', 'read', () => {
      throw new Error('sync');
    });
    expect(thrown.ok).toBe(false);
  });

  it('times out only the calls that hang, in any settle order, and ignores a late reply', async () => {
    const breaker = new CircuitBreaker({ failureThreshold: 100 });
    const onSuccess = jest.spyOn(breaker, 'onSuccess');
    const onFailure = jest.spyOn(breaker, 'onFailure');
    const guard = new CallGuard(breaker, 20);
    let late: (value: string) => void = () => undefined;
    const lateReply = new Promise<string>((resolve) => {
      late = resolve;
    });
    const slowButInTime = new Promise<string>((resolve) => setTimeout(resolve, 5, 'slow'));
    const results = await Promise.all([
      guard.run('ns', 'read', () => lateReply),
      guard.run('ns', 'read', () => slowButInTime),
      guard.run('ns', 'read', () => new Promise<never>(() => undefined)),
      guard.run('ns', 'read', () => Promise.resolve('fast')),
    ]);
    expect(results.map((r) => (r.ok ? r.value : r.error.name))).toEqual([
      'CacheTimeoutError',
      'slow',
      'CacheTimeoutError',
      'fast',
    ]);
    expect(onSuccess).toHaveBeenCalledTimes(2);
    expect(onFailure).toHaveBeenCalledTimes(2);
    late('too late');
    await lateReply;
    await Promise.resolve();
    expect(onSuccess).toHaveBeenCalledTimes(2);
    expect(await guard.run('ns', 'read', () => Promise.resolve('after'))).toEqual({
      ok: true,
      value: 'after',
    });
  });
});
