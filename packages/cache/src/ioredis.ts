import type { CacheClient, CacheSetOptions } from './port';

/** The ioredis commands the adapter calls. */
interface IoredisCommands {
  mgetBuffer(keys: string[]): Promise<(Buffer | null)[]>;
  set(key: string, value: Buffer | string, px: 'PX', ms: number): Promise<unknown>;
  set(key: string, value: Buffer | string, px: 'PX', ms: number, nx: 'NX'): Promise<unknown>;
  incr(key: string): Promise<number>;
  unlink(...keys: string[]): Promise<number>;
  eval(script: string, numKeys: number, ...keysAndArgs: string[]): Promise<unknown>;
  scan(
    cursor: string,
    match: 'MATCH',
    pattern: string,
    count: 'COUNT',
    n: number,
  ): Promise<[string, string[]]>;
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
    incr: (key) => client.incr(key),
    unlink: (keys) => (keys.length === 0 ? Promise.resolve(0) : client.unlink(...keys)),
    eval: (script, keys, args) => client.eval(script, keys.length, ...keys, ...args),
    scan: (match, count) => scanIoredis(client, match, count),
  };
}
