import { compress, decompress } from './compression';
import {
  decodeEnvelope,
  ENVELOPE_HEADER_BYTES,
  encodeEnvelope,
  isPlainEnvelope,
  isUnknownVersion,
  plainEnvelopeSerializerId,
  plainEnvelopeSoftExpiry,
  writeEnvelopeHeader,
} from './envelope';
import { CacheDecodeError, CacheEncodeError, type CacheError, type CacheOperation } from './errors';
import type { CallGuard, Guarded } from './guard';
import type { NamespaceKeys } from './keys';
import { jitteredTtl, type ResolvedNamespaceOptions } from './options';
import type { CacheClient } from './port';
import { jsonSerializer, type Serializer } from './serializers';
import type { NamespaceStats } from './stats';

/** A decoded entry. */
export interface StoredEntry {
  readonly value: unknown;
  /** Epoch ms after which the value is stale; `undefined` for entries without one (legacy JSON). */
  readonly softExpiresAt: number | undefined;
}

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
  readonly random: () => number;
  readonly report: (error: CacheError) => void;
}

const SCAN_COUNT = 500;

/**
 * Reads and writes the entries of one namespace: generation-aware keys, the envelope, compression,
 * byte counters. Every method resolves (failures are reported and read as misses / `false`).
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

  constructor(ctx: StoreContext) {
    this.ctx = ctx;
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

  /** The generation to write under, fetched once if not known yet; `undefined` when Redis fails. */
  async writeGeneration(): Promise<string | undefined> {
    if (this.generation !== undefined) return this.generation;
    const got = await this.call('read', () => this.ctx.client.mget([this.ctx.keys.generation]));
    if (!got.ok) return undefined;
    this.generation = got.value[0]?.toString('utf8') ?? '0';
    return this.generation;
  }

  private valueKey(generation: string, key: string): string {
    if (this.valuePrefixOf !== generation) {
      this.valuePrefix = this.ctx.keys.valuePrefix(generation);
      this.valuePrefixOf = generation;
    }
    return this.valuePrefix + key;
  }

  /**
   * The entry for `key`, or `undefined`. One round trip (`MGET generation value`) when the
   * generation is unchanged; a second one right after an invalidation by another instance. With
   * `generationCacheMs`, a generation confirmed that recently is trusted and only the value is read.
   */
  async read(key: string): Promise<StoredEntry | undefined> {
    const { client, keys, guard, namespace, options } = this.ctx;
    const trusted = this.generation;
    if (trusted !== undefined && options.generationCacheMs > 0) {
      if (this.ctx.now() - this.generationSeenAt < options.generationCacheMs) {
        const valueKey = this.valueKey(trusted, key);
        const got = await guard.run(namespace, 'read', () => client.mget([valueKey]));
        if (!got.ok) {
          this.failed(got.error);
          return undefined;
        }
        return this.decoded(got.value[0] ?? null);
      }
    }
    for (let attempt = 0; attempt < 2; attempt++) {
      const assumed = this.generation ?? '0';
      const valueKey = this.valueKey(assumed, key);
      const got = await guard.run(namespace, 'read', () => client.mget([keys.generation, valueKey]));
      if (!got.ok) {
        this.failed(got.error);
        return undefined;
      }
      const seen = got.value[0];
      const actual = seen ? seen.toString('utf8') : '0';
      this.generation = actual;
      this.generationSeenAt = this.ctx.now();
      if (actual !== assumed) continue;
      return this.decoded(got.value[1] ?? null);
    }
    return undefined;
  }

  private decoded(bytes: Buffer | null): StoredEntry | undefined | Promise<StoredEntry | undefined> {
    return bytes ? this.decode(bytes) : undefined;
  }

  /** Synchronous unless the payload is compressed (the common small-value path stays sync). */
  private decode(bytes: Buffer): StoredEntry | undefined | Promise<StoredEntry | undefined> {
    this.ctx.stats.add('bytesIn', bytes.length);
    try {
      if (isPlainEnvelope(bytes)) {
        // The common case, without an intermediate Envelope object or payload view.
        const id = plainEnvelopeSerializerId(bytes);
        const softExpiresAt = plainEnvelopeSoftExpiry(bytes);
        if (id === jsonSerializer.id) {
          return { value: JSON.parse(bytes.toString('utf8', ENVELOPE_HEADER_BYTES)), softExpiresAt };
        }
        const serializer = this.serializer(id);
        return { value: serializer.deserialize(bytes.subarray(ENVELOPE_HEADER_BYTES)), softExpiresAt };
      }
      const envelope = decodeEnvelope(bytes);
      if (isUnknownVersion(envelope)) return undefined;
      const serializer = this.serializer(envelope.serializerId);
      const { softExpiresAt } = envelope;
      if (envelope.codec === 'none')
        return { value: serializer.deserialize(envelope.payload), softExpiresAt };
      return decompress(envelope.codec, envelope.payload).then(
        (payload) => ({ value: serializer.deserialize(payload), softExpiresAt }),
        (cause: unknown) => this.undecodable(cause),
      );
    } catch (cause) {
      return this.undecodable(cause);
    }
  }

  /** @throws Error when no serialiser is registered under `id`. */
  private serializer(id: number): Serializer {
    const serializer = this.ctx.serializers.get(id);
    if (!serializer) throw new Error(`no serialiser registered with id ${id}`);
    return serializer;
  }

  private undecodable(cause: unknown): undefined {
    const message = `undecodable entry: ${(cause as Error)?.message ?? cause}`;
    this.failed(new CacheDecodeError(message, this.ctx.namespace, 'read', { cause }));
    return undefined;
  }

  private unencodable(cause: unknown): undefined {
    const message = `value not stored: ${(cause as Error)?.message ?? cause}`;
    this.failed(new CacheEncodeError(message, this.ctx.namespace, 'write', { cause }));
    return undefined;
  }

  /** Synchronous unless the value reaches the compression threshold. */
  private encode(value: unknown, softExpiresAt: number): Buffer | undefined | Promise<Buffer | undefined> {
    const { serializer, compression } = this.ctx.options;
    try {
      const plainUpTo = compression.codec === 'none' ? Number.POSITIVE_INFINITY : compression.thresholdBytes;
      if (serializer === jsonSerializer) {
        // JSON text goes straight into the envelope: no intermediate Buffer, no copy.
        const text = JSON.stringify(value);
        if (text === undefined) throw new TypeError(`JSON cannot represent a value of type ${typeof value}`);
        const length = Buffer.byteLength(text, 'utf8');
        if (length < plainUpTo) {
          this.ctx.stats.add('uncompressedBytesOut', length);
          const out = Buffer.allocUnsafe(ENVELOPE_HEADER_BYTES + length);
          writeEnvelopeHeader(out, 'none', serializer.id, softExpiresAt);
          out.write(text, ENVELOPE_HEADER_BYTES, length, 'utf8');
          return out;
        }
        return this.compressed(Buffer.from(text, 'utf8'), softExpiresAt);
      }
      const raw = serializer.serialize(value);
      if (raw.length < plainUpTo) {
        this.ctx.stats.add('uncompressedBytesOut', raw.length);
        return encodeEnvelope({ codec: 'none', serializerId: serializer.id, softExpiresAt, payload: raw });
      }
      return this.compressed(raw, softExpiresAt);
    } catch (cause) {
      return this.unencodable(cause);
    }
  }

  /** Compresses `raw` (at or above the threshold); kept uncompressed when that is not smaller. */
  private compressed(raw: Buffer, softExpiresAt: number): Promise<Buffer | undefined> {
    const { serializer, compression } = this.ctx.options;
    const id = serializer.id;
    this.ctx.stats.add('uncompressedBytesOut', raw.length);
    return compress(compression.codec, raw, compression.level).then(
      (packed) =>
        packed.length < raw.length
          ? encodeEnvelope({ codec: compression.codec, serializerId: id, softExpiresAt, payload: packed })
          : encodeEnvelope({ codec: 'none', serializerId: id, softExpiresAt, payload: raw }),
      (cause: unknown) => this.unencodable(cause),
    );
  }

  /** Stores `value` for (jittered) `ttlMs`, kept in Redis through the stale and grace windows. */
  async write(key: string, value: unknown, ttlMs: number = this.ctx.options.ttlMs): Promise<boolean> {
    const { options, now, random, client, guard, namespace } = this.ctx;
    const freshMs = jitteredTtl(ttlMs, options.jitter, random);
    const encoded = this.encode(value, now() + freshMs);
    const bytes = encoded instanceof Promise ? await encoded : encoded;
    if (!bytes) return false;
    const generation = this.generation ?? (await this.writeGeneration());
    if (generation === undefined) return false;
    const px = freshMs + Math.max(options.staleWhileRevalidateMs, options.graceMs);
    const valueKey = this.valueKey(generation, key);
    const set = await guard.run(namespace, 'write', () => client.set(valueKey, bytes, { px }));
    if (!set.ok) {
      this.failed(set.error);
      return false;
    }
    this.ctx.stats.add('bytesOut', bytes.length);
    return true;
  }

  /** Removes `key` in the current generation; `true` when something was removed. */
  async delete(key: string): Promise<boolean> {
    const generation = await this.writeGeneration();
    if (generation === undefined) return false;
    const removed = await this.call('delete', () =>
      this.ctx.client.unlink([this.ctx.keys.value(generation, key)]),
    );
    return removed.ok && removed.value > 0;
  }

  /** Bumps the generation (O(1)); old entries become unreachable and expire on their own. */
  async invalidate(): Promise<boolean> {
    const bumped = await this.call('invalidate', () => this.ctx.client.incr(this.ctx.keys.generation));
    if (bumped.ok) {
      this.generation = String(bumped.value);
      this.generationSeenAt = this.ctx.now();
    }
    return bumped.ok;
  }

  /** SCAN + UNLINK of every key of the namespace; `complete` is `false` when Redis failed midway. */
  async clear(): Promise<{ removed: number; complete: boolean }> {
    const iterator = this.ctx.client.scan(this.ctx.keys.pattern, SCAN_COUNT)[Symbol.asyncIterator]();
    let removed = 0;
    for (;;) {
      const step = await this.call('clear', () => iterator.next());
      if (!step.ok) {
        iterator.return?.()?.catch(() => undefined);
        return { removed, complete: false };
      }
      if (step.value.done) break;
      const batch = step.value.value;
      const unlinked = await this.call('clear', () => this.ctx.client.unlink(batch));
      if (!unlinked.ok) return { removed, complete: false };
      removed += unlinked.value;
    }
    this.generation = undefined;
    this.generationSeenAt = Number.NEGATIVE_INFINITY;
    return { removed, complete: true };
  }

  /** The lock key for `key` in `generation`. */
  lockKey(generation: string, key: string): string {
    return this.ctx.keys.lock(generation, key);
  }
}
