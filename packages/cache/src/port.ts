import type { CacheScript } from './scripts';

/**
 * The narrow ports the cache talks to. Adapters implement them for node-redis ({@link fromNodeRedis},
 * {@link nodeRedisBus}) and ioredis ({@link fromIoredis}, {@link ioredisBus}); {@link MemoryRedis}
 * implements both in process for unit tests. Any other client works too: implement the interfaces.
 *
 * All keys one call touches share a namespace hash tag (`{ns}`), so multi-key calls (`mget`,
 * `unlink`, `script`) are safe in Redis cluster mode.
 */

/** Options of {@link CacheClient.set}. */
export interface CacheSetOptions {
  /** Time to live in milliseconds (`PX`). Every key the cache writes expires. */
  readonly px: number;
  /** Only set the key if it does not exist (`NX`). @default false */
  readonly nx?: boolean;
}

/** A message to publish in the pipeline of the write it announces: `PUBLISH channel message`. */
export interface BusNotice {
  readonly channel: string;
  readonly message: string;
}

/**
 * The Redis commands the cache needs.
 *
 * @example
 * ```ts
 * import { createClient } from 'redis';
 * import { fromNodeRedis } from '@misybot-ha/cache';
 *
 * const redis = createClient({ url: 'redis://localhost:6379' });
 * await redis.connect();
 * const client: CacheClient = fromNodeRedis(redis);
 * ```
 */
export interface CacheClient {
  /** `MGET keys...`: the raw bytes of each key, `null` where a key is absent. */
  mget(keys: readonly string[]): Promise<(Buffer | null)[]>;
  /** `SET key value PX px [NX]`: `true` when the key was written. */
  set(key: string, value: Buffer | string, options: CacheSetOptions): Promise<boolean>;
  /**
   * `SET key value PX px`, then `GET check`, then (when given) `PUBLISH` of `notice`, pipelined in
   * one round trip on the connection to the primary holding both keys (they share a hash tag):
   * `check`'s value right after the write. The commands must run in that order and on the primary
   * (never a replica), so `check` is never older than the write and the notice never overtakes it.
   */
  setThenGet(
    key: string,
    value: Buffer,
    px: number,
    check: string,
    notice?: BusNotice,
  ): Promise<Buffer | null>;
  /** `INCR key`: the new value. */
  incr(key: string): Promise<number>;
  /** `UNLINK keys...`: how many keys were removed (memory is reclaimed in the background). */
  unlink(keys: readonly string[]): Promise<number>;
  /** `EVALSHA sha1 numkeys keys... args...`, and `EVAL` when Redis answers `NOSCRIPT`: the script's reply. */
  script(script: CacheScript, keys: readonly string[], args: readonly (string | Buffer)[]): Promise<unknown>;
  /**
   * `SCAN cursor MATCH match COUNT count` until the cursor comes back to 0, one batch of keys per
   * iteration. A cluster adapter scans every master.
   */
  scan(match: string, count: number): AsyncIterable<readonly string[]>;
  /**
   * The client object the commands go through, when the adapter knows it. A {@link CacheBus} with
   * the same `redis` publishes where the commands run, so the cache sends a write's invalidation in
   * the write's own pipeline (one round trip instead of two). @default undefined
   */
  readonly redis?: object;
}

/** What a {@link CacheBus} subscription reports. */
export interface BusHandlers {
  /** A message on the channel (from any instance, this one included). */
  message(message: string): void;
  /**
   * The subscription is live (`true`) or lost (`false`: the connection dropped, messages may be
   * missed). Called with `true` again once the adapter has re-subscribed.
   */
  state(connected: boolean): void;
}

/** A live subscription; `close` unsubscribes and releases the connection it opened. */
export interface BusSubscription {
  close(): Promise<void>;
}

/**
 * Publish/subscribe for the L1 invalidation bus: Redis pub/sub on a dedicated subscriber connection.
 * Delivery is at most once; the cache stops trusting L1 while {@link BusHandlers.state} says the
 * subscription is lost, and empties it when it is back.
 */
export interface CacheBus {
  /** `PUBLISH channel message`. */
  publish(channel: string, message: string): Promise<unknown>;
  /** `SUBSCRIBE channel` on a connection of its own; resolves once subscribed. */
  subscribe(channel: string, handlers: BusHandlers): Promise<BusSubscription>;
  /** The client object {@link publish} goes through; see {@link CacheClient.redis}. @default undefined */
  readonly redis?: object;
}
