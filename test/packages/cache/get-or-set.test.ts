import { type CacheError, createCache, MemoryRedis } from '@misybot-ha/cache';
import { manualClock } from './clock';

function setup(defaults: Parameters<typeof createCache>[0]['defaults'] = {}) {
  const clock = manualClock();
  const client = new MemoryRedis({ now: clock.now });
  const errors: CacheError[] = [];
  const cache = createCache({
    client,
    now: clock.now,
    random: () => 0,
    timeoutMs: 20,
    breaker: { failureThreshold: 3, openMs: 1000 },
    defaults: { ttlMs: 1000, ...defaults },
    onError: (e) => errors.push(e),
  });
  return { clock, client, cache, errors, ns: cache.namespace('n') };
}

/** A loader whose calls are counted and which resolves when told to. */
function gatedLoader<T>(value: T) {
  let open: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  const loader = jest.fn(async () => {
    await gate;
    return value;
  });
  return { loader, open };
}

describe('getOrSet', () => {
  it('runs one loader for many concurrent misses in one process, and stores its value', async () => {
    const { ns, cache } = setup();
    const { loader, open } = gatedLoader({ id: 1 });
    const all = Promise.all(Array.from({ length: 500 }, () => ns.getOrSet('k', loader)));
    await new Promise((r) => setImmediate(r));
    open();
    const values = await all;
    expect(loader).toHaveBeenCalledTimes(1);
    expect(new Set(values.map((v) => JSON.stringify(v)))).toEqual(new Set(['{"id":1}']));
    expect(await ns.get('k')).toEqual({ id: 1 });
    expect(cache.stats()[0]).toMatchObject({ loads: 1, misses: 500 });
  });

  it('runs one loader across instances with the cross-instance lock', async () => {
    const { client, clock } = setup();
    const make = () =>
      createCache({ client, now: clock.now, defaults: { lock: { pollMs: 2, waitMs: 5000 } } }).namespace('n');
    const [a, b] = [make(), make()];
    const { loader, open } = gatedLoader('v');
    const all = Promise.all([
      ...Array.from({ length: 50 }, () => a.getOrSet('k', loader)),
      ...Array.from({ length: 50 }, () => b.getOrSet('k', loader)),
    ]);
    setTimeout(open, 20);
    expect(new Set(await all)).toEqual(new Set(['v']));
    expect(loader).toHaveBeenCalledTimes(1);
    expect([...client.data.keys()].some((k) => k.includes(':l:'))).toBe(false);
  });

  it('takes over when the lock holder fails, without waiting for the lock TTL', async () => {
    const { client, clock } = setup();
    const make = () =>
      createCache({ client, now: clock.now, defaults: { lock: { pollMs: 2 } } }).namespace('n');
    const [a, b] = [make(), make()];
    let fail: (e: Error) => void = () => undefined;
    const failing = jest.fn(
      () =>
        new Promise<string>((_, reject) => {
          fail = reject;
        }),
    );
    const first = a.getOrSet('k', failing);
    await new Promise((r) => setTimeout(r, 5));
    const second = b.getOrSet('k', async () => 'from-b');
    fail(new Error('db down'));
    await expect(first).rejects.toThrow('db down');
    expect(await second).toBe('from-b');
  });

  it('serves stale within stale-while-revalidate and refreshes once in the background', async () => {
    const { ns, clock, cache } = setup({ staleWhileRevalidateMs: 500 });
    await ns.set('k', 'old');
    clock.advance(1200);
    const { loader, open } = gatedLoader('new');
    expect(await ns.getOrSet('k', loader)).toBe('old');
    expect(await ns.getOrSet('k', loader)).toBe('old');
    open();
    await new Promise((r) => setTimeout(r, 5));
    expect(loader).toHaveBeenCalledTimes(1);
    expect(await ns.getOrSet('k', loader)).toBe('new');
    expect(cache.stats()[0]).toMatchObject({ staleServes: 2, hits: 1, loads: 1 });
  });

  it('past the stale window, waits for the loader', async () => {
    const { ns, clock } = setup({ staleWhileRevalidateMs: 500, graceMs: 500 });
    await ns.set('k', 'old');
    clock.advance(1600);
    expect(await ns.getOrSet('k', async () => 'new')).toBe('new');
  });

  it('serves stale within grace when the loader fails, and the loader error beyond it', async () => {
    const { ns, clock, cache } = setup({ graceMs: 10_000 });
    await ns.set('k', 'old');
    clock.advance(5000);
    const failing = async (): Promise<string> => {
      throw new Error('db down');
    };
    expect(await ns.getOrSet('k', failing)).toBe('old');
    clock.advance(6000);
    await expect(ns.getOrSet('k', failing)).rejects.toThrow('db down');
    expect(cache.stats()[0]).toMatchObject({ staleServes: 1, misses: 2 });
  });

  it('reports a failed background refresh and keeps serving stale', async () => {
    const { ns, clock, errors } = setup({ staleWhileRevalidateMs: 5000 });
    await ns.set('k', 'old');
    clock.advance(1500);
    expect(await ns.getOrSet('k', () => Promise.reject(new Error('boom')))).toBe('old');
    await new Promise((r) => setTimeout(r, 5));
    expect(errors.map((e) => e.name)).toEqual(['CacheRefreshError']);
    expect(errors[0]!.cause).toEqual(new Error('boom'));
    expect(await ns.getOrSet('k', async () => 'new')).toBe('old');
  });
});

describe('fail-open', () => {
  it.each(['reject', 'hang'] as const)(
    'returns the loader value when Redis is %s, never throws',
    async (mode) => {
      const { ns, client, errors } = setup({ lock: true });
      client.mode = mode;
      expect(await ns.getOrSet('k', async () => 'loaded')).toBe('loaded');
      expect(await ns.get('k')).toBeUndefined();
      expect(await ns.set('k', 1)).toBe(false);
      expect(await ns.delete('k')).toBe(false);
      expect(await ns.invalidate()).toBe(false);
      expect((await ns.clear()).complete).toBe(false);
      expect(errors.length).toBeGreaterThan(0);
      expect(
        errors.every((e) =>
          ['CacheCommandError', 'CacheTimeoutError', 'CacheUnavailableError'].includes(e.name),
        ),
      ).toBe(true);
    },
  );

  it('stops calling Redis while the breaker is open and recovers by itself', async () => {
    const { ns, client, clock, cache } = setup();
    await ns.set('k', 'v', { ttlMs: 60_000 });
    client.mode = 'reject';
    for (let i = 0; i < 3; i++) expect(await ns.get('k')).toBeUndefined();
    expect(cache.breakerState).toBe('open');
    const calls = client.calls.mget;
    expect(await ns.get('k')).toBeUndefined();
    expect(client.calls.mget).toBe(calls);
    client.mode = 'ok';
    clock.advance(1000);
    expect(cache.breakerState).toBe('half_open');
    expect(await ns.get('k')).toBe('v');
    expect(cache.breakerState).toBe('closed');
  });
});
