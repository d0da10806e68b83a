import { type LeaseRequest, withLock } from '../../../functions/core/coordination';
import { manualClock, memoryLock } from '../../support/memory-coordination';

const lease = (overrides: Partial<LeaseRequest> = {}): LeaseRequest => ({
  name: 'x',
  owner: 'a',
  leaseMs: 1000,
  now: 0,
  onReleaseError: () => {
    throw new Error('release was expected to succeed');
  },
  ...overrides,
});

describe('withLock', () => {
  it('runs the action and releases the lease', async () => {
    const lock = memoryLock();
    await expect(withLock(lock, lease(), async () => 42)).resolves.toEqual({ acquired: true, result: 42 });
    expect(lock.leases.size).toBe(0);
  });

  it('does not run the action while another owner holds the lease', async () => {
    const lock = memoryLock();
    await lock.acquire('x', 'other', 1000, 0);
    const action = jest.fn(async () => 1);
    await expect(withLock(lock, lease({ now: 500 }), action)).resolves.toEqual({
      acquired: false,
      attempts: 1,
    });
    expect(action).not.toHaveBeenCalled();
    expect(lock.leases.get('x')?.owner).toBe('other');
  });

  it('releases the lease when the action fails', async () => {
    const lock = memoryLock();
    await expect(
      withLock(lock, lease(), async () => {
        throw new Error('SetDesiredCapacity failed');
      }),
    ).rejects.toThrow('SetDesiredCapacity failed');
    expect(lock.leases.size).toBe(0);
  });

  it('keeps the result of an action that completed when the release fails, and reports the release', async () => {
    const lock = memoryLock((site) => (site === 'release-lock' ? new Error('throttled') : undefined));
    const released: unknown[] = [];
    await expect(
      withLock(lock, lease({ onReleaseError: (error) => released.push(error) }), async () => 'scaled'),
    ).resolves.toEqual({ acquired: true, result: 'scaled' });
    expect(released).toEqual([new Error('throttled')]);
  });

  it("throws the action's own error, not the release's, when both fail", async () => {
    const lock = memoryLock((site) => (site === 'release-lock' ? new Error('throttled') : undefined));
    const released: unknown[] = [];
    await expect(
      withLock(lock, lease({ onReleaseError: (error) => released.push(error) }), async () => {
        throw new Error('FailoverDBCluster refused');
      }),
    ).rejects.toThrow('FailoverDBCluster refused');
    expect(released).toHaveLength(1);
  });

  it('throws when acquiring fails, without running the action', async () => {
    const lock = memoryLock((site) => (site === 'acquire' ? new Error('5xx') : undefined));
    const action = jest.fn(async () => 1);
    await expect(withLock(lock, lease(), action)).rejects.toThrow('5xx');
    expect(action).not.toHaveBeenCalled();
  });

  it('waits with jitter for a busy lease and takes it once the holder lets go', async () => {
    const lock = memoryLock();
    const clock = manualClock();
    await lock.acquire('x', 'other', 1000, 0);
    const waits: number[] = [];
    const result = await withLock(
      lock,
      lease({
        retry: {
          attempts: 4,
          baseDelayMs: 500,
          deadline: 10_000,
          clock: clock.now,
          random: () => 0.99,
          sleep: async (ms) => {
            waits.push(ms);
            await clock.sleep(ms);
          },
        },
      }),
      async () => 'ran',
    );
    // Caps double (500, 1000): the lease taken at 0 for 1000 ms is free after 495 + 990 ms.
    expect(waits).toEqual([495, 990]);
    expect(result).toEqual({ acquired: true, result: 'ran' });
  });

  it('gives up after the attempts allowed', async () => {
    const lock = memoryLock();
    const clock = manualClock();
    await lock.acquire('x', 'other', 60_000, 0);
    const result = await withLock(
      lock,
      lease({
        retry: {
          attempts: 3,
          baseDelayMs: 100,
          deadline: 10_000,
          clock: clock.now,
          random: () => 0.5,
          sleep: clock.sleep,
        },
      }),
      async () => 'ran',
    );
    expect(result).toEqual({ acquired: false, attempts: 3 });
  });

  it('does not wait past the deadline', async () => {
    const lock = memoryLock();
    const clock = manualClock();
    await lock.acquire('x', 'other', 60_000, 0);
    const sleep = jest.fn(clock.sleep);
    const result = await withLock(
      lock,
      lease({
        retry: { attempts: 10, baseDelayMs: 1000, deadline: 400, clock: clock.now, random: () => 0.5, sleep },
      }),
      async () => 'ran',
    );
    expect(sleep).not.toHaveBeenCalled();
    expect(result).toEqual({ acquired: false, attempts: 1 });
  });
});
