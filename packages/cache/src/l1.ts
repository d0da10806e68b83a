import type { StoredEntry } from './codec';

/**
 * One entry of the in-process tier: what Redis returned, with the value itself (shared by every hit)
 * or only its serialised bytes (deserialised on every hit, so callers get their own copy).
 */
export interface L1Entry extends Omit<StoredEntry, 'tags'> {
  readonly tags: readonly string[];
  /** Epoch ms after which L1 must not serve it: Redis' own expiry, or L1's `maxAgeMs`, whichever is first. */
  readonly expiresAt: number;
}

/**
 * The in-process tier of one namespace: a map in least-recently-used order, bounded by entry count,
 * with a tag index so a tag invalidation finds its entries without a scan.
 *
 * `epoch` counts removals. A reader notes it before reading Redis and stores what it read only if no
 * removal happened meanwhile: otherwise an invalidation that arrived while the read was in flight
 * would be undone by the read's older value.
 */
export class L1Store {
  private readonly entries = new Map<string, L1Entry>();
  private readonly byTag = new Map<string, Set<string>>();
  private readonly maxEntries: number;
  epoch = 0;

  constructor(maxEntries: number) {
    this.maxEntries = maxEntries;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The entry for `key` unless it has expired; marks it recently used. */
  get(key: string, now: number): L1Entry | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (now >= entry.expiresAt) {
      this.remove(key, entry);
      return undefined;
    }
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry;
  }

  /** The value of `entry`: a fresh copy when it holds bytes. */
  static value(entry: L1Entry): unknown {
    return entry.bytes === undefined ? entry.value : entry.serializer.deserialize(entry.bytes);
  }

  set(key: string, entry: L1Entry): void {
    const previous = this.entries.get(key);
    if (previous) this.remove(key, previous);
    this.entries.set(key, entry);
    for (const tag of entry.tags) {
      const keys = this.byTag.get(tag);
      if (keys) keys.add(key);
      else this.byTag.set(tag, new Set([key]));
    }
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.remove(oldest, this.entries.get(oldest)!);
    }
  }

  /** Drops `keys`; returns how many were held. */
  delete(keys: readonly string[]): number {
    this.epoch += 1;
    let removed = 0;
    for (const key of keys) {
      const entry = this.entries.get(key);
      if (entry) {
        this.remove(key, entry);
        removed += 1;
      }
    }
    return removed;
  }

  /** Drops every entry carrying one of `tags`. */
  deleteTags(tags: readonly string[]): void {
    const keys = new Set<string>();
    for (const tag of tags) for (const key of this.byTag.get(tag) ?? []) keys.add(key);
    this.delete([...keys]);
  }

  clear(): void {
    this.epoch += 1;
    this.entries.clear();
    this.byTag.clear();
  }

  private remove(key: string, entry: L1Entry): void {
    this.entries.delete(key);
    for (const tag of entry.tags) {
      const keys = this.byTag.get(tag);
      keys?.delete(key);
      if (keys?.size === 0) this.byTag.delete(tag);
    }
  }
}
