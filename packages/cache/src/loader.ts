import { performance } from 'node:perf_hooks';
import { type CacheError, CacheLoaderTimeoutError, CacheRefreshError } from './errors';
import type { CacheEventMap, CacheEvents } from './events';
import type { CallGuard } from './guard';
import { checkTtl } from './input';
import { RedisLock } from './lock';
import type { ResolvedNamespaceOptions } from './options';
import type { CacheClient } from './port';
import { SingleFlight } from './single-flight';
import type { NamespaceStats } from './stats';
import type { Found, Tiers } from './tiers';

/** What a `getOrSet` loader is given. */
export interface LoaderContext<T> {
  /** The key being loaded. */
  readonly key: string;
  /** Aborted (reason: `CacheLoaderTimeoutError`) when the hard timeout passes: pass it to `fetch`, pg... */
  readonly signal: AbortSignal;
  /** The stale value within grace, if any (for conditional requests, or to return it unchanged). */
  readonly staleValue: T | undefined;
  /** Chooses this value's fresh TTL (whole milliseconds ≥ 1), e.g. from an HTTP `max-age`. */
  setTtl(ttlMs: number): void;
  /** Returns the value to the callers without caching it. */
  skip(): void;
}

/** A `getOrSet` loader: returns the value, or `undefined` for "no value" (cached per `negativeTtlMs`). */
export type Loader<T> = (context: LoaderContext<T>) => Promise<T> | T;

/** The options a load runs with. */
export interface LoadOptions {
  readonly ttlMs: number | undefined;
  readonly tags: readonly string[];
  readonly softMs: number | undefined;
  readonly hardMs: number | undefined;
}

/** What {@link LoaderRuns} is built from. */
export interface LoaderContextDeps {
  readonly name: string;
  readonly tiers: Tiers;
  readonly client: CacheClient;
  readonly guard: CallGuard;
  readonly stats: NamespaceStats;
  readonly options: ResolvedNamespaceOptions;
  readonly events: CacheEvents;
  readonly now: () => number;
  readonly report: (error: CacheError) => void;
}

const SKIPPED = Symbol('skipped');
const SOFT_TIMEOUT = Symbol('soft-timeout');
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `getOrSet` loaders: one per key per process (single-flight) and, with `lock`, per cluster;
 * soft and hard timeouts; the loader's chosen TTL; negative caching; background refreshes
 * (stale-while-revalidate, refresh-ahead, loads that outlived a soft timeout).
 */
export class LoaderRuns {
  private readonly deps: LoaderContextDeps;
  private readonly loads = new SingleFlight<unknown>();
  private readonly refreshes = new SingleFlight<unknown>();

  constructor(deps: LoaderContextDeps) {
    this.deps = deps;
  }

  private isFresh(found: Found): boolean {
    return found.softExpiresAt === undefined || this.deps.now() < found.softExpiresAt;
  }

  private emitStale(key: string): void {
    this.deps.stats.add('staleServes');
    if (this.deps.events.has('stale')) this.deps.events.emit('stale', { namespace: this.deps.name, key });
  }

  /** Loads `key` after a miss or beyond the stale window; `found` is the stale entry, if any. */
  async load<T>(key: string, loader: Loader<T>, options: LoadOptions, found: Found | undefined): Promise<T> {
    const { now, options: ns } = this.deps;
    const graced =
      found && !found.negative && now() - (found.softExpiresAt ?? 0) < ns.graceMs ? found : undefined;
    const flight = this.loads.run(key, () => this.locked(key, loader, options, graced, false)) as Promise<T>;
    try {
      if (graced && options.softMs !== undefined) {
        let timer: NodeJS.Timeout | undefined;
        const soft = new Promise<typeof SOFT_TIMEOUT>((resolve) => {
          timer = setTimeout(() => resolve(SOFT_TIMEOUT), options.softMs);
        });
        const first = await Promise.race([flight, soft]).finally(() => clearTimeout(timer));
        if (first === SOFT_TIMEOUT) {
          flight.catch((cause: unknown) => this.refreshFailed(key, cause));
          this.emitStale(key);
          return graced.value as T;
        }
        return first;
      }
      return await flight;
    } catch (error) {
      if (graced && now() - (graced.softExpiresAt ?? 0) < ns.graceMs) {
        this.emitStale(key);
        return graced.value as T;
      }
      throw error;
    }
  }

  /** Starts one background refresh of `key` unless a load or refresh of it is under way. */
  refreshInBackground<T>(key: string, loader: Loader<T>, options: LoadOptions, found: Found): void {
    if (this.loads.has(key) || this.refreshes.has(key)) return;
    this.refreshes
      .run(key, () => this.locked(key, loader, options, found, true))
      .catch((cause: unknown) => this.refreshFailed(key, cause));
  }

  private refreshFailed(key: string, cause: unknown): void {
    const message = `background refresh of ${key} failed: ${(cause as Error)?.message ?? cause}`;
    this.deps.stats.add('errors');
    this.deps.report(new CacheRefreshError(message, this.deps.name, 'refresh', { cause }));
  }

  /** Loads under the cross-instance lock when configured; waits for another holder's value otherwise. */
  private async locked<T>(
    key: string,
    loader: Loader<T>,
    options: LoadOptions,
    stale: Found | undefined,
    background: boolean,
  ): Promise<T | typeof SKIPPED> {
    const { options: ns, client, guard, name, stats, report, tiers } = this.deps;
    const lockOptions = ns.lock;
    if (!lockOptions) return this.run(key, loader, options, stale);
    const lock = new RedisLock(client, tiers.lockKey(key), lockOptions.ttlMs);
    const polls = Math.ceil(lockOptions.waitMs / lockOptions.pollMs);
    for (let poll = 0; ; poll++) {
      const acquired = await guard.run(name, 'lock', () => lock.acquire());
      if (!acquired.ok) {
        stats.add('errors');
        report(acquired.error);
        return this.run(key, loader, options, stale);
      }
      if (acquired.value) {
        try {
          // Double-checked: the previous holder may have stored the value and released the lock
          // between this instance's last look and its acquiring the lock. (A background refresh
          // reloads a value that is still fresh on purpose: refresh-ahead.)
          if (!background) {
            const stored = await tiers.readRedis(key);
            if (stored && this.isFresh(stored)) return stored.value as T;
          }
          return await this.run(key, loader, options, stale);
        } finally {
          const released = await guard.run(name, 'lock', () => lock.release());
          if (!released.ok) {
            stats.add('errors');
            report(released.error);
          }
        }
      }
      if (background) return SKIPPED;
      if (poll >= polls) return this.run(key, loader, options, stale);
      await sleep(lockOptions.pollMs);
      const entry = await tiers.readRedis(key);
      if (entry && this.isFresh(entry)) return entry.value as T;
    }
  }

  /** Runs the loader with its hard timeout, then stores what it returned. */
  private async run<T>(
    key: string,
    loader: Loader<T>,
    options: LoadOptions,
    stale: Found | undefined,
  ): Promise<T> {
    const { stats, options: ns, tiers, name, events } = this.deps;
    stats.add('loads');
    const controller = new AbortController();
    let ttlMs = options.ttlMs;
    let skip = false;
    const context: LoaderContext<T> = {
      key,
      signal: controller.signal,
      staleValue: stale?.negative === false ? (stale.value as T) : undefined,
      setTtl: (ms) => {
        ttlMs = checkTtl(ms, 'setTtl(ttlMs)');
      },
      skip: () => {
        skip = true;
      },
    };
    // Before the loader reads its source: an invalidation during the load then outdates this value.
    const tagVersions = options.tags.length > 0 ? await tiers.snapshotTags(options.tags) : [];
    const started = performance.now();
    const loaded = (outcome: CacheEventMap['load']['outcome']) => {
      if (events.has('load')) {
        events.emit('load', { namespace: name, key, durationMs: performance.now() - started, outcome });
      }
    };
    let value: T;
    try {
      value = await this.withHardTimeout(key, () => loader(context), options.hardMs, controller);
    } catch (error) {
      loaded(error instanceof CacheLoaderTimeoutError ? 'timeout' : 'error');
      throw error;
    }
    loaded(value === undefined ? 'no-value' : 'value');
    if (skip || tagVersions === undefined) return value;
    if (value === undefined) {
      if (ns.negativeTtlMs > 0) {
        const negativeTtl = Math.max(
          1,
          Math.round(ttlMs === undefined ? ns.negativeTtlMs : Math.min(ttlMs, ns.negativeTtlMs)),
        );
        await tiers.write([
          { key, value, negative: true, ttlMs: negativeTtl, tags: options.tags, tagVersions },
        ]);
      }
      return value;
    }
    await tiers.write([
      { key, value, negative: false, ttlMs: ttlMs ?? ns.ttlMs, tags: options.tags, tagVersions },
    ]);
    return value;
  }

  private withHardTimeout<T>(
    key: string,
    call: () => Promise<T> | T,
    hardMs: number | undefined,
    controller: AbortController,
  ): Promise<T> {
    const running = Promise.resolve().then(call);
    if (hardMs === undefined) return running;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        const error = new CacheLoaderTimeoutError(this.deps.name, key, hardMs);
        controller.abort(error);
        reject(error);
      }, hardMs);
      running.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  }
}
