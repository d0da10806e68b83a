import { RESP_TYPES } from 'redis';
import type { CacheClient, CacheSetOptions } from './port';

/** The node-redis commands the adapter calls, on a client whose blob strings map to `Buffer`. */
interface NodeRedisCommands {
  mGet(keys: string[]): Promise<unknown>;
  set(
    key: string,
    value: Buffer | string,
    options: { expiration: { type: 'PX'; value: number }; condition?: 'NX' },
  ): Promise<unknown>;
  incr(key: string): Promise<number | string>;
  unlink(keys: string[]): Promise<number | string>;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
}

interface NodeRedisScanner {
  scanIterator(options: { MATCH: string; COUNT: number }): AsyncIterable<unknown[]>;
}

/**
 * What {@link fromNodeRedis} accepts: a connected node-redis client (`createClient`) or cluster
 * (`createCluster`). Structural, so any node-redis v5/v6 client type fits.
 */
export interface NodeRedisLike extends NodeRedisCommands {
  // biome-ignore lint/suspicious/noExplicitAny: node-redis' type-mapping generics are not expressible structurally.
  withTypeMapping(mapping: any): NodeRedisCommands;
  /** Present on a standalone client. */
  scanIterator?(options: { MATCH: string; COUNT: number }): AsyncIterable<unknown[]>;
  /** Present on a cluster. */
  readonly masters?: readonly unknown[];
  // biome-ignore lint/suspicious/noExplicitAny: cluster node type is generic over the client's modules.
  nodeClient?(node: any): Promise<NodeRedisScanner>;
}

function keyString(key: unknown): string {
  return Buffer.isBuffer(key) ? key.toString('utf8') : String(key);
}

async function* scanNodeRedis(client: NodeRedisLike, match: string, count: number) {
  const scanners: NodeRedisScanner[] = [];
  if (client.masters && client.nodeClient) {
    for (const master of client.masters) scanners.push(await client.nodeClient(master));
  } else if (client.scanIterator) {
    scanners.push(client as NodeRedisScanner);
  }
  for (const scanner of scanners) {
    for await (const batch of scanner.scanIterator({ MATCH: match, COUNT: count })) {
      if (batch.length > 0) yield batch.map(keyString);
    }
  }
}

/**
 * Adapts a node-redis (`redis` package, v5/v6) client or cluster to the cache's {@link CacheClient}.
 * Values travel as `Buffer` (the client is wrapped with a `Buffer` type mapping; your own client is
 * left untouched).
 *
 * @example
 * ```ts
 * import { createClient } from 'redis';
 * import { createCache, fromNodeRedis, nodeRedisOptions } from 'misybot-ha/cache';
 *
 * const redis = createClient(nodeRedisOptions({ host: process.env.REDIS_HOST!, tls: true }));
 * redis.on('error', () => {}); // the cache reports failures through its own onError
 * await redis.connect();
 * const cache = createCache({ client: fromNodeRedis(redis) });
 * ```
 */
export function fromNodeRedis(client: NodeRedisLike): CacheClient {
  const binary = client.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer });
  return {
    async mget(keys) {
      const values = (await binary.mGet([...keys])) as (Buffer | null)[];
      return values.map((v) => (v === null || Buffer.isBuffer(v) ? v : Buffer.from(String(v))));
    },
    async set(key, value, options: CacheSetOptions) {
      const reply = await binary.set(key, value, {
        expiration: { type: 'PX', value: Math.max(1, Math.round(options.px)) },
        ...(options.nx ? { condition: 'NX' as const } : {}),
      });
      return reply !== null;
    },
    incr: async (key) => Number(await binary.incr(key)),
    unlink: async (keys) => (keys.length === 0 ? 0 : Number(await binary.unlink([...keys]))),
    eval: (script, keys, args) => binary.eval(script, { keys: [...keys], arguments: [...args] }),
    scan: (match, count) => scanNodeRedis(client, match, count),
  };
}
