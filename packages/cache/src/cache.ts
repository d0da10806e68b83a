import { type BreakerState, CircuitBreaker, type CircuitBreakerOptions } from './breaker';
import { CacheConfigError, type CacheError } from './errors';
import { CallGuard } from './guard';
import { namespaceKeys, validatePrefix } from './keys';
import { CacheNamespace } from './namespace';
import { type NamespaceOptions, resolveNamespaceOptions } from './options';
import type { CacheClient } from './port';
import { type Serializer, serializerRegistry } from './serializers';
import { type CacheStatsSnapshot, NamespaceStats } from './stats';
import { NamespaceStore } from './store';

/** Options of {@link createCache}. */
export interface CacheOptions {
  /** The Redis client, through an adapter: {@link fromNodeRedis} or {@link fromIoredis}. */
  readonly client: CacheClient;
  /** Prepended to every key, e.g. `'chat:'` when services share a cluster. @default '' */
  readonly prefix?: string;
  /** Options of every namespace. @default {} (see {@link NamespaceOptions} for each default) */
  readonly defaults?: NamespaceOptions;
  /** Overrides per namespace name. @default {} */
  readonly namespaces?: Readonly<Record<string, NamespaceOptions>>;
  /** Serialisers readable besides JSON and MessagePack (by their envelope id). @default [] */
  readonly serializers?: readonly Serializer[];
  /** Longest wait for one Redis call before it counts as a miss. @default 100 */
  readonly timeoutMs?: number;
  /** Circuit breaker shared by all namespaces (one Redis). @default { failureThreshold: 5, openMs: 2000 } */
  readonly breaker?: Omit<CircuitBreakerOptions, 'now'>;
  /** Clock in epoch ms (soft expiry, breaker). @default Date.now */
  readonly now?: () => number;
  /** Random source for TTL jitter, in [0, 1). @default Math.random */
  readonly random?: () => number;
  /** Receives what the cache swallowed (timeouts, Redis errors, undecodable entries). @default ignore */
  readonly onError?: (error: CacheError) => void;
}

/** A Redis cache with namespaces. Create with {@link createCache}. */
export interface Cache {
  /**
   * The namespace called `name` (created on first use, then the same object). `overrides` apply
   * only when it is created.
   * @throws CacheConfigError when the name or the options are invalid.
   */
  namespace(name: string, overrides?: NamespaceOptions): CacheNamespace;
  /** Counters per namespace; with `reset`, starts a new period (deltas for periodic EMF export). */
  stats(options?: { readonly reset?: boolean }): CacheStatsSnapshot[];
  /** The circuit breaker's state now. */
  readonly breakerState: BreakerState;
}

/**
 * Builds a fail-open Redis cache.
 *
 * @example
 * ```ts
 * import { createClient } from 'redis';
 * import { createCache, fromNodeRedis, nodeRedisOptions } from '@misybot-ha/cache';
 *
 * const redis = createClient(nodeRedisOptions({ host: process.env.REDIS_HOST!, port: 6380, tls: true }));
 * redis.on('error', () => {});
 * await redis.connect();
 *
 * const cache = createCache({
 *   client: fromNodeRedis(redis),
 *   prefix: 'chat:',
 *   defaults: { ttlMs: 300_000, staleWhileRevalidateMs: 30_000, graceMs: 600_000 },
 *   namespaces: { sessions: { ttlMs: 1_800_000, compression: false }, answers: { lock: true } },
 *   onError: (err) => logger.warn('cache', { err }),
 * });
 * const answer = await cache.namespace('answers').getOrSet(questionHash, () => llm.answer(question));
 * ```
 */
export function createCache(options: CacheOptions): Cache {
  const prefix = validatePrefix(options.prefix ?? '');
  const timeoutMs = options.timeoutMs ?? 100;
  if (!Number.isFinite(timeoutMs) || timeoutMs < 1)
    throw new CacheConfigError('timeoutMs', `${timeoutMs} is below 1`);
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const report = options.onError ?? (() => undefined);
  const serializers = serializerRegistry(options.serializers);
  const breaker = new CircuitBreaker({ ...options.breaker, now });
  const guard = new CallGuard(breaker, timeoutMs);
  const namespaces = new Map<string, { ns: CacheNamespace; stats: NamespaceStats }>();
  for (const [name, overrides] of Object.entries(options.namespaces ?? {})) {
    resolveNamespaceOptions(name, options.defaults, overrides);
    namespaceKeys(prefix, name);
  }

  return {
    namespace(name, overrides) {
      const existing = namespaces.get(name);
      if (existing) return existing.ns;
      const resolved = resolveNamespaceOptions(name, options.defaults, {
        ...options.namespaces?.[name],
        ...overrides,
      });
      const keys = namespaceKeys(prefix, name);
      const stats = new NamespaceStats(name);
      const common = {
        namespace: name,
        client: options.client,
        guard,
        stats,
        options: resolved,
        now,
        report,
      };
      const store = new NamespaceStore({ ...common, keys, serializers, random });
      const ns = new CacheNamespace({ ...common, name, store });
      namespaces.set(name, { ns, stats });
      return ns;
    },
    stats: (statsOptions) =>
      [...namespaces.values()].map((n) => n.stats.snapshot(statsOptions?.reset ?? false)),
    get breakerState() {
      return breaker.state;
    },
  };
}
