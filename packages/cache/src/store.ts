import { type Decoded, type Encoded, EntryCodec, type EntryToEncode, type StoredEntry } from './codec';
import type { TagVersion } from './envelope';
import { CacheDecodeError, CacheEncodeError, type CacheError, type CacheOperation } from './errors';
import type { CallGuard, Guarded } from './guard';
import type { NamespaceKeys } from './keys';
import type { ResolvedNamespaceOptions } from './options';
import type { BusNotice, CacheClient } from './port';
import { DELETE_SCRIPT, INVALIDATE_TAGS_SCRIPT, WRITE_SCRIPT } from './scripts';
import type { Serializer } from './serializers';
import type { NamespaceStats } from './stats';

export type { StoredEntry } from './codec';

/** What a {@link NamespaceStore} is built from. */
export interface StoreContext {
  readonly namespace: string;
  readonly client: CacheClient;
  readonly guard: CallGuard;
  readonly keys: NamespaceKeys;
  readonly stats: NamespaceStats;
  readonly options: ResolvedNamespaceOptions;
  readonly serializers: ReadonlyMap<number, Serializer>;
  readonly now: () => number;
  readonly report: (error: CacheError) => void;
}

/** One entry to write: its key, what to store, and for how long Redis keeps it. */
export interface WriteItem extends EntryToEncode {
  readonly key: string;
  readonly px: number;
}

const SCAN_COUNT = 500;

/** What {@link NamespaceStore.write} did. */
export interface WriteResult {
  readonly ok: boolean;
  /** The caller's notice went out with the write. */
  readonly announced: boolean;
}

const NOT_WRITTEN: WriteResult = { ok: false, announced: false };

/**
 * Reads and writes the Redis tier of one namespace: generation-aware keys, tag versions, the entry
 * codec and byte counters. Every method resolves (Redis failures are reported and read as misses /
 * `false`) except that an unstorable value rejects a write with `CacheValueError`.
 *
 * Writes and deletes never land in a generation another instance has invalidated: a single write
 * reads the generation back right behind its `SET` and is redone by a script when it moved; several
 * writes and deletes go through scripts that use the generation current in Redis. Reads fetch the
 * generation with the value in one `MGET` and retry once when it moved.
 */
export class NamespaceStore {
  /** The generation last seen in Redis; values live under it. */
  private generation: string | undefined;
  /** `keys.valuePrefix(generation)`, rebuilt only when the generation changes. */
  private valuePrefix = '';
  private valuePrefixOf: string | undefined;
  /** When (ctx clock) Redis last confirmed {@link generation}; for `generationCacheMs`. */
  private generationSeenAt = Number.NEGATIVE_INFINITY;
  private readonly ctx: StoreContext;
  private readonly codec: EntryCodec;

  constructor(ctx: StoreContext) {
    this.ctx = ctx;
    this.codec = new EntryCodec(ctx.options, ctx.serializers);
  }

  private failed(error: CacheError): void {
    this.ctx.stats.add('errors');
    this.ctx.report(error);
  }

  private async call<T>(operation: CacheOperation, fn: () => Promise<T>): Promise<Guarded<T>> {
    const result = await this.ctx.guard.run(this.ctx.namespace, operation, fn);
    if (!result.ok) this.failed(result.error);
    return result;
  }

  private valueKey(generation: string, key: string): string {
    if (this.valuePrefixOf !== generation) {
      this.valuePrefix = this.ctx.keys.valuePrefix(generation);
      this.valuePrefixOf = generation;
    }
    return this.valuePrefix + key;
  }

  private seen(generation: string): void {
    this.generation = generation;
    this.generationSeenAt = this.ctx.now();
  }

  /** The generation writes assume; the scripts correct it when another instance moved it. */
  private get assumed(): string {
    return this.generation ?? '0';
  }

  /** The entry for `key`, or `undefined`; see {@link readMany}. */
  async read(key: string): Promise<StoredEntry | undefined> {
    return (await this.readMany([key]))[0];
  }

  /**
   * The entries for `keys` (`undefined` where absent, undecodable or invalidated by a tag). One
   * round trip (`MGET generation values...`) when the generation is unchanged, a second one right
   * after an invalidation by another instance, and one more when entries carry tags. With
   * `generationCacheMs`, a generation confirmed that recently is trusted and only the values are read.
   */
  async readMany(keys: readonly string[]): Promise<(StoredEntry | undefined)[]> {
    const { client, guard, namespace, options } = this.ctx;
    const trusted = this.generation;
    if (trusted !== undefined && options.generationCacheMs > 0) {
      if (this.ctx.now() - this.generationSeenAt < options.generationCacheMs) {
        const valueKeys = keys.map((key) => this.valueKey(trusted, key));
        const got = await guard.run(namespace, 'read', () => client.mget(valueKeys));
        if (!got.ok) return this.readFailed(got.error, keys.length);
        return this.decodedAll(got.value, 0);
      }
    }
    for (let attempt = 0; attempt < 2; attempt++) {
      const assumed = this.assumed;
      const mgetKeys = [this.ctx.keys.generation];
      for (const key of keys) mgetKeys.push(this.valueKey(assumed, key));
      const got = await guard.run(namespace, 'read', () => client.mget(mgetKeys));
      if (!got.ok) return this.readFailed(got.error, keys.length);
      const seen = got.value[0];
      const actual = seen ? seen.toString('utf8') : '0';
      this.seen(actual);
      if (actual === assumed) return this.decodedAll(got.value, 1);
    }
    return keys.map(() => undefined);
  }

  private readFailed(error: CacheError, count: number): undefined[] {
    this.failed(error);
    return new Array<undefined>(count).fill(undefined);
  }

  private async decodedAll(
    replies: readonly (Buffer | null)[],
    from: number,
  ): Promise<(StoredEntry | undefined)[]> {
    const out: (StoredEntry | undefined)[] = [];
    let tagged = false;
    for (let i = from; i < replies.length; i++) {
      const bytes = replies[i];
      if (!bytes) {
        out.push(undefined);
        continue;
      }
      this.ctx.stats.add('bytesIn', bytes.length);
      const decoded = this.codec.decode(bytes);
      const entry = this.settle(decoded instanceof Promise ? await decoded : decoded);
      if (entry && entry.tags.length > 0) tagged = true;
      out.push(entry);
    }
    return tagged ? this.withoutInvalidatedTags(out) : out;
  }

  private settle(decoded: Decoded): StoredEntry | undefined {
    if (decoded === undefined || !('undecodable' in decoded)) return decoded;
    const cause = decoded.undecodable;
    const message = `undecodable entry: ${(cause as Error)?.message ?? cause}`;
    this.failed(new CacheDecodeError(message, this.ctx.namespace, 'read', { cause }));
    return undefined;
  }

  /** Drops entries whose tags were invalidated after they were written. */
  private async withoutInvalidatedTags(
    entries: (StoredEntry | undefined)[],
  ): Promise<(StoredEntry | undefined)[]> {
    const tags = [...new Set(entries.flatMap((e) => e?.tags.map((t) => t.tag) ?? []))];
    const versions = await this.tagVersions(tags);
    if (!versions) return entries.map(() => undefined);
    return entries.map((entry) =>
      entry?.tags.every((t) => versions.get(t.tag) === t.version) === false ? undefined : entry,
    );
  }

  /** The current version of each tag (`'0'` for a tag never invalidated); `undefined` when Redis fails. */
  async tagVersions(tags: readonly string[]): Promise<Map<string, string> | undefined> {
    if (tags.length === 0) return new Map();
    const got = await this.call('read', () =>
      this.ctx.client.mget(tags.map((tag) => this.ctx.keys.tag(tag))),
    );
    if (!got.ok) return undefined;
    return new Map(tags.map((tag, i) => [tag, got.value[i]?.toString('utf8') ?? '0']));
  }

  /** Tag versions in envelope form. */
  async snapshotTags(tags: readonly string[]): Promise<TagVersion[] | undefined> {
    const versions = await this.tagVersions(tags);
    return versions && tags.map((tag) => ({ tag, version: versions.get(tag) ?? '0' }));
  }

  /**
   * Stores `items` in one round trip under the generation current in Redis. `ok` is `false` when
   * nothing was stored (Redis failed, compression failed); `announced` when `notice` went out in
   * the pipeline of the write that stands (otherwise the caller publishes it).
   * @throws CacheValueError when a value cannot be stored faithfully (before anything is written).
   */
  async write(items: readonly WriteItem[], notice?: BusNotice): Promise<WriteResult> {
    const encoded: Encoded[] = [];
    for (const item of items) {
      const result = this.codec.encode(item);
      const e =
        result instanceof Promise ? await result.catch((cause: unknown) => this.unencodable(cause)) : result;
      if (e === undefined) return NOT_WRITTEN;
      encoded.push(e);
    }
    const stored =
      items.length === 1
        ? await this.writeOne(items[0]!, encoded[0]!, notice)
        : (await this.writeScript(items, encoded, this.assumed)) && 'written';
    if (!stored) return NOT_WRITTEN;
    for (const e of encoded) {
      this.ctx.stats.add('bytesOut', e.bytes.length);
      this.ctx.stats.add('uncompressedBytesOut', e.uncompressedBytes);
    }
    return { ok: true, announced: stored === 'announced' };
  }

  /**
   * One entry: a plain `SET` under the assumed generation with a `GET` of the generation behind it
   * (one pipelined round trip, about a seventh of the script's Redis time). The generation only
   * grows, so reading the assumed one right after the write proves the write landed in the current
   * generation; when another instance has moved it, the entry is written again by the script (and
   * the notice, sent before the rewrite, must be published again after it).
   */
  private async writeOne(
    item: WriteItem,
    e: Encoded,
    notice: BusNotice | undefined,
  ): Promise<'announced' | 'written' | false> {
    const { client, keys } = this.ctx;
    const assumed = this.assumed;
    const px = Math.max(1, Math.round(item.px));
    const checked = await this.call('write', () =>
      client.setThenGet(this.valueKey(assumed, item.key), e.bytes, px, keys.generation, notice),
    );
    if (!checked.ok) return false;
    const actual = checked.value ? checked.value.toString('latin1') : '0';
    this.seen(actual);
    if (actual === assumed) return notice ? 'announced' : 'written';
    return (await this.writeScript([item], [e], actual)) && 'written';
  }

  /** All entries atomically in one script, which corrects `assumed` when another instance moved it. */
  private async writeScript(
    items: readonly WriteItem[],
    encoded: readonly Encoded[],
    assumed: string,
  ): Promise<boolean> {
    const keys = [this.ctx.keys.generation];
    const args: (string | Buffer)[] = [assumed, this.ctx.keys.valueRoot];
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      keys.push(this.valueKey(assumed, item.key));
      args.push(item.key, encoded[i]!.bytes, String(Math.max(1, Math.round(item.px))));
    }
    const written = await this.call('write', () => this.ctx.client.script(WRITE_SCRIPT, keys, args));
    if (written.ok) this.seen(String(written.value));
    return written.ok;
  }

  private unencodable(cause: unknown): undefined {
    const message = `value not stored: ${(cause as Error)?.message ?? cause}`;
    this.failed(new CacheEncodeError(message, this.ctx.namespace, 'write', { cause }));
    return undefined;
  }

  /** Removes `keys` in the generation current in Redis; how many were removed, `undefined` when Redis failed. */
  async delete(keys: readonly string[]): Promise<number | undefined> {
    const assumed = this.assumed;
    const scriptKeys = [this.ctx.keys.generation, ...keys.map((key) => this.valueKey(assumed, key))];
    const args = [assumed, this.ctx.keys.valueRoot, ...keys];
    const removed = await this.call('delete', () => this.ctx.client.script(DELETE_SCRIPT, scriptKeys, args));
    if (!removed.ok) return undefined;
    const [generation, count] = removed.value as [unknown, unknown];
    this.seen(String(generation));
    return Number(count);
  }

  /** Bumps the generation (O(1)); old entries become unreachable and expire on their own. */
  async invalidate(): Promise<boolean> {
    const bumped = await this.call('invalidate', () => this.ctx.client.incr(this.ctx.keys.generation));
    if (bumped.ok) this.seen(String(bumped.value));
    return bumped.ok;
  }

  /** Bumps each tag's version: entries written with an older one read as misses from now on. */
  async invalidateTags(tags: readonly string[]): Promise<boolean> {
    const keys = tags.map((tag) => this.ctx.keys.tag(tag));
    const bumped = await this.call('invalidate', () =>
      this.ctx.client.script(INVALIDATE_TAGS_SCRIPT, keys, []),
    );
    return bumped.ok;
  }

  /**
   * Invalidates the namespace, then SCAN + UNLINK of its keys except the generation counter, so
   * writes racing the clear land in the new generation instead of reviving old entries.
   * `complete` is `false` when Redis failed midway.
   */
  async clear(): Promise<{ removed: number; complete: boolean }> {
    if (!(await this.invalidate())) return { removed: 0, complete: false };
    const iterator = this.ctx.client.scan(this.ctx.keys.pattern, SCAN_COUNT)[Symbol.asyncIterator]();
    let removed = 0;
    for (;;) {
      const step = await this.call('clear', () => iterator.next());
      if (!step.ok) {
        iterator.return?.()?.catch(() => undefined);
        return { removed, complete: false };
      }
      if (step.value.done) break;
      const batch = step.value.value.filter((key) => key !== this.ctx.keys.generation);
      if (batch.length === 0) continue;
      const unlinked = await this.call('clear', () => this.ctx.client.unlink(batch));
      if (!unlinked.ok) return { removed, complete: false };
      removed += unlinked.value;
    }
    return { removed, complete: true };
  }

  /** The lock key for `key` under the generation last seen. */
  lockKey(key: string): string {
    return this.ctx.keys.lock(this.assumed, key);
  }
}
