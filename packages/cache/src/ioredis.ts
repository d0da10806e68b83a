import type { BusHandlers, BusSubscription, CacheBus, CacheClient, CacheSetOptions } from './port';
import type { CacheScript } from './scripts';
import { followSubscription } from './subscription';

/** The ioredis commands the adapter calls. */
interface IoredisCommands {
  mgetBuffer(keys: string[]): Promise<(Buffer | null)[]>;
  set(key: string, value: Buffer | string, px: 'PX', ms: number): Promise<unknown>;
  set(key: string, value: Buffer | string, px: 'PX', ms: number, nx: 'NX'): Promise<unknown>;
  incr(key: string): Promise<number>;
  pipeline(): IoredisPipeline;
  unlink(...keys: string[]): Promise<number>;
  eval(script: string, numKeys: number, ...keysAndArgs: (string | Buffer)[]): Promise<unknown>;
  evalsha(sha1: string, numKeys: number, ...keysAndArgs: (string | Buffer)[]): Promise<unknown>;
  scan(
    cursor: string,
    match: 'MATCH',
    pattern: string,
    count: 'COUNT',
    n: number,
  ): Promise<[string, string[]]>;
}

/** The ioredis pipeline {@link CacheClient.setThenGet} builds. */
interface IoredisPipeline {
  set(key: string, value: Buffer, px: 'PX', ms: number): IoredisPipeline;
  getBuffer(key: string): IoredisPipeline;
  publish(channel: string, message: string): IoredisPipeline;
  exec(): Promise<[Error | null, unknown][] | null>;
}

/**
 * What {@link fromIoredis} accepts: an ioredis `Redis` or `Cluster`. Structural, so ioredis v5 and v6
 * both fit.
 */
export interface IoredisLike extends IoredisCommands {
  /** Present on a `Cluster`: the master connections to scan. */
  nodes?(role: 'master'): IoredisCommands[];
}

async function* scanIoredis(client: IoredisLike, match: string, count: number) {
  const nodes: IoredisCommands[] = typeof client.nodes === 'function' ? client.nodes('master') : [client];
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', match, 'COUNT', count);
      cursor = next;
      if (keys.length > 0) yield keys;
    } while (cursor !== '0');
  }
}

/** `EVALSHA`, then `EVAL` once when Redis does not have the script (after a restart or `SCRIPT FLUSH`). */
async function runScript(
  client: IoredisCommands,
  script: CacheScript,
  keys: readonly string[],
  args: readonly (string | Buffer)[],
): Promise<unknown> {
  try {
    return await client.evalsha(script.sha1, keys.length, ...keys, ...args);
  } catch (error) {
    if (!String((error as Error)?.message).startsWith('NOSCRIPT')) throw error;
    return client.eval(script.lua, keys.length, ...keys, ...args);
  }
}

/**
 * Adapts an ioredis (v5/v6) `Redis` or `Cluster` to the cache's {@link CacheClient}.
 *
 * @example
 * ```ts
 * import Redis from 'ioredis';
 * import { createCache, fromIoredis, ioredisOptions } from '@misybot-ha/cache';
 *
 * const redis = new Redis(ioredisOptions({ host: process.env.REDIS_HOST!, tls: true }));
 * redis.on('error', () => {}); // the cache reports failures through its own onError
 * const cache = createCache({ client: fromIoredis(redis) });
 * ```
 */
export function fromIoredis(client: IoredisLike): CacheClient {
  return {
    mget: (keys) => client.mgetBuffer([...keys]),
    async set(key, value, options: CacheSetOptions) {
      const px = Math.max(1, Math.round(options.px));
      const reply = options.nx
        ? await client.set(key, value, 'PX', px, 'NX')
        : await client.set(key, value, 'PX', px);
      return reply !== null;
    },
    async setThenGet(key, value, px, check, notice) {
      // A pipeline (not separate calls) so that a cluster sends all to the slot's primary, in order.
      const pipeline = client
        .pipeline()
        .set(key, value, 'PX', Math.max(1, Math.round(px)))
        .getBuffer(check);
      if (notice) pipeline.publish(notice.channel, notice.message);
      const replies = await pipeline.exec();
      if (!replies) throw new Error('pipeline discarded');
      for (const [error] of replies) if (error) throw error;
      return (replies[1]![1] as Buffer | null) ?? null;
    },
    incr: (key) => client.incr(key),
    unlink: (keys) => (keys.length === 0 ? Promise.resolve(0) : client.unlink(...keys)),
    script: (script, keys, args) => runScript(client, script, keys, args),
    scan: (match, count) => scanIoredis(client, match, count),
    redis: client,
  };
}

/** The ioredis connection events {@link ioredisBus} follows on its subscriber connection. */
interface IoredisSubscriber {
  readonly status: string;
  connect(): Promise<unknown>;
  subscribe(channel: string): Promise<unknown>;
  unsubscribe(channel: string): Promise<unknown>;
  disconnect(): void;
  on(event: 'message', listener: (channel: string, message: string) => void): unknown;
  on(event: 'ready' | 'close' | 'reconnecting' | 'end', listener: () => void): unknown;
  on(event: 'error', listener: (error: unknown) => void): unknown;
  once(event: 'ready', listener: () => void): unknown;
}

/** What {@link ioredisBus} accepts: an ioredis `Redis` (v5/v6). */
export interface IoredisBusLike {
  publish(channel: string, message: string): Promise<unknown>;
  /** A new connection with the same options: the subscriber connection. */
  duplicate(): IoredisSubscriber;
}

/**
 * The L1 invalidation bus over ioredis: publishes with `client`, subscribes on `client.duplicate()`.
 * ioredis re-subscribes after a reconnection (`autoResubscribe`); the subscription is reported lost
 * from `close` until the next `ready`.
 *
 * @example
 * ```ts
 * const cache = createCache({ client: fromIoredis(redis), bus: ioredisBus(redis), defaults: { l1: true } });
 * ```
 */
export function ioredisBus(client: IoredisBusLike): CacheBus {
  return {
    redis: client,
    publish: (channel, message) => client.publish(channel, message),
    subscribe(channel: string, handlers: BusHandlers): Promise<BusSubscription> {
      const subscriber = client.duplicate();
      subscriber.on('message', (from, message) => {
        if (from === channel) handlers.message(message);
      });
      return followSubscription(
        {
          lostOn: ['close'],
          on: (event, listener) => void subscriber.on(event as 'ready', listener),
          open: async () => {
            if (subscriber.status === 'wait') await subscriber.connect();
            else if (subscriber.status !== 'ready')
              await new Promise<void>((resolve) => subscriber.once('ready', resolve));
            await subscriber.subscribe(channel);
          },
          close: async () => {
            await subscriber.unsubscribe(channel).catch(() => undefined);
            subscriber.disconnect();
          },
        },
        handlers,
      );
    },
  };
}
