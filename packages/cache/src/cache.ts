import { randomUUID } from 'node:crypto';
import { type BreakerState, CircuitBreaker, type CircuitBreakerOptions } from './breaker';
import { type BusMessage, Coherence } from './coherence';
import { CacheConfigError, type CacheError } from './errors';
import { type CacheEventMap, type CacheEventName, CacheEvents } from './events';
import { CallGuard } from './guard';
import { DEFAULT_MAX_KEY_LENGTH } from './input';
import { namespaceKeys, validatePrefix } from './keys';
import { L1Store } from './l1';
import { LoaderRuns } from './loader';
import { CacheNamespace } from './namespace';
import { type NamespaceOptions, resolveNamespaceOptions } from './options';
import type { CacheBus, CacheClient } from './port';
import { type Serializer, serializerRegistry } from './serializers';
import { type CacheStatsSnapshot, NamespaceStats } from './stats';
import { NamespaceStore } from './store';
import { Tiers } from './tiers';

/** Options of {@link createCache}. */
export interface CacheOptions {
  /** The Redis client, through an adapter: {@link fromNodeRedis}, {@link fromIoredis} or a {@link MemoryRedis}. */
  readonly client: CacheClient;
  /**
   * The invalidation bus that keeps every instance's L1 coherent: {@link nodeRedisBus},
   * {@link ioredisBus} or a {@link MemoryRedis}. Needed by namespaces with `l1` (unless
   * `l1.withoutBus`). @default undefined (no bus)
   */
  readonly bus?: CacheBus;
  /** Prepended to every key and to the bus channel, e.g. `'chat:'` when services share a cluster. @default '' */
  readonly prefix?: string;
  /** Options of every namespace. @default {} (see {@link NamespaceOptions} for each default) */
  readonly defaults?: NamespaceOptions;
  /**
   * The namespaces, with their overrides. When any is declared, {@link Cache.namespace} refuses other
   * names (a typo would otherwise be a new, empty namespace) unless `strictNamespaces` is `false`.
   * @default {} (any name)
   */
  readonly namespaces?: Readonly<Record<string, NamespaceOptions>>;
  /** Refuse names not in `namespaces` (when it declares any). @default true */
  readonly strictNamespaces?: boolean;
  /** Serialisers readable besides JSON and MessagePack (by their envelope id). @default [] */
  readonly serializers?: readonly Serializer[];
  /** Longest wait for one Redis call before it counts as a miss. @default 100 */
  readonly timeoutMs?: number;
  /** Longest key, in characters; longer ones are refused with `CacheInputError`. @default 1024 */
  readonly maxKeyLength?: number;
  /** Circuit breaker shared by all namespaces (one Redis). @default { failureThreshold: 5, openMs: 2000 } */
  readonly breaker?: Omit<CircuitBreakerOptions, 'now'>;
  /** Clock in epoch ms (soft expiry, breaker, L1). @default Date.now */
  readonly now?: () => number;
  /** Random source for TTL jitter, in [0, 1). @default Math.random */
  readonly random?: () => number;
  /** Receives what the cache swallowed (timeouts, Redis errors, undecodable entries); also the `error` event. @default ignore */
  readonly onError?: (error: CacheError) => void;
}

/** A Redis cache with namespaces. Create with {@link createCache}. */
export interface Cache {
  /**
   * The namespace called `name` (created on first use, then the same object). `overrides` apply
   * only when it is created.
   * @throws CacheConfigError when the name or the options are invalid, or the name is not declared.
   */
  namespace(name: string, overrides?: NamespaceOptions): CacheNamespace;
  /** Counters per namespace; with `reset`, starts a new period (deltas for periodic EMF export). */
  stats(options?: { readonly reset?: boolean }): CacheStatsSnapshot[];
  /** The circuit breaker's state now. */
  readonly breakerState: BreakerState;
  /** Whether the bus subscription is live (L1 is used only then, unless `l1.withoutBus`). */
  readonly busConnected: boolean;
  /** Adds a lifecycle listener (hit, miss, stale, load, write, invalidation, error); returns its remover. */
  on<E extends CacheEventName>(event: E, listener: (event: CacheEventMap[E]) => void): () => void;
  /** Resolves once the bus subscription is live (at once without a bus). */
  ready(): Promise<void>;
  /** Unsubscribes from the bus; the Redis client is yours to close. */
  close(): Promise<void>;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(above + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

function undeclared(name: string, declared: readonly string[]): CacheConfigError {
  const close = declared.filter((d) => distance(d, name) <= 2);
  const hint = close.length > 0 ? `did you mean ${close.map((c) => `"${c}"`).join(' or ')}? ` : '';
  return new CacheConfigError(
    'namespace',
    `"${name}" is not declared in CacheOptions.namespaces; ${hint}declared: ${declared.join(', ')} ` +
      '(declare it, or set strictNamespaces: false)',
  );
}

/**
 * Builds a fail-open Redis cache.
 *
 * @example
 * ```ts
 * import { createClient } from 'redis';
 * import { createCache, fromNodeRedis, nodeRedisBus, nodeRedisOptions } from '@misybot-ha/cache';
 *
 * const redis = createClient(nodeRedisOptions({ host: process.env.REDIS_HOST!, port: 6380, tls: true }));
 * redis.on('error', () => {});
 * await redis.connect();
 *
 * const cache = createCache({
 *   client: fromNodeRedis(redis),
 *   bus: nodeRedisBus(redis),
 *   prefix: 'chat:',
 *   defaults: { ttlMs: 300_000, staleWhileRevalidateMs: 30_000, graceMs: 600_000 },
 *   namespaces: { sessions: { ttlMs: 1_800_000, compression: false }, answers: { lock: true, l1: true } },
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
  const maxKeyLength = options.maxKeyLength ?? DEFAULT_MAX_KEY_LENGTH;
  if (!Number.isInteger(maxKeyLength) || maxKeyLength < 1)
    throw new CacheConfigError('maxKeyLength', `${maxKeyLength} is not a whole number ≥ 1`);
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const events = new CacheEvents();
  const onError = options.onError;
  const report = (error: CacheError) => {
    onError?.(error);
    if (events.has('error')) events.emit('error', { error });
  };
  const serializers = serializerRegistry(options.serializers);
  const breaker = new CircuitBreaker({ ...options.breaker, now });
  const guard = new CallGuard(breaker, timeoutMs);
  const declared = Object.keys(options.namespaces ?? {});
  const strict = declared.length > 0 && options.strictNamespaces !== false;
  const namespaces = new Map<string, { ns: CacheNamespace; stats: NamespaceStats; tiers: Tiers }>();
  const coherence = new Coherence({
    bus: options.bus,
    channel: `${prefix}{misybot-cache}:bus`,
    instanceId: randomUUID(),
    sharesClient: options.bus?.redis !== undefined && options.bus.redis === options.client.redis,
    guard,
    report,
    apply: (message: BusMessage) => namespaces.get(message.n)?.tiers.applyRemote(message),
    reset: () => {
      for (const { tiers } of namespaces.values()) tiers.resetL1();
    },
  });

  const resolve = (name: string, overrides: NamespaceOptions | undefined) => {
    const resolved = resolveNamespaceOptions(name, options.defaults, {
      ...options.namespaces?.[name],
      ...overrides,
    });
    if (resolved.l1 && !options.bus && !resolved.l1.withoutBus) {
      throw new CacheConfigError(
        `namespaces.${name}.l1`,
        "needs CacheOptions.bus so that other instances' writes reach this L1 " +
          '(or l1.withoutBus: true to accept staleness up to l1.maxAgeMs)',
      );
    }
    return resolved;
  };
  for (const name of declared) {
    resolve(name, undefined);
    namespaceKeys(prefix, name);
  }

  return {
    namespace(name, overrides) {
      const existing = namespaces.get(name);
      if (existing) return existing.ns;
      if (strict && !declared.includes(name)) throw undeclared(name, declared);
      const resolved = resolve(name, overrides);
      const keys = namespaceKeys(prefix, name);
      const stats = new NamespaceStats(name);
      const client = options.client;
      const store = new NamespaceStore({
        namespace: name,
        client,
        guard,
        keys,
        stats,
        options: resolved,
        serializers,
        now,
        report,
      });
      const l1 = resolved.l1 && new L1Store(resolved.l1.maxEntries);
      const tiers = new Tiers({ name, store, options: resolved, l1, coherence, events, now, random });
      const loads = new LoaderRuns({
        name,
        tiers,
        client,
        guard,
        stats,
        options: resolved,
        events,
        now,
        report,
      });
      const ns = new CacheNamespace({
        name,
        tiers,
        loads,
        stats,
        options: resolved,
        events,
        now,
        maxKeyLength,
      });
      namespaces.set(name, { ns, stats, tiers });
      return ns;
    },
    stats: (statsOptions) =>
      [...namespaces.values()].map((n) => n.stats.snapshot(statsOptions?.reset ?? false)),
    get breakerState() {
      return breaker.state;
    },
    get busConnected() {
      return coherence.connected;
    },
    on: (event, listener) => events.on(event, listener),
    ready: () => coherence.ready(),
    close: () => coherence.close(),
  };
}
