import { randomBytes } from 'node:crypto';
import {
  CacheConfigError,
  type CacheError,
  cacheStatsToEmf,
  createCache,
  MemoryRedis,
  msgpackSerializer,
  type Serializer,
} from '@misybot-ha/cache';
import { decodeEnvelope } from '../../../packages/cache/src/envelope';
import { manualClock } from './clock';

function setup(options: Partial<Parameters<typeof createCache>[0]> = {}) {
  const clock = manualClock();
  const client = new MemoryRedis({ now: clock.now });
  const errors: CacheError[] = [];
  const cache = createCache({
    client,
    now: clock.now,
    random: () => 0,
    onError: (e) => errors.push(e),
    ...options,
  });
  return { clock, client, cache, errors };
}

function storedEntry(client: MemoryRedis, suffix: string) {
  const key = [...client.data.keys()].find((k) => k.endsWith(suffix));
  if (!key) throw new Error(`no stored key ends with ${suffix}`);
  return { key, bytes: client.data.get(key)!.value };
}

describe('createCache: namespaces', () => {
  it('stores values under hash-tagged, generation-scoped keys', async () => {
    const { client, cache } = setup({ prefix: 'chat:' });
    await cache.namespace('users').set('42', { name: 'Ada' });
    expect([...client.data.keys()]).toEqual(['chat:{users}:v:0:42']);
    expect(await cache.namespace('users').get('42')).toEqual({ name: 'Ada' });
  });

  it('keeps namespaces apart and invalidates one in O(1) without touching the other', async () => {
    const { client, cache } = setup();
    const users = cache.namespace('users');
    const orders = cache.namespace('orders');
    await users.set('1', 'u1');
    await orders.set('1', 'o1');
    const before = client.calls.unlink ?? 0;
    expect(await users.invalidate()).toBe(true);
    expect(client.calls.unlink ?? 0).toBe(before);
    expect(await users.get('1')).toBeUndefined();
    expect(await orders.get('1')).toBe('o1');
    await users.set('1', 'u1-new');
    expect(await users.get('1')).toBe('u1-new');
  });

  it('sees an invalidation made by another instance on the next read', async () => {
    const { client, clock } = setup();
    const a = createCache({ client, now: clock.now }).namespace('users');
    const b = createCache({ client, now: clock.now }).namespace('users');
    await a.set('k', 'v');
    expect(await b.get('k')).toBe('v');
    await a.invalidate();
    expect(await b.get('k')).toBeUndefined();
    await b.set('k', 'v2');
    expect(await a.get('k')).toBe('v2');
  });

  it('clears a namespace with SCAN + UNLINK and leaves the others', async () => {
    const { client, cache } = setup();
    const users = cache.namespace('users');
    for (let i = 0; i < 1200; i++) await users.set(String(i), i);
    await cache.namespace('orders').set('x', 1);
    expect(await users.clear()).toEqual({ removed: 1200, complete: true });
    expect(await users.get('5')).toBeUndefined();
    expect(await cache.namespace('orders').get('x')).toBe(1);
    expect(client.calls.scan).toBe(1);
  });

  it('deletes single keys', async () => {
    const { cache } = setup();
    const ns = cache.namespace('n');
    await ns.set('a', 1);
    expect(await ns.delete('a')).toBe(true);
    expect(await ns.delete('a')).toBe(false);
    expect(await ns.get('a')).toBeUndefined();
  });

  it('rejects names and options that cannot work, naming the option', () => {
    const { client } = setup();
    expect(() => createCache({ client }).namespace('a{b}')).toThrow(CacheConfigError);
    expect(() => createCache({ client, prefix: 'x{' })).toThrow(/prefix/);
    expect(() => createCache({ client, namespaces: { users: { ttlMs: -1 } } })).toThrow(
      /namespaces\.users\.ttlMs/,
    );
    expect(() => createCache({ client, defaults: { jitter: 2 } }).namespace('x')).toThrow(/jitter/);
    const clash: Serializer = { ...msgpackSerializer, name: 'clash' };
    expect(() => createCache({ client, serializers: [clash] })).toThrow(/reuses id 3/);
    try {
      createCache({ client, timeoutMs: 0 });
    } catch (error) {
      expect(error).toMatchObject({ name: 'CacheConfigError', option: 'timeoutMs' });
    }
    expect.assertions(6);
  });
});

describe('createCache: values, compression, TTL', () => {
  it('compresses only from the threshold up, and only when it saves bytes', async () => {
    const { client, cache } = setup();
    const ns = cache.namespace('docs');
    // JSON of a string of n chars is n + 2 bytes.
    await ns.set('below', 'a'.repeat(1021));
    await ns.set('at', 'a'.repeat(1022));
    expect(decodeEnvelope(storedEntry(client, ':below').bytes)).toMatchObject({ codec: 'none' });
    const at = storedEntry(client, ':at').bytes;
    expect(decodeEnvelope(at)).toMatchObject({ codec: 'gzip' });
    expect(at.length).toBeLessThan(100);
    expect(await ns.get('at')).toBe('a'.repeat(1022));
    expect(await ns.get('below')).toBe('a'.repeat(1021));
  });

  it('stores incompressible payloads as they are', async () => {
    const noise: Serializer = {
      id: 16,
      name: 'noise',
      serialize: (value) => Buffer.from(value as Uint8Array),
      deserialize: (bytes) => bytes,
    };
    const { client, cache } = setup({ serializers: [noise], defaults: { serializer: noise } });
    const bytes = randomBytes(4000);
    await cache.namespace('n').set('random', bytes);
    expect(decodeEnvelope(storedEntry(client, ':random').bytes)).toMatchObject({
      codec: 'none',
      serializerId: 16,
    });
    expect(await cache.namespace('n').get('random')).toEqual(bytes);
  });

  it('reads entries written with another registered serialiser or codec', async () => {
    const { client, clock } = setup();
    const writer = createCache({
      client,
      now: clock.now,
      defaults: { serializer: msgpackSerializer, compression: { codec: 'brotli', thresholdBytes: 0 } },
    });
    await writer.namespace('n').set('k', { when: 'now', list: [1, 2, 3] });
    const reader = createCache({ client, now: clock.now });
    expect(await reader.namespace('n').get('k')).toEqual({ when: 'now', list: [1, 2, 3] });
  });

  it('reads plain JSON another client wrote, and treats garbage as a reported miss', async () => {
    const { client, cache, errors } = setup();
    client.data.set('{n}:v:0:legacy', { value: Buffer.from('{"v":1}'), expiresAt: undefined });
    client.data.set('{n}:v:0:garbage', { value: Buffer.from([0xff, 1]), expiresAt: undefined });
    expect(await cache.namespace('n').get('legacy')).toEqual({ v: 1 });
    expect(await cache.namespace('n').get('garbage')).toBeUndefined();
    expect(errors.map((e) => e.name)).toEqual(['CacheDecodeError']);
  });

  it('jitters the TTL downwards and keeps entries through the stale and grace windows', async () => {
    const { client, clock } = setup();
    const cache = createCache({
      client,
      now: clock.now,
      random: () => 0.5,
      defaults: { ttlMs: 1000, jitter: 0.2, graceMs: 5000 },
    });
    await cache.namespace('n').set('k', 1);
    const { key, bytes } = storedEntry(client, ':k');
    expect(decodeEnvelope(bytes)).toMatchObject({ softExpiresAt: clock.now() + 900 });
    expect(client.data.get(key)!.expiresAt).toBe(clock.now() + 900 + 5000);
  });

  it('rejects a value the serialiser cannot store faithfully, and stores nothing', async () => {
    const { cache, client, errors } = setup();
    const ns = cache.namespace('n');
    await expect(ns.set('k', undefined)).rejects.toMatchObject({ name: 'CacheValueError', path: '$' });
    await expect(ns.set('k', { seen: new Date() })).rejects.toMatchObject({ path: '$.seen' });
    await expect(
      ns.setMany([
        { key: 'a', value: 1 },
        { key: 'b', value: new Map() },
      ]),
    ).rejects.toThrow(/Map/);
    expect(client.data.size).toBe(0);
    expect(errors).toEqual([]);
  });

  it('counts stats per namespace and exports them as EMF', async () => {
    const { cache } = setup();
    const ns = cache.namespace('n');
    await ns.set('big', 'x'.repeat(5000));
    await ns.get('big');
    await ns.get('missing');
    const [stats] = cache.stats({ reset: true });
    expect(stats).toMatchObject({
      namespace: 'n',
      hits: 1,
      misses: 1,
      errors: 0,
      uncompressedBytesOut: 5002,
    });
    expect(stats!.compressionRatio).toBeGreaterThan(10);
    expect(stats!.bytesIn).toBe(stats!.bytesOut);
    expect(cache.stats()[0]).toMatchObject({ hits: 0, misses: 0, bytesOut: 0, compressionRatio: 1 });
    const [doc] = cacheStatsToEmf([stats!], { dimensions: { Service: 'chat' }, timestamp: 1 });
    expect(doc).toMatchObject({
      Service: 'chat',
      CacheNamespace: 'n',
      Hits: 1,
      Misses: 1,
      _aws: {
        Timestamp: 1,
        CloudWatchMetrics: [{ Namespace: 'MisyBot/Cache', Dimensions: [['Service', 'CacheNamespace']] }],
      },
    });
  });
});
