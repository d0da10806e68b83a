import { type CacheBus, createCache, MemoryRedis } from '@misybot-ha/cache';
import fc from 'fast-check';
import { manualClock } from './clock';

/** Instances of one service sharing a Redis, each with its own cache object (and generation cache). */
function instances(count: number, l1: boolean) {
  const clock = manualClock();
  const redis = new MemoryRedis({ now: clock.now });
  const caches = Array.from({ length: count }, () =>
    createCache({ client: redis, bus: redis, now: clock.now, random: () => 0, defaults: { l1 } }),
  );
  return { redis, caches, namespaces: caches.map((c) => c.namespace('n')) };
}

/** Lets published invalidations reach every instance (the memory bus delivers on a later turn). */
const delivered = () => new Promise((resolve) => setImmediate(resolve));

describe('writes after another instance invalidated', () => {
  it('are readable by the writer and by every other instance', async () => {
    const [a, b] = instances(2, false).namespaces as [
      ReturnType<typeof instances>['namespaces'][0],
      ReturnType<typeof instances>['namespaces'][0],
    ];
    await a.set('k', 'v1');
    expect(await a.get('k')).toBe('v1'); // a now trusts generation 0
    expect(await b.invalidate()).toBe(true);
    expect(await a.set('k', 'v2')).toBe(true);
    expect(await a.get('k')).toBe('v2');
    expect(await b.get('k')).toBe('v2');
  });

  it('cost one pipelined SET + GET each while the generation holds, and the script only right after it moved', async () => {
    const { redis, namespaces } = instances(2, false);
    const [a, b] = namespaces as [(typeof namespaces)[0], (typeof namespaces)[0]];
    expect(await a.set('k', 'v1')).toBe(true);
    expect(await a.set('k', 'v2')).toBe(true);
    expect(redis.calls).toMatchObject({ setThenGet: 2 });
    expect(redis.calls['script:write']).toBeUndefined();
    await b.invalidate();
    expect(await a.set('k', 'v3')).toBe(true); // lands in generation 0 first, then rewritten in 1
    expect(redis.calls).toMatchObject({ setThenGet: 3, 'script:write': 1 });
    expect(redis.data.has('{n}:v:1:k')).toBe(true);
    expect(await b.get('k')).toBe('v3');
    expect(await a.set('k', 'v4')).toBe(true); // a knows generation 1 now
    expect(redis.calls).toMatchObject({ setThenGet: 4, 'script:write': 1 });
    expect(await b.get('k')).toBe('v4');
  });

  it('let delete remove the current value, not one in the old generation', async () => {
    const [a, b] = instances(2, false).namespaces as [
      ReturnType<typeof instances>['namespaces'][0],
      ReturnType<typeof instances>['namespaces'][0],
    ];
    await a.get('k');
    await b.invalidate();
    await b.set('k', 'current');
    expect(await a.delete('k')).toBe(true);
    expect(await b.get('k')).toBeUndefined();
  });

  type Command =
    | { op: 'set'; at: number; key: string; value: number }
    | { op: 'delete' | 'get'; at: number; key: string }
    | { op: 'setMany'; at: number; keys: string[]; value: number }
    | { op: 'invalidate' | 'clear'; at: number };

  const key = fc.constantFrom('a', 'b', 'c');
  const at = fc.integer({ min: 0, max: 2 });
  const command: fc.Arbitrary<Command> = fc.oneof(
    fc.record({ op: fc.constant('set' as const), at, key, value: fc.integer() }),
    fc.record({
      op: fc.constant('setMany' as const),
      at,
      keys: fc.uniqueArray(key, { minLength: 1 }),
      value: fc.integer(),
    }),
    fc.record({ op: fc.constantFrom('delete' as const, 'get' as const), at, key }),
    fc.record({ op: fc.constantFrom('invalidate' as const, 'clear' as const), at }),
  );

  it.each([
    ['Redis only', false],
    ['with L1 and the bus', true],
  ])(
    'never lose a write, whichever instance invalidates (property, %s)',
    async (_, l1) => {
      await fc.assert(
        fc.asyncProperty(fc.array(command, { maxLength: 40 }), async (commands) => {
          const { namespaces } = instances(3, l1);
          const model = new Map<string, number>();
          for (const c of commands) {
            const ns = namespaces[c.at]!;
            if (c.op === 'set') {
              expect(await ns.set(c.key, c.value)).toBe(true);
              model.set(c.key, c.value);
            } else if (c.op === 'setMany') {
              expect(await ns.setMany(c.keys.map((k) => ({ key: k, value: c.value })))).toBe(true);
              for (const k of c.keys) model.set(k, c.value);
            } else if (c.op === 'delete') {
              expect(await ns.delete(c.key)).toBe(model.delete(c.key));
            } else if (c.op === 'get') {
              expect(await ns.get(c.key)).toBe(model.get(c.key));
            } else {
              expect(c.op === 'clear' ? (await ns.clear()).complete : await ns.invalidate()).toBe(true);
              model.clear();
            }
            await delivered();
          }
          for (const ns of namespaces) {
            for (const k of ['a', 'b', 'c']) expect(await ns.get(k)).toBe(model.get(k));
          }
        }),
        { numRuns: 150 },
      );
    },
    120_000,
  );
});

describe('the invalidation of a single set', () => {
  it('travels in the write’s own pipeline when the bus publishes through the cache’s client', async () => {
    const { redis, caches, namespaces } = instances(2, true);
    const [a, b] = namespaces as [(typeof namespaces)[0], (typeof namespaces)[0]];
    await Promise.all(caches.map((c) => c.ready()));
    await a.set('k', 'v1');
    await delivered();
    expect(await b.get('k')).toBe('v1'); // now in b's L1
    const dropped: string[] = [];
    caches[1]!.on('invalidation', (e) => dropped.push(...(e.keys ?? [])));
    const published = redis.calls.publish ?? 0;
    await a.set('k', 'v2');
    await delivered();
    expect(redis.calls.publish ?? 0).toBe(published); // no PUBLISH round trip of its own
    expect(dropped).toEqual(['k']);
    expect(await b.get('k')).toBe('v2');
  });

  it('is published again after a rewrite into the generation another instance moved to', async () => {
    const { redis, caches, namespaces } = instances(3, true);
    const [a, b, c] = namespaces as [(typeof namespaces)[0], (typeof namespaces)[0], (typeof namespaces)[0]];
    await Promise.all(caches.map((x) => x.ready()));
    await a.set('k', 'v1'); // a assumes generation 0
    await b.invalidate();
    await b.set('k', 'b');
    await delivered();
    expect(await c.get('k')).toBe('b'); // in c's L1
    const published = redis.calls.publish ?? 0;
    await a.set('k', 'a'); // lands in generation 0, notice sent, then rewritten in generation 1
    await delivered();
    expect(redis.calls.publish).toBe(published + 1);
    expect(await c.get('k')).toBe('a');
  });

  it('is published on its own when the bus is another client', async () => {
    const clock = manualClock();
    const redis = new MemoryRedis({ now: clock.now });
    const bus: CacheBus = {
      publish: (channel, message) => redis.publish(channel, message),
      subscribe: (channel, handlers) => redis.subscribe(channel, handlers),
    };
    const [a, b] = [0, 1].map(() =>
      createCache({ client: redis, bus, now: clock.now, defaults: { l1: true } }),
    ) as [ReturnType<typeof createCache>, ReturnType<typeof createCache>];
    await Promise.all([a.ready(), b.ready()]);
    await a.namespace('n').set('k', 'v1');
    await delivered();
    expect(await b.namespace('n').get('k')).toBe('v1');
    const published = redis.calls.publish ?? 0;
    await a.namespace('n').set('k', 'v2');
    await delivered();
    expect(redis.calls.publish).toBe(published + 1);
    expect(await b.namespace('n').get('k')).toBe('v2');
  });
});
