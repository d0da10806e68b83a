import {
  type CacheError,
  createCache,
  decodeEnvelope,
  msgpackSerializer,
  RedisLock,
} from '@misybot-ha/cache';
import { sharedRedisUrl, uniqueTestName } from '../../harness/env';
import { ADAPTERS, connect, type TestClient } from './clients';

describe.each(ADAPTERS)('cache over %s against real Redis', (adapter) => {
  let redis: TestClient;
  let other: TestClient;
  let prefix: string;

  beforeAll(async () => {
    redis = await connect(adapter, sharedRedisUrl());
    other = await connect(adapter, sharedRedisUrl());
  });
  afterAll(async () => {
    await redis.close();
    await other.close();
  });
  beforeEach(() => {
    prefix = `${uniqueTestName('cache')}:`;
  });

  const cacheOn = (test: TestClient, extra: Partial<Parameters<typeof createCache>[0]> = {}) =>
    createCache({ client: test.client, prefix, timeoutMs: 2000, ...extra });

  it('keeps namespaces apart; invalidation is O(1) and seen by another instance', async () => {
    const a = cacheOn(redis);
    const b = cacheOn(other);
    await a.namespace('users').set('1', { name: 'Ada' });
    await a.namespace('orders').set('1', { total: 3 });
    expect(await b.namespace('users').get('1')).toEqual({ name: 'Ada' });
    expect(await a.namespace('users').invalidate()).toBe(true);
    expect(await b.namespace('users').get('1')).toBeUndefined();
    expect(await b.namespace('orders').get('1')).toEqual({ total: 3 });
    await b.namespace('users').set('1', { name: 'Grace' });
    expect(await a.namespace('users').get('1')).toEqual({ name: 'Grace' });
  });

  it('clears one namespace with SCAN + UNLINK', async () => {
    const cache = cacheOn(redis);
    const users = cache.namespace('users');
    await Promise.all(Array.from({ length: 1500 }, (_, i) => users.set(String(i), i)));
    await cache.namespace('orders').set('x', 1);
    expect(await redis.countKeys(`${prefix}{users}:*`)).toBe(1500);
    expect(await users.clear()).toEqual({ removed: 1500, complete: true });
    // Only the generation counter stays, bumped: writes racing the clear cannot revive old entries.
    expect(await redis.countKeys(`${prefix}{users}:*`)).toBe(1);
    expect((await redis.getRaw(`${prefix}{users}:g`))?.toString()).toBe('1');
    expect(await cache.namespace('orders').get('x')).toBe(1);
  });

  it('compresses from the threshold up, and stores what the envelope says', async () => {
    const ns = cacheOn(redis).namespace('docs');
    await ns.set('below', 'a'.repeat(1021));
    await ns.set('at', 'a'.repeat(1022));
    const below = await redis.getRaw(`${prefix}{docs}:v:0:below`);
    const at = await redis.getRaw(`${prefix}{docs}:v:0:at`);
    expect(decodeEnvelope(below!)).toMatchObject({ version: 1, codec: 'none', serializerId: 1 });
    expect(decodeEnvelope(at!)).toMatchObject({ version: 1, codec: 'gzip', serializerId: 1 });
    expect(below!.length).toBe(10 + 1023);
    expect(at!.length).toBeLessThan(100);
    expect(await ns.get('at')).toBe('a'.repeat(1022));
  });

  it('reads legacy JSON, hand-written v1 bytes and other serialisers; a newer version is a miss', async () => {
    const errors: CacheError[] = [];
    const ns = cacheOn(redis, { now: () => 1_600_000_000_000, onError: (e) => errors.push(e) }).namespace(
      'compat',
    );
    const raw = (key: string, value: Buffer | string) => redis.setRaw(`${prefix}{compat}:v:0:${key}`, value);
    // v1, codec none, json, flags 0, soft expiry 1_700_000_000_000, payload "hi" (JSON).
    await raw('v1', Buffer.from('01000100018bcfe5680022686922', 'hex'));
    // v1 claiming gzip over a payload that is not gzip: corrupt.
    await raw('corrupt', Buffer.from('01010100018bcfe5680022686922', 'hex'));
    await raw('legacy', '{"plain":true}');
    await raw('future', Buffer.from([7, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0x31]));
    await cacheOn(redis, { defaults: { serializer: msgpackSerializer } })
      .namespace('compat')
      .set('mp', { n: 1 });
    expect(await ns.get('v1')).toBe('hi');
    expect(await ns.get('legacy')).toEqual({ plain: true });
    expect(await ns.get('mp')).toEqual({ n: 1 });
    expect(await ns.get('future')).toBeUndefined();
    expect(errors).toEqual([]);
    expect(await ns.get('corrupt')).toBeUndefined();
    expect(errors.map((e) => e.name)).toEqual(['CacheDecodeError']);
  });

  it('releases a lock only for its owner', async () => {
    const key = `${prefix}{locks}:job`;
    const owner = new RedisLock(redis.client, key, 60_000);
    const intruder = new RedisLock(other.client, key, 60_000);
    expect(await owner.acquire()).toBe(true);
    expect(await intruder.acquire()).toBe(false);
    expect(await intruder.release()).toBe(false);
    expect((await redis.getRaw(key))?.toString()).toBe(owner.token);
    expect(await owner.release()).toBe(true);
    expect(await redis.getRaw(key)).toBeNull();
    expect(await intruder.acquire()).toBe(true);
    expect(await owner.release()).toBe(false);
    expect((await redis.getRaw(key))?.toString()).toBe(intruder.token);
  });

  it('lets an expired lock go to the next owner, whom the old owner cannot release', async () => {
    const key = `${prefix}{locks}:short`;
    const first = new RedisLock(redis.client, key, 30);
    const second = new RedisLock(other.client, key, 60_000);
    expect(await first.acquire()).toBe(true);
    let acquired = false;
    for (let i = 0; i < 200 && !acquired; i++) {
      acquired = await second.acquire();
      if (!acquired) await new Promise((r) => setTimeout(r, 10));
    }
    expect(acquired).toBe(true);
    expect(await first.release()).toBe(false);
    expect((await redis.getRaw(key))?.toString()).toBe(second.token);
  });

  it('runs one loader for 1,000 concurrent misses in one instance', async () => {
    const ns = cacheOn(redis).namespace('stampede');
    const loader = jest.fn(async () => {
      await new Promise((r) => setTimeout(r, 50));
      return { answer: 42 };
    });
    const results = await Promise.all(Array.from({ length: 1000 }, () => ns.getOrSet('q', loader)));
    expect(loader).toHaveBeenCalledTimes(1);
    expect(results.every((r) => r.answer === 42)).toBe(true);
  });

  it('runs one loader for 1,000 concurrent misses across two instances with the lock', async () => {
    const options = { defaults: { lock: { pollMs: 10, waitMs: 10_000 } } };
    const a = cacheOn(redis, options).namespace('stampede');
    const b = cacheOn(other, options).namespace('stampede');
    const loader = jest.fn(async () => {
      await new Promise((r) => setTimeout(r, 100));
      return 'computed';
    });
    const results = await Promise.all(
      Array.from({ length: 1000 }, (_, i) => (i % 2 === 0 ? a : b).getOrSet('q', loader)),
    );
    expect(loader).toHaveBeenCalledTimes(1);
    expect(new Set(results)).toEqual(new Set(['computed']));
    expect(await redis.countKeys(`${prefix}{stampede}:l:*`)).toBe(0);
  });

  it('serves stale while revalidating, then grace on loader error, bounded', async () => {
    let now = 1_700_000_000_000;
    const ns = cacheOn(redis, {
      now: () => now,
      defaults: { ttlMs: 1000, jitter: 0, staleWhileRevalidateMs: 1000, graceMs: 5000 },
    }).namespace('swr');
    await ns.set('k', 'v1');
    now += 1500;
    let refreshed!: () => void;
    const done = new Promise<void>((r) => {
      refreshed = r;
    });
    expect(
      await ns.getOrSet('k', async () => {
        refreshed();
        return 'v2';
      }),
    ).toBe('v1');
    await done;
    let value: string | undefined;
    for (let i = 0; i < 100 && value !== 'v2'; i++) {
      value = await ns.get<string>('k');
      if (value !== 'v2') await new Promise((r) => setTimeout(r, 10));
    }
    expect(value).toBe('v2');
    now += 3000;
    const failing = () => Promise.reject(new Error('origin down'));
    expect(await ns.getOrSet('k', failing)).toBe('v2');
    now += 3000;
    await expect(ns.getOrSet('k', failing)).rejects.toThrow('origin down');
  });
});
