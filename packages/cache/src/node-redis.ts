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
  /** node-redis v5+: a view of the client with other command options (client and cluster). */
  // biome-ignore lint/suspicious/noExplicitAny: as for withTypeMapping.
  withCommandOptions?(options: any): NodeRedisCommands;
  /** Present on a standalone client. */
  scanIterator?(options: { MATCH: string; COUNT: number }): AsyncIterable<unknown[]>;
  /** Present on a cluster. */
  readonly masters?: readonly unknown[];
  // biome-ignore lint/suspicious/noExplicitAny: cluster node type is generic over the client's modules.
  nodeClient?(node: any): Promise<NodeRedisScanner>;
}

/**
 * node-redis' `RESP_TYPES.BLOB_STRING` (the RESP type byte `$`). Written out so that importing this
 * package does not load `redis`, which ioredis users need not install.
 */
const RESP_BLOB_STRING = 36;

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
 * The cache's own calls run without node-redis' per-command timeout (`commandOptions.timeout`,
 * 5000 ms by default): the cache already bounds every call with its `timeoutMs` and circuit breaker,
 * and node-redis' timer (an `AbortSignal.timeout` plus listeners per command, only effective before
 * the command is written) costs more CPU than the rest of a cache read. Commands the cache abandoned
 * are rejected by node-redis when the connection drops; the open breaker stops new ones meanwhile.
 *
 * @example
 * ```ts
 * import { createClient } from 'redis';
 * import { createCache, fromNodeRedis, nodeRedisOptions } from '@misybot-ha/cache';
 *
 * const redis = createClient(nodeRedisOptions({ host: process.env.REDIS_HOST!, tls: true }));
 * redis.on('error', () => {}); // the cache reports failures through its own onError
 * await redis.connect();
 * const cache = createCache({ client: fromNodeRedis(redis) });
 * ```
 */
export function fromNodeRedis(client: NodeRedisLike): CacheClient {
  const typeMapping = { [RESP_BLOB_STRING]: Buffer };
  const binary = client.withCommandOptions
    ? client.withCommandOptions({ typeMapping, timeout: 0 })
    : client.withTypeMapping(typeMapping);
  return {
    async mget(keys) {
      // node-redis does not keep or mutate the key array, so the caller's is passed as it is.
      const values = (await binary.mGet(keys as string[])) as (Buffer | null)[];
      for (let i = 0; i < values.length; i++) {
        const v = values[i];
        if (v !== null && v !== undefined && !Buffer.isBuffer(v)) values[i] = Buffer.from(String(v));
      }
      return values;
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
