import { type Cache, createCache } from '@misybot-ha/cache';
import fc from 'fast-check';
import { sharedRedisUrl, uniqueTestName } from '../../harness/env';
import { ADAPTERS, connect, type TestClient } from './clients';

/** Polls `check` until it holds, at most `ms`. */
async function eventually(check: () => Promise<boolean>, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe.each(ADAPTERS)('cache instances over %s sharing a real Redis', (adapter) => {
  let clients: TestClient[];
  let caches: Cache[];
  let prefix: string;

  beforeAll(async () => {
    clients = await Promise.all([0, 1, 2].map(() => connect(adapter, sharedRedisUrl())));
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
  });
  beforeEach(() => {
    prefix = `${uniqueTestName('coherence')}:`;
    caches = [];
  });
  afterEach(async () => {
    await Promise.all(caches.map((c) => c.close()));
  });

  const instance = (test: TestClient, l1: boolean) => {
    const cache = createCache({
      client: test.client,
      bus: test.bus,
      prefix,
      timeoutMs: 2000,
      defaults: { l1 },
    });
    caches.push(cache);
    return cache;
  };

  it('loses no write whichever instance invalidates (property over set, setMany, delete, invalidate, clear)', async () => {
    const key = fc.constantFrom('a', 'b');
    const at = fc.integer({ min: 0, max: 2 });
    const command = fc.oneof(
      fc.record({ op: fc.constant('set' as const), at, key, value: fc.integer() }),
      fc.record({ op: fc.constant('setMany' as const), at, value: fc.integer() }),
      fc.record({ op: fc.constantFrom('delete' as const, 'get' as const), at, key }),
      fc.record({ op: fc.constantFrom('invalidate' as const, 'clear' as const), at }),
    );
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(command, { maxLength: 25 }), async (commands) => {
        const name = `run${run++}`;
        const namespaces = clients.map((c) => instance(c, false).namespace(name));
        const model = new Map<string, number>();
        for (const c of commands) {
          const ns = namespaces[c.at]!;
          if (c.op === 'set') {
            expect(await ns.set(c.key, c.value)).toBe(true);
            model.set(c.key, c.value);
          } else if (c.op === 'setMany') {
            expect(await ns.setMany(['a', 'b'].map((k) => ({ key: k, value: c.value })))).toBe(true);
            model.set('a', c.value).set('b', c.value);
          } else if (c.op === 'delete') {
            expect(await ns.delete(c.key)).toBe(model.delete(c.key));
          } else if (c.op === 'get') {
            expect(await ns.get(c.key)).toBe(model.get(c.key));
          } else {
            expect(c.op === 'clear' ? (await ns.clear()).complete : await ns.invalidate()).toBe(true);
            model.clear();
          }
        }
        for (const ns of namespaces)
          expect(await ns.getMany(['a', 'b'])).toEqual([model.get('a'), model.get('b')]);
      }),
      { numRuns: 40 },
    );
  }, 180_000);

  it("drops another instance's writes, deletes, invalidations and tags from L1 over pub/sub", async () => {
    const [a, b] = [instance(clients[0]!, true), instance(clients[1]!, true)];
    await Promise.all([a.ready(), b.ready()]);
    const [na, nb] = [a.namespace('n'), b.namespace('n')];
    const seesInB = (key: string, value: unknown) => eventually(async () => (await nb.get(key)) === value);

    await na.set('k', 'v1', { tags: ['t'] });
    // B keeps what it read only when no invalidation arrived during the read (A's own message may).
    await eventually(async () => (await nb.get('k')) === 'v1' && b.stats()[0]!.l1Hits > 0);
    await na.set('k', 'v2', { tags: ['t'] });
    await seesInB('k', 'v2');
    await na.delete('k');
    await seesInB('k', undefined);
    await na.set('k', 'v3', { tags: ['t'] });
    await seesInB('k', 'v3');
    await na.invalidateTags(['t']);
    await seesInB('k', undefined);
    await na.set('k', 'v4');
    await seesInB('k', 'v4');
    await na.invalidate();
    await seesInB('k', undefined);
  });

  it('runs getMany, setMany, deleteMany and tags as scripts, also after Redis forgot them (SCRIPT FLUSH)', async () => {
    const ns = instance(clients[0]!, false).namespace('n');
    await clients[0]!.command(['SCRIPT', 'FLUSH']);
    expect(
      await ns.setMany([
        { key: 'x', value: 1, tags: ['g'] },
        { key: 'y', value: 2 },
      ]),
    ).toBe(true);
    expect(await ns.getMany(['x', 'y', 'z'])).toEqual([1, 2, undefined]);
    expect(await ns.invalidateTags(['g'])).toBe(true);
    expect(await ns.getMany(['x', 'y'])).toEqual([undefined, 2]);
    await clients[0]!.command(['SCRIPT', 'FLUSH']);
    // x is outdated by its tag but still stored until it expires: both keys are removed.
    expect(await ns.deleteMany(['x', 'y', 'z'])).toBe(2);
    expect(await ns.has('y')).toBe(false);
  });

  it('caches a loader "no value" and serves it from Redis to another instance', async () => {
    const [a, b] = [instance(clients[0]!, false), instance(clients[1]!, false)];
    const loader = jest.fn(async () => undefined);
    expect(await a.namespace('n').getOrSet('gone', loader)).toBeUndefined();
    expect(await b.namespace('n').getOrSet('gone', loader)).toBeUndefined();
    expect(loader).toHaveBeenCalledTimes(1);
  });
});
