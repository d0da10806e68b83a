import { CacheConfigError, CacheInputError, createCache, MemoryRedis } from '@misybot-ha/cache';
import { manualClock } from './clock';

function setup(options: Partial<Parameters<typeof createCache>[0]> = {}) {
  const clock = manualClock();
  const redis = new MemoryRedis({ now: clock.now });
  const cache = createCache({ client: redis, now: clock.now, ...options });
  return { redis, cache, ns: cache.namespace('n') };
}

async function inputError(promise: Promise<unknown>): Promise<CacheInputError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CacheInputError);
  return error as CacheInputError;
}

describe('bad input gets a typed error naming the argument, and nothing is stored', () => {
  it.each([-5, 0, 0.5, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 366 * 24 * 3600 * 1000])(
    'a per-call ttlMs of %s',
    async (ttlMs) => {
      const { ns, redis } = setup();
      const error = await inputError(ns.set('k', 'v', { ttlMs }));
      expect(error.field).toBe('entries[0].ttlMs');
      expect(error.message).toMatch(/whole number of milliseconds from 1/);
      expect(redis.data.size).toBe(0);
      expect((await inputError(ns.getOrSet('k', () => 'v', { ttlMs }))).field).toBe('ttlMs');
    },
  );

  it('a loader that chooses a bad TTL', async () => {
    const { ns } = setup();
    const error = await inputError(
      ns.getOrSet('k', (ctx) => {
        ctx.setTtl(0);
        return 'v';
      }),
    );
    expect(error.field).toBe('setTtl(ttlMs)');
  });

  it('a 10 MB key, an empty key, a key that is not a string', async () => {
    const { ns } = setup();
    expect((await inputError(ns.set('x'.repeat(10 * 1024 * 1024), 1))).message).toMatch(
      /1 to 1024 characters, got 10485760/,
    );
    expect((await inputError(ns.get(''))).field).toBe('key');
    expect((await inputError(ns.get(42 as unknown as string))).message).toMatch(
      /must be a string, got number/,
    );
    expect((await inputError(ns.getMany(['ok', '']))).field).toBe('keys[1]');
    expect((await inputError(ns.deleteMany('k' as unknown as string[]))).field).toBe('keys');
  });

  it('honours maxKeyLength', async () => {
    const { ns } = setup({ maxKeyLength: 8 });
    expect(await ns.set('12345678', 1)).toBe(true);
    expect((await inputError(ns.set('123456789', 1))).message).toMatch(/1 to 8 characters/);
  });

  it('tags that are not short strings, or too many', async () => {
    const { ns } = setup();
    expect((await inputError(ns.set('k', 1, { tags: [''] }))).field).toBe('entries[0].tags[0]');
    const many = Array.from({ length: 33 }, (_, i) => `t${i}`);
    expect((await inputError(ns.set('k', 1, { tags: many }))).message).toMatch(/at most 32 tags/);
    expect((await inputError(ns.invalidateTags('t' as unknown as string[]))).field).toBe('tags');
  });
});

describe('a mistyped namespace', () => {
  it('is refused when namespaces are declared, with the likely intended name', () => {
    const cache = createCache({ client: new MemoryRedis(), namespaces: { answers: {}, sessions: {} } });
    expect(cache.namespace('answers').name).toBe('answers');
    expect(() => cache.namespace('anwsers')).toThrow(CacheConfigError);
    expect(() => cache.namespace('anwsers')).toThrow(/"anwsers" is not declared .* did you mean "answers"\?/);
    expect(() => cache.namespace('other')).toThrow(/declared: answers, sessions/);
  });

  it('is a namespace of its own when none are declared, or strictNamespaces is false', () => {
    expect(setup().cache.namespace('anything').name).toBe('anything');
    const cache = createCache({
      client: new MemoryRedis(),
      namespaces: { answers: {} },
      strictNamespaces: false,
    });
    expect(cache.namespace('other').name).toBe('other');
  });
});

describe('a loader returning undefined (negative caching)', () => {
  it('is cached as "no value" and not run again within negativeTtlMs', async () => {
    const { ns } = setup({ defaults: { ttlMs: 60_000, negativeTtlMs: 5_000 } });
    const loader = jest.fn(async () => undefined);
    expect(await ns.getOrSet('missing', loader)).toBeUndefined();
    expect(await ns.getOrSet('missing', loader)).toBeUndefined();
    expect(loader).toHaveBeenCalledTimes(1);
    expect(await ns.get('missing')).toBeUndefined();
    expect(await ns.has('missing')).toBe(false);
    expect(await ns.getEntry('missing')).toBeUndefined();
  });

  it('is looked up again once negativeTtlMs has passed', async () => {
    const clock = manualClock();
    const redis = new MemoryRedis({ now: clock.now });
    const ns = createCache({
      client: redis,
      now: clock.now,
      random: () => 0,
      defaults: { negativeTtlMs: 1000 },
    }).namespace('n');
    const loader = jest.fn(async () => undefined as string | undefined);
    await ns.getOrSet('k', loader);
    clock.advance(1001);
    loader.mockResolvedValueOnce('found');
    expect(await ns.getOrSet('k', loader)).toBe('found');
    expect(loader).toHaveBeenCalledTimes(2);
  });

  it('runs on every call with negativeTtlMs 0', async () => {
    const { ns } = setup({ defaults: { negativeTtlMs: 0 } });
    const loader = jest.fn(async () => undefined);
    await ns.getOrSet('k', loader);
    await ns.getOrSet('k', loader);
    expect(loader).toHaveBeenCalledTimes(2);
  });
});
