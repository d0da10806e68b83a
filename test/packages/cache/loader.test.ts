import { type CacheError, CacheLoaderTimeoutError, createCache, MemoryRedis } from '@misybot-ha/cache';
import { manualClock } from './clock';

function setup(defaults: Parameters<typeof createCache>[0]['defaults'] = {}) {
  const clock = manualClock();
  const redis = new MemoryRedis({ now: clock.now });
  const errors: CacheError[] = [];
  const cache = createCache({
    client: redis,
    now: clock.now,
    random: () => 0,
    defaults: { ttlMs: 1000, ...defaults },
    onError: (e) => errors.push(e),
  });
  return { clock, redis, cache, errors, ns: cache.namespace('n') };
}

const later = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('getOrSet loader timeouts', () => {
  it('soft: returns the stale value within grace once the loader has run softMs, and stores the loader value when done', async () => {
    const { ns, clock } = setup({ graceMs: 60_000 });
    await ns.set('k', 'old');
    clock.advance(2000);
    let finish: (v: string) => void = () => undefined;
    const slow = () => new Promise<string>((resolve) => (finish = resolve));
    expect(await ns.getOrSet('k', slow, { timeouts: { softMs: 10 } })).toBe('old');
    finish('new');
    await later(5);
    expect(await ns.get('k')).toBe('new');
  });

  it('soft: waits for the loader when there is nothing stale to serve', async () => {
    const { ns } = setup();
    const loaded = await ns.getOrSet('k', () => later(30).then(() => 'v'), { timeouts: { softMs: 5 } });
    expect(loaded).toBe('v');
  });

  it('hard: aborts the loader through its signal and rejects with CacheLoaderTimeoutError', async () => {
    const { ns, cache } = setup({ loaderTimeouts: { hardMs: 20 } });
    const outcomes: string[] = [];
    cache.on('load', (e) => outcomes.push(e.outcome));
    let signal: AbortSignal | undefined;
    const hanging = (ctx: { signal: AbortSignal }) => {
      signal = ctx.signal;
      return new Promise<string>(() => undefined);
    };
    const error = await ns.getOrSet('k', hanging).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CacheLoaderTimeoutError);
    expect(error).toMatchObject({ namespace: 'n', key: 'k', timeoutMs: 20 });
    expect(signal?.aborted).toBe(true);
    expect(signal?.reason).toBe(error);
    expect(outcomes).toEqual(['timeout']);
  });

  it('hard: serves the stale value within grace instead of rejecting', async () => {
    const { ns, clock } = setup({ graceMs: 60_000 });
    await ns.set('k', 'old');
    clock.advance(2000);
    const hanging = () => new Promise<string>(() => undefined);
    expect(await ns.getOrSet('k', hanging, { timeouts: { hardMs: 10 } })).toBe('old');
  });
});

describe('getOrSet loader context', () => {
  it('lets the loader choose the TTL', async () => {
    const { ns, clock } = setup({ ttlMs: 1000 });
    await ns.getOrSet('k', (ctx) => {
      ctx.setTtl(10_000);
      return 'v';
    });
    clock.advance(5000);
    expect(await ns.get('k')).toBe('v');
  });

  it('lets the loader skip caching', async () => {
    const { ns } = setup();
    const loader = jest.fn((ctx: { skip(): void }) => {
      ctx.skip();
      return 'v';
    });
    expect(await ns.getOrSet('k', loader)).toBe('v');
    expect(await ns.getOrSet('k', loader)).toBe('v');
    expect(loader).toHaveBeenCalledTimes(2);
  });

  it('hands the loader the stale value within grace', async () => {
    const { ns, clock } = setup({ graceMs: 60_000 });
    await ns.set('k', { etag: 'a' });
    clock.advance(2000);
    const seen: unknown[] = [];
    await ns.getOrSet('k', (ctx) => {
      seen.push(ctx.staleValue);
      return { etag: 'b' };
    });
    expect(seen).toEqual([{ etag: 'a' }]);
  });
});

describe('refresh-ahead', () => {
  it('returns the fresh value and refreshes it in the background once the refresh point has passed', async () => {
    const { ns, clock, cache } = setup({ ttlMs: 1000, refreshAhead: 0.8 });
    const loads: string[] = [];
    cache.on('load', (e) => loads.push(e.key));
    await ns.getOrSet('k', () => 'v1');
    clock.advance(700);
    expect(await ns.getOrSet('k', () => 'v2')).toBe('v1');
    expect(loads).toEqual(['k']);
    clock.advance(150);
    expect(await ns.getOrSet('k', () => 'v2')).toBe('v1');
    await later(5);
    expect(loads).toEqual(['k', 'k']);
    expect(await ns.get('k')).toBe('v2');
  });
});

describe('tags', () => {
  it('invalidates every entry of a tag in the namespace, and nothing else', async () => {
    const { ns } = setup();
    await ns.setMany([
      { key: 'a', value: 1, tags: ['user:1', 'team:1'] },
      { key: 'b', value: 2, tags: ['user:2', 'team:1'] },
      { key: 'c', value: 3 },
    ]);
    expect(await ns.invalidateTags(['user:1'])).toBe(true);
    expect(await ns.getMany(['a', 'b', 'c'])).toEqual([undefined, 2, 3]);
    await ns.invalidateTags(['team:1']);
    expect(await ns.getMany(['a', 'b', 'c'])).toEqual([undefined, undefined, 3]);
    await ns.set('a', 10, { tags: ['user:1'] });
    expect(await ns.get('a')).toBe(10);
  });

  it('does not serve what a loader read before its tag was invalidated', async () => {
    const { ns } = setup();
    let finish: (v: string) => void = () => undefined;
    const loading = ns.getOrSet('k', () => new Promise<string>((resolve) => (finish = resolve)), {
      tags: ['t'],
    });
    await later(1);
    await ns.invalidateTags(['t']);
    finish('read before the invalidation');
    expect(await loading).toBe('read before the invalidation');
    expect(await ns.get('k')).toBeUndefined();
  });
});

describe('getMany, setMany, deleteMany, has', () => {
  it('do their work in one Redis round trip each', async () => {
    const { ns, redis } = setup();
    expect(
      await ns.setMany([
        { key: 'a', value: 1 },
        { key: 'b', value: 2, ttlMs: 5000 },
      ]),
    ).toBe(true);
    expect(redis.calls['script:write']).toBe(1);
    const reads = redis.calls.mget ?? 0;
    expect(await ns.getMany(['a', 'missing', 'b'])).toEqual([1, undefined, 2]);
    expect(redis.calls.mget).toBe(reads + 1);
    expect(await ns.has('a')).toBe(true);
    expect(await ns.has('missing')).toBe(false);
    expect(await ns.deleteMany(['a', 'b', 'missing'])).toBe(2);
    expect(redis.calls['script:delete']).toBe(1);
    expect(await ns.getMany(['a', 'b'])).toEqual([undefined, undefined]);
    expect(await ns.getMany([])).toEqual([]);
  });
});

describe('lifecycle events', () => {
  it('tell hits, misses, stale serves, loads, writes and invalidations', async () => {
    const { ns, cache, clock } = setup({ staleWhileRevalidateMs: 5000 });
    const events: string[] = [];
    for (const name of ['hit', 'miss', 'stale', 'load', 'write', 'invalidation'] as const) {
      cache.on(name, () => events.push(name));
    }
    await ns.getOrSet('k', () => 'v');
    await ns.get('k');
    clock.advance(2000);
    await ns.getOrSet('k', () => 'v2');
    await later(5);
    await ns.delete('k');
    expect(events).toEqual(['miss', 'load', 'write', 'hit', 'stale', 'load', 'write', 'invalidation']);
  });

  it('report swallowed errors, and a throwing listener does not break the call', async () => {
    const { ns, cache, redis } = setup();
    const emitWarning = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const errors: string[] = [];
    cache.on('error', (e) => errors.push(e.error.name));
    cache.on('miss', () => {
      throw new Error('telemetry bug');
    });
    redis.mode = 'reject';
    expect(await ns.get('k')).toBeUndefined();
    expect(errors).toEqual(['CacheCommandError']);
    expect(emitWarning).toHaveBeenCalledWith('a cache "miss" listener threw: telemetry bug', {
      code: 'MISYBOT_CACHE_LISTENER',
    });
    emitWarning.mockRestore();
  });
});

describe('refresh-ahead with the cross-instance lock', () => {
  it('still reloads the fresh value under the lock', async () => {
    const { ns, clock, cache } = setup({ ttlMs: 1000, refreshAhead: 0.5, lock: { pollMs: 2 } });
    const loads: string[] = [];
    cache.on('load', (e) => loads.push(e.key));
    await ns.getOrSet('k', () => 'v1');
    clock.advance(600);
    expect(await ns.getOrSet('k', () => 'v2')).toBe('v1');
    await later(10);
    expect(loads).toEqual(['k', 'k']);
    expect(await ns.get('k')).toBe('v2');
  });
});

describe('the cross-instance lock', () => {
  it('does not load again when another instance stored the value just before this one took the lock', async () => {
    /** Runs `before` once, just ahead of the next SET NX (the lock acquisition). */
    class Racing extends MemoryRedis {
      before: (() => Promise<unknown>) | undefined;
      override async set(key: string, value: Buffer | string, options: { px: number; nx?: boolean }) {
        const before = this.before;
        this.before = undefined;
        if (options.nx && before) await before();
        return super.set(key, value, options);
      }
    }
    const redis = new Racing();
    const make = () => createCache({ client: redis, defaults: { lock: { pollMs: 2 } } }).namespace('n');
    const [a, b] = [make(), make()];
    redis.before = () => b.set('k', 'stored by b');
    const loader = jest.fn(async () => 'loaded by a');
    expect(await a.getOrSet('k', loader)).toBe('stored by b');
    expect(loader).not.toHaveBeenCalled();
  });
});
