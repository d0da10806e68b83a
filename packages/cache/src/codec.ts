import { compress, decompress } from './compression';
import {
  decodeEnvelope,
  ENVELOPE_HEADER_BYTES,
  encodeEnvelope,
  isPlainEnvelope,
  isUnknownVersion,
  plainEnvelopeSerializerId,
  plainEnvelopeSoftExpiry,
  type TagVersion,
  writeEnvelopeHeader,
} from './envelope';
import { CacheValueError } from './errors';
import type { ResolvedNamespaceOptions } from './options';
import { jsonSerializer, jsonText, RETIRED_SERIALIZER_IDS, type Serializer } from './serializers';

/** A decoded entry. */
export interface StoredEntry {
  /** `undefined` for a negative entry. */
  readonly value: unknown;
  /** The serialised value (uncompressed), for an L1 that hands out copies; `undefined` for a negative entry. */
  readonly bytes: Buffer | undefined;
  readonly serializer: Serializer;
  /** Epoch ms after which the value is stale; `undefined` for entries without one (legacy JSON). */
  readonly softExpiresAt: number | undefined;
  readonly refreshAt: number | undefined;
  /** A cached "no value". */
  readonly negative: boolean;
  readonly tags: readonly TagVersion[];
}

/** What to store for one key. */
export interface EntryToEncode {
  /** Ignored when `negative`. */
  readonly value: unknown;
  readonly negative: boolean;
  readonly softExpiresAt: number;
  readonly refreshAt: number | undefined;
  readonly tags: readonly TagVersion[];
}

/** The result of decoding: an entry, a miss to report (`undecodable`), or a silent miss. */
export type Decoded = StoredEntry | { readonly undecodable: unknown } | undefined;

/** Byte counts of one encoded entry, for the stats. */
export interface Encoded {
  readonly bytes: Buffer;
  readonly uncompressedBytes: number;
}

/**
 * Encodes and decodes the entries of one namespace: serialiser, compression above the threshold,
 * the envelope. Synchronous unless a payload is compressed, so the common small-value path does not
 * wait a turn.
 */
export class EntryCodec {
  private readonly options: ResolvedNamespaceOptions;
  private readonly serializers: ReadonlyMap<number, Serializer>;

  constructor(options: ResolvedNamespaceOptions, serializers: ReadonlyMap<number, Serializer>) {
    this.options = options;
    this.serializers = serializers;
  }

  /**
   * @throws CacheValueError when the serialiser cannot store the value faithfully. A compression
   * failure rejects the returned promise with the codec's error.
   */
  encode(entry: EntryToEncode): Encoded | Promise<Encoded> {
    const { serializer, compression } = this.options;
    const extended = entry.negative || entry.refreshAt !== undefined || entry.tags.length > 0;
    const envelope = { serializerId: serializer.id, softExpiresAt: entry.softExpiresAt };
    if (entry.negative) {
      const bytes = encodeEnvelope({
        ...envelope,
        codec: 'none',
        payload: Buffer.alloc(0),
        negative: true,
        tags: entry.tags,
      });
      return { bytes, uncompressedBytes: 0 };
    }
    const plainUpTo = compression.codec === 'none' ? Number.POSITIVE_INFINITY : compression.thresholdBytes;
    if (serializer === jsonSerializer && !extended) {
      // JSON text goes straight into the envelope: no intermediate Buffer, no copy.
      const text = jsonText(entry.value);
      const length = Buffer.byteLength(text, 'utf8');
      if (length < plainUpTo) {
        const bytes = Buffer.allocUnsafe(ENVELOPE_HEADER_BYTES + length);
        writeEnvelopeHeader(bytes, 'none', serializer.id, entry.softExpiresAt);
        bytes.write(text, ENVELOPE_HEADER_BYTES, length, 'utf8');
        return { bytes, uncompressedBytes: length };
      }
      return this.compressed(Buffer.from(text, 'utf8'), entry);
    }
    const raw = this.serialize(serializer, entry.value);
    if (raw.length < plainUpTo) {
      const bytes = encodeEnvelope({ ...envelope, codec: 'none', payload: raw, ...this.extras(entry) });
      return { bytes, uncompressedBytes: raw.length };
    }
    return this.compressed(raw, entry);
  }

  private extras(entry: EntryToEncode) {
    return { refreshAt: entry.refreshAt, tags: entry.tags };
  }

  private serialize(serializer: Serializer, value: unknown): Buffer {
    try {
      return serializer.serialize(value);
    } catch (cause) {
      if (cause instanceof CacheValueError) throw cause;
      throw new CacheValueError(
        '$',
        `${serializer.name} cannot serialise it: ${(cause as Error)?.message ?? cause}`,
      );
    }
  }

  /** Compresses `raw` (at or above the threshold); kept uncompressed when that is not smaller. */
  private async compressed(raw: Buffer, entry: EntryToEncode): Promise<Encoded> {
    const { serializer, compression } = this.options;
    const packed = await compress(compression.codec, raw, compression.level);
    const smaller = packed.length < raw.length;
    const bytes = encodeEnvelope({
      codec: smaller ? compression.codec : 'none',
      serializerId: serializer.id,
      softExpiresAt: entry.softExpiresAt,
      payload: smaller ? packed : raw,
      ...this.extras(entry),
    });
    return { bytes, uncompressedBytes: raw.length };
  }

  /** Synchronous unless the payload is compressed. */
  decode(bytes: Buffer): Decoded | Promise<Decoded> {
    try {
      if (isPlainEnvelope(bytes)) {
        // The common case, without an intermediate Envelope object.
        const id = plainEnvelopeSerializerId(bytes);
        const softExpiresAt = plainEnvelopeSoftExpiry(bytes);
        const payload = bytes.subarray(ENVELOPE_HEADER_BYTES);
        if (id === jsonSerializer.id) {
          const value: unknown = JSON.parse(bytes.toString('utf8', ENVELOPE_HEADER_BYTES));
          return this.entry(value, payload, jsonSerializer, softExpiresAt);
        }
        if (RETIRED_SERIALIZER_IDS.has(id)) return undefined;
        const serializer = this.serializer(id);
        return this.entry(serializer.deserialize(payload), payload, serializer, softExpiresAt);
      }
      const envelope = decodeEnvelope(bytes);
      if (isUnknownVersion(envelope) || RETIRED_SERIALIZER_IDS.has(envelope.serializerId)) return undefined;
      const serializer = this.serializer(envelope.serializerId);
      const { softExpiresAt, refreshAt, tags } = envelope;
      if (envelope.negative) {
        return {
          value: undefined,
          bytes: undefined,
          serializer,
          softExpiresAt,
          refreshAt,
          negative: true,
          tags,
        };
      }
      const finish = (payload: Buffer): StoredEntry => ({
        ...this.entry(serializer.deserialize(payload), payload, serializer, softExpiresAt),
        refreshAt,
        tags,
      });
      if (envelope.codec === 'none') return finish(envelope.payload);
      return decompress(envelope.codec, envelope.payload).then(finish, (cause: unknown) => ({
        undecodable: cause,
      }));
    } catch (cause) {
      return { undecodable: cause };
    }
  }

  private entry(
    value: unknown,
    bytes: Buffer,
    serializer: Serializer,
    softExpiresAt: number | undefined,
  ): StoredEntry {
    return { value, bytes, serializer, softExpiresAt, refreshAt: undefined, negative: false, tags: [] };
  }

  /** @throws Error when no serialiser is registered under `id`. */
  private serializer(id: number): Serializer {
    const serializer = this.serializers.get(id);
    if (!serializer) throw new Error(`no serialiser registered with id ${id}`);
    return serializer;
  }
}
