import { type CacheError, createCache } from '@misybot-ha/cache';
import { type RedisServer, startRedis } from '../../../../local/process/services';
import { ADAPTERS, connect, type TestClient } from './clients';

/** Calls `fn` until it returns true, at most `attempts` times, `pauseMs` apart. */
async function eventually(fn: () => Promise<boolean>, attempts = 200, pauseMs = 50): Promise<boolean> {
  for (let i = 0; i < attempts; i++) {
    if (await fn()) return true;
    await new Promise((r) => setTimeout(r, pauseMs));
  }
  return false;
}

describe.each(ADAPTERS)('fail-open over %s with Redis stopped and restarted', (adapter) => {
  let server: RedisServer;
  let redis: TestClient;

  beforeAll(async () => {
    server = await startRedis();
    redis = await connect(adapter, server.url);
  });
  afterAll(async () => {
    await redis?.close();
    await server?.stop();
  });

  it('gives callers misses and loader values while Redis is down, and recovers without a restart', async () => {
    const errors: CacheError[] = [];
    const cache = createCache({
      client: redis.client,
      timeoutMs: 150,
      breaker: { failureThreshold: 3, openMs: 100 },
      defaults: { lock: true },
      onError: (e) => errors.push(e),
    });
    const ns = cache.namespace('answers');
    expect(await ns.set('k', 'cached')).toBe(true);
    expect(await ns.get('k')).toBe('cached');

    await server.stop();
    let loads = 0;
    const loader = async () => `loaded-${++loads}`;
    for (let i = 0; i < 20; i++) {
      expect(await ns.get('k')).toBeUndefined();
      expect(await ns.getOrSet(`k${i}`, loader)).toBe(`loaded-${loads}`);
      expect(typeof (await ns.set('k', 'x'))).toBe('boolean');
      expect(typeof (await ns.invalidate())).toBe('boolean');
    }
    expect(loads).toBe(20);
    expect(errors.length).toBeGreaterThan(0);
    expect(cache.stats()[0]!.errors).toBeGreaterThan(0);

    await server.restart();
    const recovered = await eventually(
      async () => (await ns.set('k', 'again')) && (await ns.get('k')) === 'again',
    );
    expect(recovered).toBe(true);
    expect(cache.breakerState).toBe('closed');
    // A 150 ms timeout on a loaded machine can still time out one of the calls right after the
    // restart (the scripts are reloaded with EVAL then): what must hold is that it comes back.
    const stores = await eventually(
      async () =>
        (await ns.getOrSet('fresh', async () => 'from-loader')) === 'from-loader' &&
        (await ns.get('fresh')) === 'from-loader',
    );
    expect(stores).toBe(true);
  });
});
