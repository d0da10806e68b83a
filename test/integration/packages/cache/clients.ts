import {
  type CacheBus,
  type CacheClient,
  fromIoredis,
  fromNodeRedis,
  ioredisBus,
  ioredisOptions,
  nodeRedisBus,
  nodeRedisOptions,
} from '@misybot-ha/cache';
import Redis from 'ioredis';
import { createClient } from 'redis';

/** The two adapters under test. */
export type AdapterName = 'node-redis' | 'ioredis';
export const ADAPTERS: readonly AdapterName[] = ['node-redis', 'ioredis'];

/** A connected client behind the port, plus raw byte access and shutdown. */
export interface TestClient {
  readonly client: CacheClient;
  /** The invalidation bus over the same client (its subscriber is a duplicate connection). */
  readonly bus: CacheBus;
  /** Sends a raw command (`SCRIPT FLUSH`, `PUBSUB NUMSUB`...). */
  command(args: string[]): Promise<unknown>;
  getRaw(key: string): Promise<Buffer | null>;
  setRaw(key: string, value: Buffer | string): Promise<void>;
  countKeys(pattern: string): Promise<number>;
  close(): Promise<void>;
}

/**
 * Connects with the library's own ElastiCache option builders (short reconnect delays, so recovery
 * after a restart happens within the test's polling budget).
 */
export async function connect(adapter: AdapterName, url: string): Promise<TestClient> {
  const { hostname: host, port } = new URL(url);
  const conn = { host, port: Number(port), maxReconnectDelayMs: 100, connectTimeoutMs: 1000 };
  if (adapter === 'node-redis') {
    const redis = createClient(nodeRedisOptions(conn));
    redis.on('error', () => undefined);
    await redis.connect();
    const raw = fromNodeRedis(redis);
    return {
      client: raw,
      bus: nodeRedisBus(redis),
      command: (args) => redis.sendCommand(args),
      getRaw: async (key) => (await raw.mget([key]))[0] ?? null,
      setRaw: async (key, value) => void (await redis.set(key, value)),
      countKeys: async (pattern) => {
        let n = 0;
        for await (const batch of raw.scan(pattern, 1000)) n += batch.length;
        return n;
      },
      close: async () => {
        redis.destroy();
      },
    };
  }
  const redis = new Redis({ ...ioredisOptions(conn), lazyConnect: true });
  redis.on('error', () => undefined);
  await redis.connect();
  const raw = fromIoredis(redis);
  return {
    client: raw,
    bus: ioredisBus(redis),
    command: ([name, ...args]) => redis.call(name!, ...args),
    getRaw: (key) => redis.getBuffer(key),
    setRaw: async (key, value) => void (await redis.set(key, value)),
    countKeys: async (pattern) => {
      let n = 0;
      for await (const batch of raw.scan(pattern, 1000)) n += batch.length;
      return n;
    },
    close: async () => {
      redis.disconnect();
    },
  };
}
