/**
 * One service instance of `bench/cache-fleet.ts` (not run on its own): a cache on its own Redis
 * connections, driven over IPC by the coordinator.
 */
import { createCache, fromNodeRedis, nodeRedisBus, nodeRedisOptions } from '@misybot-ha/cache';
import { createClient } from 'redis';

type Command =
  | { type: 'invalidation'; prefix: string }
  | { type: 'read'; key: string }
  | { type: 'write'; key: string; value: number }
  | { type: 'stampede'; prefix: string; key: string; lock: boolean; concurrency: number; loaderMs: number }
  | { type: 'exit' };

const url = new URL(process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379');
const send = (message: object) => process.send?.(message);
const now = () => process.hrtime.bigint().toString();

async function main() {
  const redis = createClient(nodeRedisOptions({ host: url.hostname, port: Number(url.port) }));
  redis.on('error', () => undefined);
  await redis.connect();
  const ping = redis.duplicate();
  ping.on('error', () => undefined);
  await ping.connect();
  let cache: ReturnType<typeof createCache> | undefined;

  process.on('message', async (command: Command) => {
    if (command.type === 'invalidation') {
      cache = createCache({
        client: fromNodeRedis(redis),
        bus: nodeRedisBus(redis),
        prefix: command.prefix,
        timeoutMs: 5000,
        defaults: { l1: true },
      });
      cache.on('invalidation', (event) => {
        if (event.origin !== 'remote') return;
        const at = now();
        for (const key of event.keys ?? []) {
          void cache!
            .namespace('fleet')
            .get<number>(key)
            .then((value) => send({ type: 'seen', key, at, value }));
        }
      });
      await ping.subscribe('bench:ping', (key) => send({ type: 'ping', key, at: now() }));
      await cache.ready();
      send({ type: 'ready' });
    } else if (command.type === 'read') {
      const ns = cache!.namespace('fleet');
      await ns.get(command.key);
      await ns.get(command.key); // an L1 hit from now on
      send({ type: 'read', key: command.key });
    } else if (command.type === 'write') {
      const started = now();
      await cache!.namespace('fleet').set(command.key, command.value);
      const pingAt = now();
      await redis.publish('bench:ping', command.key);
      send({ type: 'wrote', key: command.key, started, pingAt });
    } else if (command.type === 'stampede') {
      const stampede = createCache({
        client: fromNodeRedis(redis),
        prefix: command.prefix,
        timeoutMs: 5000,
        defaults: { lock: command.lock ? { pollMs: 10 } : false },
      }).namespace('stampede');
      const loader = async () => {
        await redis.incr(`${command.prefix}loads:${command.key}`);
        await new Promise((resolve) => setTimeout(resolve, command.loaderMs));
        return { key: command.key };
      };
      const values = await Promise.all(
        Array.from({ length: command.concurrency }, () => stampede.getOrSet(command.key, loader)),
      );
      send({ type: 'stampeded', ok: values.every((v) => v.key === command.key) });
    } else {
      await cache?.close();
      ping.destroy();
      redis.destroy();
      process.exit(0);
    }
  });
  send({ type: 'started' });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
