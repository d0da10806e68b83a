/**
 * The narrow client port the cache talks to. Two adapters implement it: {@link fromNodeRedis}
 * (the `redis` package) and {@link fromIoredis} (`ioredis`). Everything the cache does maps to these
 * six commands, which also keeps it usable with any other client: implement the interface.
 *
 * All keys one call touches share a namespace hash tag (`{ns}`), so multi-key calls (`mget`,
 * `unlink`, `eval`) are safe in Redis cluster mode.
 */

/** Options of {@link CacheClient.set}. */
export interface CacheSetOptions {
  /** Time to live in milliseconds (`PX`). Every key the cache writes expires. */
  readonly px: number;
  /** Only set the key if it does not exist (`NX`). @default false */
  readonly nx?: boolean;
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
  /** `INCR key`: the new value. */
  incr(key: string): Promise<number>;
  /** `UNLINK keys...`: how many keys were removed (memory is reclaimed in the background). */
  unlink(keys: readonly string[]): Promise<number>;
  /** `EVAL script numkeys keys... args...`: the script's reply. */
  eval(script: string, keys: readonly string[], args: readonly string[]): Promise<unknown>;
  /**
   * `SCAN cursor MATCH match COUNT count` until the cursor comes back to 0, one batch of keys per
   * iteration. A cluster adapter scans every master.
   */
  scan(match: string, count: number): AsyncIterable<readonly string[]>;
}
