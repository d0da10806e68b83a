import type { CacheEvents } from './events';
import { checkKey, checkKeys, checkTags, checkTtl } from './input';
import type { Loader, LoaderRuns, LoadOptions } from './loader';
import type { LoaderTimeouts, ResolvedNamespaceOptions } from './options';
import type { NamespaceStats } from './stats';
import type { Found, Tiers } from './tiers';

/** A value read with its freshness. */
export interface CacheEntry<T> {
  readonly value: T;
  /** `true` once the fresh TTL has passed (the value is within the stale or grace window). */
  readonly stale: boolean;
}

/** Per-call options of {@link CacheNamespace.set}. */
export interface WriteOptions {
  /** This value's fresh TTL: whole milliseconds from 1 to 365 days. @default the namespace's `ttlMs` */
  readonly ttlMs?: number;
  /** Tags for {@link CacheNamespace.invalidateTags}: up to 32 strings of 1-128 characters. @default [] */
  readonly tags?: readonly string[];
}

/** One entry of {@link CacheNamespace.setMany}. */
export interface SetManyEntry extends WriteOptions {
  readonly key: string;
  readonly value: unknown;
}

/** Per-call options of {@link CacheNamespace.getOrSet}. */
export interface GetOrSetOptions extends WriteOptions {
  /** Overrides the namespace's `loaderTimeouts` for this call. */
  readonly timeouts?: LoaderTimeouts;
}

/** What a {@link CacheNamespace} is built from. */
export interface NamespaceContext {
  readonly name: string;
  readonly tiers: Tiers;
  readonly loads: LoaderRuns;
  readonly stats: NamespaceStats;
  readonly options: ResolvedNamespaceOptions;
  readonly events: CacheEvents;
  readonly now: () => number;
  readonly maxKeyLength: number;
}

/**
 * One namespace of a cache. Redis failures never reject: they become misses / `false` and go to
 * `onError`. What rejects is a mistake in the call (`CacheInputError`: bad key, TTL or tags;
 * `CacheValueError`: a value the serialiser cannot store faithfully), and a `getOrSet` loader's own
 * error when no stale value within grace can be served instead.
 */
export class CacheNamespace {
  private readonly ctx: NamespaceContext;

  constructor(ctx: NamespaceContext) {
    this.ctx = ctx;
  }

  /** The namespace's name. */
  get name(): string {
    return this.ctx.name;
  }

  private isFresh(found: Found): boolean {
    return found.softExpiresAt === undefined || this.ctx.now() < found.softExpiresAt;
  }

  private hit(key: string, found: Found): void {
    const { stats, events } = this.ctx;
    stats.add('hits');
    if (found.tier === 'l1') stats.add('l1Hits');
    if (events.has('hit')) events.emit('hit', { namespace: this.ctx.name, key, tier: found.tier });
  }

  private miss(key: string): void {
    this.ctx.stats.add('misses');
    if (this.ctx.events.has('miss')) this.ctx.events.emit('miss', { namespace: this.ctx.name, key });
  }

  private stale(key: string): void {
    this.ctx.stats.add('staleServes');
    if (this.ctx.events.has('stale')) this.ctx.events.emit('stale', { namespace: this.ctx.name, key });
  }

  /** Counts and returns the fresh value of one lookup, or `undefined`. */
  private fresh<T>(key: string, found: Found | undefined): T | undefined {
    if (found && this.isFresh(found) && !found.negative) {
      this.hit(key, found);
      return found.value as T;
    }
    this.miss(key);
    return undefined;
  }

  /**
   * The fresh value of `key`, or `undefined` (absent, stale, a cached "no value", or Redis unavailable).
   *
   * @example
   * ```ts
   * const profile = await cache.namespace('profiles').get<Profile>(userId);
   * ```
   */
  async get<T>(key: string): Promise<T | undefined> {
    checkKey(key, this.ctx.maxKeyLength);
    return this.fresh<T>(key, await this.ctx.tiers.lookup(key));
  }

  /** The fresh values of `keys`, in order (`undefined` where there is none): L1 first, the rest in one Redis round trip. */
  async getMany<T>(keys: readonly string[]): Promise<(T | undefined)[]> {
    checkKeys(keys, this.ctx.maxKeyLength);
    if (keys.length === 0) return [];
    const found = await this.ctx.tiers.lookupMany(keys);
    return keys.map((key, i) => this.fresh<T>(key, found[i]));
  }

  /** Whether `key` has a fresh value (a cached "no value" is not one). Counts as a read. */
  async has(key: string): Promise<boolean> {
    return (await this.get(key)) !== undefined;
  }

  /** The value with its freshness, fresh or stale, or `undefined`. Counts a hit, stale serve or miss. */
  async getEntry<T>(key: string): Promise<CacheEntry<T> | undefined> {
    checkKey(key, this.ctx.maxKeyLength);
    const found = await this.ctx.tiers.lookup(key);
    if (!found || found.negative) {
      this.miss(key);
      return undefined;
    }
    const stale = !this.isFresh(found);
    if (stale) this.stale(key);
    else this.hit(key, found);
    return { value: found.value as T, stale };
  }

  /**
   * Stores `value`. `true` when Redis took it, `false` when Redis failed (reported to `onError`).
   * @throws CacheInputError for a bad key, TTL or tags; CacheValueError for a value the serialiser
   * cannot store faithfully (`undefined`, or with JSON a `Map`, `Date`, `NaN`...).
   */
  set(key: string, value: unknown, options: WriteOptions = {}): Promise<boolean> {
    return this.setMany([{ key, value, ...options }]);
  }

  /**
   * Stores several entries in one Redis round trip (one script, atomic). `true` when all were
   * stored, `false` when none was (Redis failed).
   * @throws CacheInputError / CacheValueError as {@link set}, before anything is written.
   */
  async setMany(entries: readonly SetManyEntry[]): Promise<boolean> {
    const writes = entries.map((entry, i) => {
      const at = `entries[${i}].`;
      checkKey(entry.key, this.ctx.maxKeyLength, `${at}key`);
      return {
        key: entry.key,
        value: entry.value,
        negative: false,
        ttlMs: entry.ttlMs === undefined ? this.ctx.options.ttlMs : checkTtl(entry.ttlMs, `${at}ttlMs`),
        tags: entry.tags === undefined ? [] : checkTags(entry.tags, `${at}tags`),
      };
    });
    if (writes.length === 0) return true;
    return this.ctx.tiers.write(writes);
  }

  /** Removes `key` here and from every instance's L1; `true` when Redis held it. */
  async delete(key: string): Promise<boolean> {
    checkKey(key, this.ctx.maxKeyLength);
    return ((await this.ctx.tiers.delete([key])) ?? 0) > 0;
  }

  /** Removes `keys` in one round trip; how many Redis held (0 when Redis failed). */
  async deleteMany(keys: readonly string[]): Promise<number> {
    checkKeys(keys, this.ctx.maxKeyLength);
    if (keys.length === 0) return 0;
    return (await this.ctx.tiers.delete(keys)) ?? 0;
  }

  /** Invalidates every entry of the namespace in O(1) (bumps the generation). `true` when done. */
  invalidate(): Promise<boolean> {
    return this.ctx.tiers.invalidate();
  }

  /**
   * Invalidates every entry written with one of `tags` (one `INCR` per tag; entries are checked
   * against their tags' versions when read). `true` when done.
   * @throws CacheInputError for bad tags.
   */
  async invalidateTags(tags: readonly string[]): Promise<boolean> {
    const checked = checkTags(tags);
    if (checked.length === 0) return true;
    return this.ctx.tiers.invalidateTags(checked);
  }

  /** Invalidates the namespace, then deletes its keys with SCAN + UNLINK (never KEYS). */
  clear(): Promise<{ removed: number; complete: boolean }> {
    return this.ctx.tiers.clear();
  }

  /**
   * The cached value of `key`, or the loader's (stored before it is returned).
   *
   * - fresh entry: returned (a cached "no value" returns `undefined`); past the refresh-ahead point,
   *   one background refresh starts;
   * - stale within `staleWhileRevalidateMs`: returned at once, one background refresh starts;
   * - otherwise one loader runs per key in this process (single-flight) and, with `lock`, per
   *   cluster. With a stale value within grace: the soft timeout returns it while the loader goes on,
   *   and a loader error (or hard timeout) returns it instead of rejecting.
   *
   * The loader returns the value, or `undefined` for "no value" (cached for `negativeTtlMs`); it may
   * choose the TTL (`ctx.setTtl`) or not cache at all (`ctx.skip()`), and should honour `ctx.signal`.
   * Concurrent callers of one key share the first caller's load and its options.
   *
   * @example
   * ```ts
   * const user = await users.getOrSet(`id:${id}`, ({ signal }) => db.users.find(id, { signal }), {
   *   ttlMs: 60_000,
   *   tags: [`user:${id}`],
   *   timeouts: { softMs: 200, hardMs: 2000 },
   * });
   * ```
   */
  async getOrSet<T>(key: string, loader: Loader<T>, options: GetOrSetOptions = {}): Promise<T> {
    checkKey(key, this.ctx.maxKeyLength);
    const { options: ns, now, loads } = this.ctx;
    const load: LoadOptions = {
      ttlMs: options.ttlMs === undefined ? undefined : checkTtl(options.ttlMs),
      tags: options.tags === undefined ? [] : checkTags(options.tags),
      softMs: options.timeouts?.softMs ?? ns.loaderTimeouts.softMs,
      hardMs: options.timeouts?.hardMs ?? ns.loaderTimeouts.hardMs,
    };
    const found = await this.ctx.tiers.lookup(key);
    const staleFor = found?.softExpiresAt === undefined ? -1 : now() - found.softExpiresAt;
    if (found && staleFor < 0) {
      this.hit(key, found);
      if (found.refreshAt !== undefined && now() >= found.refreshAt) {
        loads.refreshInBackground(key, loader, load, found);
      }
      return found.value as T;
    }
    if (found && !found.negative && staleFor < ns.staleWhileRevalidateMs) {
      this.stale(key);
      loads.refreshInBackground(key, loader, load, found);
      return found.value as T;
    }
    this.miss(key);
    return loads.load(key, loader, load, found);
  }
}
