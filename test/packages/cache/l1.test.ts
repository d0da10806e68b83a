import { CacheConfigError, type CacheEventMap, createCache, MemoryRedis } from '@misybot-ha/cache';
import { manualClock } from './clock';

const delivered = () => new Promise((resolve) => setImmediate(resolve));

function fleet(count: number, l1: Parameters<typeof createCache>[0]['defaults'] = { l1: true }) {
  const clock = manualClock();
  const redis = new MemoryRedis({ now: clock.now });
  const caches = Array.from({ length: count }, () =>
    createCache({
      client: redis,
      bus: redis,
      now: clock.now,
      random: () => 0,
      defaults: { ttlMs: 60_000, ...l1 },
    }),
  );
  return { clock, redis, caches, ns: caches.map((c) => c.namespace('n')) };
}

describe('L1, the in-process tier', () => {
  it('serves repeated reads without Redis, and counts them', async () => {
    const { redis, caches, ns } = fleet(1);
    await caches[0]!.ready();
    await ns[0]!.set('k', { v: 1 });
    expect(await ns[0]!.get('k')).toEqual({ v: 1 });
    const reads = redis.calls.mget;
    expect(await ns[0]!.get('k')).toEqual({ v: 1 });
    expect(await ns[0]!.get('k')).toEqual({ v: 1 });
    expect(redis.calls.mget).toBe(reads);
    expect(caches[0]!.stats()[0]).toMatchObject({ hits: 3, l1Hits: 2 });
  });

  it('hands every caller its own copy by default, the same object with copy: false', async () => {
    const copying = fleet(1).ns[0]!;
    await copying.set('k', { list: [1] });
    await copying.get('k');
    const first = await copying.get<{ list: number[] }>('k');
    first!.list.push(2);
    expect(await copying.get('k')).toEqual({ list: [1] });

    const { caches } = fleet(1, { l1: { copy: false } });
    const shared = caches[0]!.namespace('n');
    await caches[0]!.ready();
    await shared.set('k', { list: [1] });
    expect(await shared.get('k')).toBe(await shared.get('k'));
  });

  it.each([
    ['set', async (ns: ReturnType<typeof fleet>['ns'][0]) => void (await ns.set('k', 'new'))],
    ['delete', async (ns: ReturnType<typeof fleet>['ns'][0]) => void (await ns.delete('k'))],
    ['invalidate', async (ns: ReturnType<typeof fleet>['ns'][0]) => void (await ns.invalidate())],
    ['clear', async (ns: ReturnType<typeof fleet>['ns'][0]) => void (await ns.clear())],
  ])("drops what another instance's %s changed, through the bus", async (_, change) => {
    const { caches, ns } = fleet(2);
    await Promise.all(caches.map((c) => c.ready()));
    await ns[0]!.set('k', 'old');
    expect(await ns[1]!.get('k')).toBe('old'); // now in instance 1's L1
    await change(ns[0]!);
    await delivered();
    expect(await ns[1]!.get('k')).toBe(await ns[0]!.get('k'));
    expect(await ns[1]!.get('k')).not.toBe('old');
  });

  it("drops entries tagged with another instance's invalidated tags, and only those", async () => {
    const { caches, ns } = fleet(2);
    await Promise.all(caches.map((c) => c.ready()));
    await ns[0]!.set('u1', 'a', { tags: ['user:1'] });
    await ns[0]!.set('u2', 'b', { tags: ['user:2'] });
    await ns[1]!.getMany(['u1', 'u2']);
    await ns[0]!.invalidateTags(['user:1']);
    await delivered();
    expect(await ns[1]!.getMany(['u1', 'u2'])).toEqual([undefined, 'b']);
  });

  it('is bypassed and emptied while the bus subscription is lost, and emptied again when it is back', async () => {
    const { caches, ns, redis } = fleet(2);
    await Promise.all(caches.map((c) => c.ready()));
    await ns[0]!.set('k', 'old');
    await ns[1]!.get('k');
    redis.setBusConnected(false);
    expect(caches[1]!.busConnected).toBe(false);
    await ns[0]!.set('k', 'new'); // the message is lost
    await delivered();
    expect(await ns[1]!.get('k')).toBe('new'); // read from Redis
    redis.setBusConnected(true);
    await ns[0]!.set('k', 'newer');
    await delivered();
    expect(await ns[1]!.get('k')).toBe('newer');
  });

  it('does not keep a value read from Redis while an invalidation arrived during the read', async () => {
    const { caches, ns } = fleet(2);
    await Promise.all(caches.map((c) => c.ready()));
    await ns[0]!.set('k', 'old');
    const reading = ns[1]!.get('k'); // reads 'old' from Redis...
    await ns[0]!.set('k', 'new'); // ...while instance 0 replaces it
    await delivered();
    await reading;
    expect(await ns[1]!.get('k')).toBe('new');
  });

  it('keeps at most maxEntries, dropping the least recently used, and ages entries out after maxAgeMs', async () => {
    const { caches, ns, redis, clock } = fleet(1, { l1: { maxEntries: 2, maxAgeMs: 1000 } });
    await caches[0]!.ready();
    await ns[0]!.setMany([
      { key: 'a', value: 1 },
      { key: 'b', value: 2 },
      { key: 'c', value: 3 },
    ]);
    await ns[0]!.getMany(['a', 'b', 'c']);
    const reads = redis.calls.mget;
    await ns[0]!.get('c');
    await ns[0]!.get('b');
    expect(redis.calls.mget).toBe(reads);
    await ns[0]!.get('a');
    expect(redis.calls.mget).toBe(reads! + 1);
    clock.advance(1001);
    await ns[0]!.get('a');
    expect(redis.calls.mget).toBe(reads! + 2);
  });

  it('needs a bus unless told to do without', () => {
    const redis = new MemoryRedis();
    expect(() => createCache({ client: redis, defaults: { l1: true } }).namespace('n')).toThrow(
      CacheConfigError,
    );
    expect(() => createCache({ client: redis, defaults: { l1: true } }).namespace('n')).toThrow(
      /namespaces\.n\.l1: needs CacheOptions\.bus/,
    );
    expect(createCache({ client: redis, defaults: { l1: { withoutBus: true } } }).namespace('n').name).toBe(
      'n',
    );
  });

  it('emits remote invalidations and L1 hits as events', async () => {
    const { caches, ns } = fleet(2);
    await Promise.all(caches.map((c) => c.ready()));
    const seen: string[] = [];
    caches[1]!.on('invalidation', (e: CacheEventMap['invalidation']) =>
      seen.push(`${e.origin}:${e.scope}:${e.keys?.join()}`),
    );
    caches[1]!.on('hit', (e) => seen.push(`hit:${e.tier}`));
    await ns[0]!.set('k', 1);
    await delivered();
    await ns[1]!.get('k');
    await ns[1]!.get('k');
    await ns[0]!.delete('k');
    await delivered();
    // A write elsewhere is an invalidation here too: this instance's copy is no longer current.
    expect(seen).toEqual(['remote:keys:k', 'hit:l2', 'hit:l1', 'remote:keys:k']);
  });
});
