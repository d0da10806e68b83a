import type { BusHandlers, BusSubscription, CacheBus, CacheClient, CacheSetOptions } from './port';
import type { CacheScript } from './scripts';
import { followSubscription } from './subscription';

/** The node-redis commands the adapter calls, on a client whose blob strings map to `Buffer`. */
interface NodeRedisCommands {
  mGet(keys: string[]): Promise<unknown>;
  set(
    key: string,
    value: Buffer | string,
    options: { expiration: { type: 'PX'; value: number }; condition?: 'NX' },
  ): Promise<unknown>;
  incr(key: string): Promise<number | string>;
  multi(): NodeRedisPipeline;
  unlink(keys: string[]): Promise<number | string>;
  eval(script: string, options: { keys: string[]; arguments: (string | Buffer)[] }): Promise<unknown>;
  evalSha(sha1: string, options: { keys: string[]; arguments: (string | Buffer)[] }): Promise<unknown>;
}

/** The node-redis pipeline {@link CacheClient.setThenGet} builds. */
interface NodeRedisPipeline {
  set(key: string, value: Buffer, options: { expiration: { type: 'PX'; value: number } }): NodeRedisPipeline;
  get(key: string): NodeRedisPipeline;
  publish(channel: string, message: string): NodeRedisPipeline;
  execAsPipeline(): Promise<unknown[]>;
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

/** `EVALSHA`, then `EVAL` once when Redis does not have the script (after a restart or `SCRIPT FLUSH`). */
async function runScript(
  client: NodeRedisCommands,
  script: CacheScript,
  keys: string[],
  args: (string | Buffer)[],
): Promise<unknown> {
  try {
    return await client.evalSha(script.sha1, { keys, arguments: args });
  } catch (error) {
    if (!String((error as Error)?.message).startsWith('NOSCRIPT')) throw error;
    return client.eval(script.lua, { keys, arguments: args });
  }
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
    async setThenGet(key, value, px, check, notice) {
      // A pipeline (not separate calls) so that a cluster sends all to the slot's primary, in order.
      const pipeline = binary
        .multi()
        .set(key, value, { expiration: { type: 'PX', value: Math.max(1, Math.round(px)) } })
        .get(check);
      if (notice) pipeline.publish(notice.channel, notice.message);
      const replies = await pipeline.execAsPipeline();
      const current = replies[1];
      return current === null || current === undefined || Buffer.isBuffer(current)
        ? (current ?? null)
        : Buffer.from(String(current));
    },
    incr: async (key) => Number(await binary.incr(key)),
    unlink: async (keys) => (keys.length === 0 ? 0 : Number(await binary.unlink([...keys]))),
    script: (script, keys, args) => runScript(binary, script, [...keys], [...args]),
    scan: (match, count) => scanNodeRedis(client, match, count),
    redis: client,
  };
}

/** The node-redis client events {@link nodeRedisBus} follows on its subscriber connection. */
interface NodeRedisSubscriber {
  connect(): Promise<unknown>;
  subscribe(channel: string, listener: (message: string) => void): Promise<unknown>;
  unsubscribe(channel: string): Promise<unknown>;
  destroy(): void;
  on(event: 'ready' | 'end' | 'reconnecting', listener: () => void): unknown;
  on(event: 'error', listener: (error: unknown) => void): unknown;
}

/** What {@link nodeRedisBus} accepts: a standalone node-redis client (v5/v6). */
export interface NodeRedisBusLike {
  publish(channel: string, message: string): Promise<unknown>;
  /** A new client with the same options: the subscriber connection. */
  duplicate(): NodeRedisSubscriber;
}

/**
 * The L1 invalidation bus over node-redis: publishes with `client`, subscribes on a duplicate of it
 * (a connection in subscriber mode takes no other commands). node-redis re-subscribes by itself after
 * a reconnection; the subscription is reported lost from `reconnecting` until the next `ready`.
 *
 * @example
 * ```ts
 * const cache = createCache({ client: fromNodeRedis(redis), bus: nodeRedisBus(redis), defaults: { l1: true } });
 * ```
 */
export function nodeRedisBus(client: NodeRedisBusLike): CacheBus {
  return {
    redis: client,
    publish: (channel, message) => client.publish(channel, message),
    subscribe(channel: string, handlers: BusHandlers): Promise<BusSubscription> {
      const subscriber = client.duplicate();
      return followSubscription(
        {
          lostOn: ['reconnecting', 'end'],
          on: (event, listener) => void subscriber.on(event as 'ready', listener),
          open: async () => {
            await subscriber.connect();
            await subscriber.subscribe(channel, (message) => handlers.message(message));
          },
          close: async () => {
            await subscriber.unsubscribe(channel).catch(() => undefined);
            subscriber.destroy();
          },
        },
        handlers,
      );
    },
  };
}
