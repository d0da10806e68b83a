import type { StoredEntry } from './codec';
import type { BusChange, Coherence } from './coherence';
import type { TagVersion } from './envelope';
import type { CacheEvents, CacheTier } from './events';
import { type L1Entry, L1Store } from './l1';
import { jitteredTtl, type ResolvedNamespaceOptions } from './options';
import type { NamespaceStore } from './store';

/** An entry found in one of the tiers. */
export interface Found {
  /** `undefined` for a cached "no value". */
  readonly value: unknown;
  readonly softExpiresAt: number | undefined;
  readonly refreshAt: number | undefined;
  readonly negative: boolean;
  readonly tier: CacheTier;
}

/** A write as the namespace asks for it; TTLs are validated already. */
export interface TierWrite {
  readonly key: string;
  readonly value: unknown;
  /** Store a "no value" (negative caching) instead of `value`. */
  readonly negative: boolean;
  readonly ttlMs: number;
  readonly tags: readonly string[];
  /**
   * The tags' versions when the value was read from its source (a loader snapshots them before it
   * runs, so an invalidation during the load is not undone). @default their versions now
   */
  readonly tagVersions?: readonly TagVersion[];
}

/** What {@link Tiers} is built from. */
export interface TiersContext {
  readonly name: string;
  readonly store: NamespaceStore;
  readonly options: ResolvedNamespaceOptions;
  readonly l1: L1Store | undefined;
  readonly coherence: Coherence;
  readonly events: CacheEvents;
  readonly now: () => number;
  readonly random: () => number;
}

/**
 * The two tiers of one namespace: L1 (in process, optional) in front of Redis. Reads try L1 and fill
 * it from Redis; every change goes to Redis first, then drops the local L1 entries and is published
 * for the other instances' L1s.
 */
export class Tiers {
  private readonly ctx: TiersContext;

  constructor(ctx: TiersContext) {
    this.ctx = ctx;
  }

  /** L1 when configured and trusted (the bus subscription is live, or L1 runs without a bus). */
  private get l1(): L1Store | undefined {
    const { l1, coherence, options } = this.ctx;
    return l1 && (coherence.connected || options.l1?.withoutBus) ? l1 : undefined;
  }

  private fromL1(l1: L1Store, key: string): Found | undefined {
    const entry = l1.get(key, this.ctx.now());
    if (!entry) return undefined;
    const value = entry.negative ? undefined : L1Store.value(entry);
    return {
      value,
      softExpiresAt: entry.softExpiresAt,
      refreshAt: entry.refreshAt,
      negative: entry.negative,
      tier: 'l1',
    };
  }

  private fill(l1: L1Store, key: string, entry: StoredEntry): void {
    const { options, now } = this.ctx;
    const l1Options = options.l1!;
    const keepFor = entry.negative ? 0 : Math.max(options.staleWhileRevalidateMs, options.graceMs);
    const redisExpiry =
      entry.softExpiresAt === undefined ? Number.POSITIVE_INFINITY : entry.softExpiresAt + keepFor;
    const l1Entry: L1Entry = {
      value: l1Options.copy ? undefined : entry.value,
      bytes: l1Options.copy ? entry.bytes : undefined,
      serializer: entry.serializer,
      softExpiresAt: entry.softExpiresAt,
      refreshAt: entry.refreshAt,
      negative: entry.negative,
      tags: entry.tags.map((t) => t.tag),
      expiresAt: Math.min(redisExpiry, now() + l1Options.maxAgeMs),
    };
    l1.set(key, l1Entry);
  }

  private found(entry: StoredEntry): Found {
    const { value, softExpiresAt, refreshAt, negative } = entry;
    return { value, softExpiresAt, refreshAt, negative, tier: 'l2' };
  }

  /** The entry for `key` from L1, else from Redis (filling L1). */
  async lookup(key: string): Promise<Found | undefined> {
    const l1 = this.l1;
    if (l1 === undefined) {
      const entry = await this.ctx.store.read(key);
      return entry && this.found(entry);
    }
    const hit = this.fromL1(l1, key);
    if (hit) return hit;
    const epoch = l1.epoch;
    const entry = await this.ctx.store.read(key);
    if (!entry) return undefined;
    if (l1.epoch === epoch && this.l1 === l1) this.fill(l1, key, entry);
    return this.found(entry);
  }

  /** The entries for `keys`: L1 hits first, the rest in one Redis read. */
  async lookupMany(keys: readonly string[]): Promise<(Found | undefined)[]> {
    const l1 = this.l1;
    const out: (Found | undefined)[] = keys.map((key) => (l1 ? this.fromL1(l1, key) : undefined));
    const missing = keys.filter((_, i) => out[i] === undefined);
    if (missing.length === 0) return out;
    const epoch = l1?.epoch;
    const entries = await this.ctx.store.readMany(missing);
    const fill = l1 !== undefined && l1.epoch === epoch && this.l1 === l1;
    let j = 0;
    for (let i = 0; i < keys.length; i++) {
      if (out[i] !== undefined) continue;
      const entry = entries[j++];
      if (!entry) continue;
      if (fill) this.fill(l1, keys[i]!, entry);
      out[i] = this.found(entry);
    }
    return out;
  }

  /**
   * Writes to Redis, then drops the keys from L1 here and on every instance.
   * @throws CacheValueError when a value cannot be stored faithfully (nothing is written).
   */
  async write(writes: readonly TierWrite[]): Promise<boolean> {
    const { options, now, random, store } = this.ctx;
    const tags = [...new Set(writes.flatMap((w) => (w.tagVersions ? [] : w.tags)))];
    const versions = tags.length > 0 ? await store.tagVersions(tags) : new Map<string, string>();
    if (!versions) return false;
    const at = now();
    const items = writes.map((w) => {
      const freshMs = jitteredTtl(w.ttlMs, options.jitter, random);
      const keepMs = w.negative ? 0 : Math.max(options.staleWhileRevalidateMs, options.graceMs);
      const refreshAt =
        options.refreshAhead > 0 && !w.negative ? at + Math.round(freshMs * options.refreshAhead) : undefined;
      return {
        key: w.key,
        value: w.value,
        negative: w.negative,
        softExpiresAt: at + freshMs,
        refreshAt,
        tags: w.tagVersions ?? w.tags.map((tag) => ({ tag, version: versions.get(tag) ?? '0' })),
        px: freshMs + keepMs,
      };
    });
    const keys = writes.map((w) => w.key);
    const change: BusChange = { n: this.ctx.name, k: keys };
    const { ok, announced } = await store.write(items, this.ctx.coherence.notice(change));
    if (!ok) return false;
    this.drop(change);
    if (!announced) this.ctx.coherence.publish(change);
    if (this.ctx.events.has('write')) this.ctx.events.emit('write', { namespace: this.ctx.name, keys });
    return true;
  }

  /** Removes `keys`; how many Redis held, `undefined` when Redis failed. */
  async delete(keys: readonly string[]): Promise<number | undefined> {
    const removed = await this.ctx.store.delete(keys);
    if (removed === undefined) return undefined;
    this.changed({ n: this.ctx.name, k: keys });
    this.invalidated({ scope: 'keys', keys, origin: 'local' });
    return removed;
  }

  async invalidate(): Promise<boolean> {
    const ok = await this.ctx.store.invalidate();
    if (ok) this.namespaceChanged('local');
    return ok;
  }

  async invalidateTags(tags: readonly string[]): Promise<boolean> {
    const ok = await this.ctx.store.invalidateTags(tags);
    if (!ok) return false;
    this.changed({ n: this.ctx.name, t: tags });
    this.invalidated({ scope: 'tags', tags, origin: 'local' });
    return true;
  }

  async clear(): Promise<{ removed: number; complete: boolean }> {
    const result = await this.ctx.store.clear();
    this.namespaceChanged('local');
    return result;
  }

  private namespaceChanged(origin: 'local' | 'remote'): void {
    if (origin === 'local') this.changed({ n: this.ctx.name, all: true });
    else this.ctx.l1?.clear();
    this.invalidated({ scope: 'namespace', origin });
  }

  /** Applies `change` to the local L1 and, when made here, publishes it. */
  private changed(change: BusChange): void {
    this.drop(change);
    this.ctx.coherence.publish(change);
  }

  private drop(change: BusChange): void {
    const l1 = this.ctx.l1;
    if (!l1) return;
    if ('all' in change) l1.clear();
    else if ('k' in change) l1.delete(change.k);
    else l1.deleteTags(change.t);
  }

  /** Another instance's change. */
  applyRemote(change: BusChange): void {
    if ('all' in change) {
      this.namespaceChanged('remote');
      return;
    }
    this.drop(change);
    if ('k' in change) this.invalidated({ scope: 'keys', keys: change.k, origin: 'remote' });
    else this.invalidated({ scope: 'tags', tags: change.t, origin: 'remote' });
  }

  private invalidated(event: {
    scope: 'keys' | 'namespace' | 'tags';
    keys?: readonly string[];
    tags?: readonly string[];
    origin: 'local' | 'remote';
  }): void {
    if (this.ctx.events.has('invalidation'))
      this.ctx.events.emit('invalidation', { namespace: this.ctx.name, ...event });
  }

  /** Empties L1 (the bus subscription was lost or is back). */
  resetL1(): void {
    this.ctx.l1?.clear();
  }

  /** The current versions of `tags`, to write with a value read from its source now; `undefined` when Redis fails. */
  snapshotTags(tags: readonly string[]): Promise<TagVersion[] | undefined> {
    return this.ctx.store.snapshotTags(tags);
  }

  /** The key of the cross-instance loader lock. */
  lockKey(key: string): string {
    return this.ctx.store.lockKey(key);
  }

  /** Reads Redis only (the lock waiters poll for the holder's value there). */
  async readRedis(key: string): Promise<Found | undefined> {
    const entry = await this.ctx.store.read(key);
    return entry && this.found(entry);
  }
}
