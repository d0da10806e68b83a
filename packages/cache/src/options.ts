import { type CodecName, isCodecAvailable } from './compression';
import { CacheConfigError } from './errors';
import { jsonSerializer, type Serializer } from './serializers';

/** When and how values are compressed. */
export interface CompressionOptions {
  /** @default 'gzip' */
  readonly codec?: CodecName;
  /** Serialised values smaller than this are stored as they are. @default 1024 */
  readonly thresholdBytes?: number;
  /** Codec-specific level; gzip/deflate 1-9, brotli 0-11, zstd 1-22. @default gzip/deflate 6, brotli 5 */
  readonly level?: number;
}

/** The cross-instance loader lock of `getOrSet`: one loader per key per cluster. */
export interface LockOptions {
  /** How long the lock lives if its holder dies; make it longer than the slowest loader. @default 10000 */
  readonly ttlMs?: number;
  /** How long other instances wait for the holder's value before loading themselves. @default 5000 */
  readonly waitMs?: number;
  /** How often a waiting instance looks for the value. @default 25 */
  readonly pollMs?: number;
}

/** The in-process tier in front of Redis. */
export interface L1Options {
  /** Most entries kept per namespace; the least recently used go first. @default 1000 */
  readonly maxEntries?: number;
  /**
   * Longest an entry stays in L1, however long it is fresh: the bound on staleness should an
   * invalidation message be lost. @default 60000
   */
  readonly maxAgeMs?: number;
  /**
   * `true`: each hit returns its own copy, deserialised from the stored bytes (mutating it cannot
   * change what the next caller gets). `false`: every hit returns the same object (faster; do not
   * mutate it). @default true
   */
  readonly copy?: boolean;
  /**
   * Allow L1 without a bus (`CacheOptions.bus`). Other instances' writes then reach this instance's
   * L1 only when its entries age out (`maxAgeMs`). @default false (L1 needs a bus)
   */
  readonly withoutBus?: boolean;
}

/** Per-call deadlines of a `getOrSet` loader. */
export interface LoaderTimeouts {
  /**
   * With a stale value within grace, return it once the loader has run this long; the loader goes
   * on in the background and stores its value when done. @default undefined (wait for the loader)
   */
  readonly softMs?: number;
  /**
   * Abort the loader (its `signal`) after this long; `getOrSet` then returns a stale value within
   * grace, or rejects with `CacheLoaderTimeoutError`. @default undefined (no deadline)
   */
  readonly hardMs?: number;
}

/**
 * Behaviour of one namespace. Set defaults for all in `CacheOptions.defaults` and override per name
 * in `CacheOptions.namespaces`.
 */
export interface NamespaceOptions {
  /** How long a value is fresh. @default 300000 (the platform's `cache.defaultTtlSeconds`) */
  readonly ttlMs?: number;
  /** Each write shortens `ttlMs` by a random fraction up to this, so keys written together expire apart. @default 0.1 */
  readonly jitter?: number;
  /** After the fresh TTL, serve the stale value at once and refresh it in the background for this long. @default 0 */
  readonly staleWhileRevalidateMs?: number;
  /** After the fresh TTL, serve the stale value for this long when the loader fails. @default 0 */
  readonly graceMs?: number;
  /** @default jsonSerializer */
  readonly serializer?: Serializer;
  /** `false` turns compression off. @default { codec: 'gzip', thresholdBytes: 1024 } */
  readonly compression?: CompressionOptions | false;
  /** `true` for the defaults. @default false (single-flight within the process only) */
  readonly lock?: LockOptions | boolean;
  /**
   * Opt-in: trust the namespace generation this instance last read for this long, so a read is one
   * `GET` of the value instead of `MGET generation value`. Trade-off: an `invalidate()` or `clear()`
   * by another instance becomes visible here only after up to this long (this instance's own
   * `invalidate()` is visible at once). At most 60000. @default 0 (every read checks the generation)
   */
  readonly generationCacheMs?: number;
  /**
   * How long a loader's "no value" (it returned `undefined`) is cached, so a missing row is not
   * looked up on every call; `0` turns negative caching off (the loader then runs on every call for
   * that key). @default ttlMs
   */
  readonly negativeTtlMs?: number;
  /**
   * Refresh-ahead: once this fraction of a value's fresh TTL has passed, a `getOrSet` hit still
   * returns it but starts one background refresh, so hot keys never expire under load. 0 < x < 1;
   * `0` = off. @default 0
   */
  readonly refreshAhead?: number;
  /** Deadlines of `getOrSet` loaders; per-call options override them. @default {} */
  readonly loaderTimeouts?: LoaderTimeouts;
  /** An in-process tier in front of Redis, kept coherent across instances by the bus. @default false */
  readonly l1?: L1Options | boolean;
}

/** {@link NamespaceOptions} with every default filled in. */
export interface ResolvedNamespaceOptions {
  readonly ttlMs: number;
  readonly jitter: number;
  readonly staleWhileRevalidateMs: number;
  readonly graceMs: number;
  readonly serializer: Serializer;
  readonly compression: Required<Omit<CompressionOptions, 'level'>> & { readonly level: number | undefined };
  readonly lock: Required<LockOptions> | undefined;
  readonly generationCacheMs: number;
  readonly negativeTtlMs: number;
  readonly refreshAhead: number;
  readonly loaderTimeouts: { readonly softMs: number | undefined; readonly hardMs: number | undefined };
  readonly l1: Required<L1Options> | undefined;
}

function check(option: string, value: number, min: number, max: number): number {
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new CacheConfigError(option, `${value} is outside ${min}..${max}`);
  }
  return value;
}

const DAY_MS = 24 * 3600 * 1000;

/**
 * Merges `overrides` over `defaults` over the library defaults and validates the result.
 * @throws CacheConfigError naming the option (`namespaces.<name>.<option>`).
 */
export function resolveNamespaceOptions(
  name: string,
  defaults: NamespaceOptions = {},
  overrides: NamespaceOptions = {},
): ResolvedNamespaceOptions {
  const o = { ...defaults, ...overrides };
  const at = (option: string) => `namespaces.${name}.${option}`;
  const compression = o.compression === false ? { codec: 'none' as const } : (o.compression ?? {});
  const codec = compression.codec ?? 'gzip';
  if (!isCodecAvailable(codec))
    throw new CacheConfigError(at('compression.codec'), `${codec} is not available in this runtime`);
  const lock = o.lock === true ? {} : o.lock || undefined;
  const l1 = o.l1 === true ? {} : o.l1 || undefined;
  const ttlMs = check(at('ttlMs'), o.ttlMs ?? 300_000, 1, 365 * DAY_MS);
  const optional = (option: string, value: number | undefined, min: number, max: number) =>
    value === undefined ? undefined : check(at(option), value, min, max);
  const refreshAhead = check(at('refreshAhead'), o.refreshAhead ?? 0, 0, 0.99);
  return {
    ttlMs,
    jitter: check(at('jitter'), o.jitter ?? 0.1, 0, 0.9),
    staleWhileRevalidateMs: check(
      at('staleWhileRevalidateMs'),
      o.staleWhileRevalidateMs ?? 0,
      0,
      30 * DAY_MS,
    ),
    graceMs: check(at('graceMs'), o.graceMs ?? 0, 0, 30 * DAY_MS),
    serializer: o.serializer ?? jsonSerializer,
    compression: {
      codec,
      thresholdBytes: check(
        at('compression.thresholdBytes'),
        compression.thresholdBytes ?? 1024,
        0,
        512 * 1024 * 1024,
      ),
      level: compression.level,
    },
    generationCacheMs: check(at('generationCacheMs'), o.generationCacheMs ?? 0, 0, 60_000),
    negativeTtlMs: check(at('negativeTtlMs'), o.negativeTtlMs ?? ttlMs, 0, 365 * DAY_MS),
    refreshAhead,
    loaderTimeouts: {
      softMs: optional('loaderTimeouts.softMs', o.loaderTimeouts?.softMs, 1, DAY_MS),
      hardMs: optional('loaderTimeouts.hardMs', o.loaderTimeouts?.hardMs, 1, DAY_MS),
    },
    l1: l1 && {
      maxEntries: check(at('l1.maxEntries'), l1.maxEntries ?? 1000, 1, 10_000_000),
      maxAgeMs: check(at('l1.maxAgeMs'), l1.maxAgeMs ?? 60_000, 1, DAY_MS),
      copy: l1.copy ?? true,
      withoutBus: l1.withoutBus ?? false,
    },
    lock: lock && {
      ttlMs: check(at('lock.ttlMs'), lock.ttlMs ?? 10_000, 1, DAY_MS),
      waitMs: check(at('lock.waitMs'), lock.waitMs ?? 5_000, 0, DAY_MS),
      pollMs: check(at('lock.pollMs'), lock.pollMs ?? 25, 1, 60_000),
    },
  };
}

/** `ttlMs` shortened by a random fraction in `[0, jitter)`, at least 1 ms. */
export function jitteredTtl(ttlMs: number, jitter: number, random: () => number): number {
  return Math.max(1, Math.round(ttlMs * (1 - jitter * random())));
}
