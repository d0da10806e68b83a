import { type CacheError, CacheRefreshError } from './errors';
import type { CallGuard } from './guard';
import { RedisLock } from './lock';
import type { ResolvedNamespaceOptions } from './options';
import type { CacheClient } from './port';
import { SingleFlight } from './single-flight';
import type { NamespaceStats } from './stats';
import type { NamespaceStore, StoredEntry } from './store';

/** A value read with its freshness. */
export interface CacheEntry<T> {
  readonly value: T;
  /** `true` once the fresh TTL has passed (the value is within the stale or grace window). */
  readonly stale: boolean;
}

/** Per-call options of {@link CacheNamespace.set} and {@link CacheNamespace.getOrSet}. */
export interface WriteOptions {
  /** Overrides the namespace's fresh TTL for this value. @default the namespace's `ttlMs` */
  readonly ttlMs?: number;
}

/** What a {@link CacheNamespace} is built from. */
export interface NamespaceContext {
  readonly name: string;
  readonly store: NamespaceStore;
  readonly client: CacheClient;
  readonly guard: CallGuard;
  readonly stats: NamespaceStats;
  readonly options: ResolvedNamespaceOptions;
  readonly now: () => number;
  readonly report: (error: CacheError) => void;
}

const SKIPPED = Symbol('skipped');
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * One namespace of a cache. Every method resolves: Redis failures become misses / `false` and are
 * reported to `onError`. Only a `getOrSet` loader's own error can reject, and only when there is no
 * stale value within grace to serve instead.
 */
export class CacheNamespace {
  private readonly loads = new SingleFlight<unknown>();
  private readonly refreshes = new SingleFlight<unknown>();

  private readonly ctx: NamespaceContext;

  constructor(ctx: NamespaceContext) {
    this.ctx = ctx;
  }

  /** The namespace's name. */
  get name(): string {
    return this.ctx.name;
  }

  private isFresh(entry: StoredEntry): boolean {
    return entry.softExpiresAt === undefined || this.ctx.now() < entry.softExpiresAt;
  }

  /** The value with its freshness, fresh or stale, or `undefined`. Counts a hit, stale serve or miss. */
  async getEntry<T>(key: string): Promise<CacheEntry<T> | undefined> {
    const entry = await this.ctx.store.read(key);
    if (!entry) {
      this.ctx.stats.add('misses');
      return undefined;
    }
    const stale = !this.isFresh(entry);
    this.ctx.stats.add(stale ? 'staleServes' : 'hits');
    return { value: entry.value as T, stale };
  }

  /**
   * The fresh value of `key`, or `undefined` (absent, stale, or Redis unavailable).
   *
   * @example
   * ```ts
   * const profile = await cache.namespace('profiles').get<Profile>(userId);
   * ```
   */
  async get<T>(key: string): Promise<T | undefined> {
    const entry = await this.ctx.store.read(key);
    if (entry && this.isFresh(entry)) {
      this.ctx.stats.add('hits');
      return entry.value as T;
    }
    this.ctx.stats.add('misses');
    return undefined;
  }

  /** Stores `value` (anything the serialiser takes; `undefined` is never stored). `true` when written. */
  set(key: string, value: unknown, options: WriteOptions = {}): Promise<boolean> {
    return this.ctx.store.write(key, value, options.ttlMs);
  }

  /** Removes `key`; `true` when something was removed. */
  delete(key: string): Promise<boolean> {
    return this.ctx.store.delete(key);
  }

  /** Invalidates every entry of the namespace in O(1) (bumps the generation). `true` when done. */
  invalidate(): Promise<boolean> {
    return this.ctx.store.invalidate();
  }

  /** Deletes every key of the namespace with SCAN + UNLINK (never KEYS). */
  clear(): Promise<{ removed: number; complete: boolean }> {
    return this.ctx.store.clear();
  }

  /**
   * The cached value of `key`, or the loader's (stored before it is returned).
   *
   * - fresh entry: returned;
   * - stale within `staleWhileRevalidateMs`: returned at once, one background refresh starts;
   * - otherwise one loader runs per key in this process (single-flight) and, with `lock`, per cluster;
   *   if it throws and a stale value is within `graceMs`, the stale value is returned instead.
   *
   * @example
   * ```ts
   * const users = cache.namespace('users');
   * const user = await users.getOrSet(`id:${id}`, () => db.users.find(id), { ttlMs: 60_000 });
   * ```
   */
  async getOrSet<T>(key: string, loader: () => Promise<T>, options: WriteOptions = {}): Promise<T> {
    const { stats, options: ns, now } = this.ctx;
    const entry = await this.ctx.store.read(key);
    const staleFor = entry?.softExpiresAt === undefined ? -1 : now() - entry.softExpiresAt;
    if (entry && staleFor < 0) {
      stats.add('hits');
      return entry.value as T;
    }
    if (entry && staleFor < ns.staleWhileRevalidateMs) {
      stats.add('staleServes');
      this.refreshInBackground(key, loader, options);
      return entry.value as T;
    }
    stats.add('misses');
    try {
      return (await this.loads.run(key, () => this.load(key, loader, options, false))) as T;
    } catch (error) {
      if (entry && now() - (entry.softExpiresAt ?? 0) < ns.graceMs) {
        stats.add('staleServes');
        return entry.value as T;
      }
      throw error;
    }
  }

  private refreshInBackground<T>(key: string, loader: () => Promise<T>, options: WriteOptions): void {
    if (this.loads.has(key) || this.refreshes.has(key)) return;
    this.refreshes
      .run(key, () => this.load(key, loader, options, true))
      .catch((cause: unknown) => {
        const message = `background refresh of ${key} failed: ${(cause as Error)?.message ?? cause}`;
        this.ctx.report(new CacheRefreshError(message, this.ctx.name, 'refresh', { cause }));
      });
  }

  private async runLoader<T>(key: string, loader: () => Promise<T>, options: WriteOptions): Promise<T> {
    this.ctx.stats.add('loads');
    const value = await loader();
    await this.ctx.store.write(key, value, options.ttlMs);
    return value;
  }

  /** Loads under the cross-instance lock when configured; waits for another holder's value otherwise. */
  private async load<T>(
    key: string,
    loader: () => Promise<T>,
    options: WriteOptions,
    background: boolean,
  ): Promise<T | typeof SKIPPED> {
    const lockOptions = this.ctx.options.lock;
    if (!lockOptions) return this.runLoader(key, loader, options);
    const generation = await this.ctx.store.writeGeneration();
    if (generation === undefined) return this.runLoader(key, loader, options);
    const lock = new RedisLock(this.ctx.client, this.ctx.store.lockKey(generation, key), lockOptions.ttlMs);
    const polls = Math.ceil(lockOptions.waitMs / lockOptions.pollMs);
    for (let poll = 0; ; poll++) {
      const acquired = await this.ctx.guard.run(this.ctx.name, 'lock', () => lock.acquire());
      if (!acquired.ok) {
        this.ctx.stats.add('errors');
        this.ctx.report(acquired.error);
        return this.runLoader(key, loader, options);
      }
      if (acquired.value) {
        try {
          return await this.runLoader(key, loader, options);
        } finally {
          const released = await this.ctx.guard.run(this.ctx.name, 'lock', () => lock.release());
          if (!released.ok) {
            this.ctx.stats.add('errors');
            this.ctx.report(released.error);
          }
        }
      }
      if (background) return SKIPPED;
      if (poll >= polls) return this.runLoader(key, loader, options);
      await sleep(lockOptions.pollMs);
      const entry = await this.ctx.store.read(key);
      if (entry && this.isFresh(entry)) return entry.value as T;
    }
  }
}
