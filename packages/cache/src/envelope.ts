import { CODEC_IDS, type CodecName, codecById } from './compression';

/**
 * The binary envelope every value is stored in (big-endian). Version 1, a 10-byte header, is what a
 * plain entry uses:
 *
 * ```
 * byte 0     version        1
 * byte 1     codec          0 none, 1 gzip, 2 deflate, 3 brotli, 4 zstd
 * byte 2     serialiser id  1 json, 3 msgpack, 16-255 your own
 * byte 3     flags          reserved, 0 (readers ignore bits they do not know)
 * bytes 4-9  soft expiry    epoch milliseconds, unsigned 48-bit; 0 = none
 * bytes 10-  payload        serialised value, compressed with `codec`
 * ```
 *
 * Version 2 is written only for entries that need more: a negative entry (no value), a refresh-ahead
 * point, or tags. Releases that only know version 1 read it as a miss.
 *
 * ```
 * bytes 0-9    as version 1, byte 0 = 2; flags bit 0 = no value (negative entry, empty payload)
 * bytes 10-15  refresh-ahead point, epoch ms, unsigned 48-bit; 0 = none
 * byte 16      tag count n (0-255)
 * n times      u8 tag length, tag (UTF-8), u8 version length, version (ASCII digits)
 * then         payload
 * ```
 *
 * Versions are 1-8, bytes no JSON text can start with. A value whose first byte is a JSON start
 * (`{ [ " - 0-9 t f n` or whitespace) is read as a version-0 entry: plain JSON written before the
 * envelope existed (by an earlier release or another client). Unknown versions decode as
 * {@link UnknownEnvelopeVersion} so an older reader treats a newer entry as a miss, not an error.
 */
export const ENVELOPE_VERSION = 1;
/** The version written for entries with tags, a refresh-ahead point or no value. */
export const ENVELOPE_VERSION_EXTENDED = 2;
/** Bytes before the payload in a version-1 envelope. */
export const ENVELOPE_HEADER_BYTES = 10;
const EXTENDED_FIXED_BYTES = 17;
const NEGATIVE_FLAG = 1;
const MAX_VERSION = 8;
const MAX_UINT48 = 2 ** 48 - 1;
const JSON_START = /^[\s{["\-0-9tfn]$/;

/** A tag of an entry with the tag's version when the entry was written. */
export interface TagVersion {
  readonly tag: string;
  /** Decimal digits: the value of the tag's counter in Redis, `0` while it has never been invalidated. */
  readonly version: string;
}

/** One decoded (or to-be-encoded) entry; the payload is still compressed. */
export interface Envelope {
  readonly version: number;
  readonly codec: CodecName;
  readonly serializerId: number;
  /** Epoch ms after which the value is stale; `undefined` = fresh until Redis expires it. */
  readonly softExpiresAt: number | undefined;
  /** Epoch ms after which a hit starts a background refresh (refresh-ahead); `undefined` = none. */
  readonly refreshAt: number | undefined;
  /** `true` for a cached "no value" (negative caching); the payload is empty. */
  readonly negative: boolean;
  readonly tags: readonly TagVersion[];
  readonly payload: Buffer;
}

/** What {@link encodeEnvelope} takes: the version follows from the fields. */
export type EnvelopeInput = Omit<Envelope, 'version' | 'refreshAt' | 'negative' | 'tags'> &
  Partial<Pick<Envelope, 'refreshAt' | 'negative' | 'tags'>>;

/** Returned for an envelope version this release does not know (written by a newer release). */
export interface UnknownEnvelopeVersion {
  readonly version: number;
  readonly unknown: true;
}

/** Thrown for bytes that are neither an envelope nor legacy JSON. */
export class EnvelopeFormatError extends Error {
  override readonly name = 'EnvelopeFormatError';
}

function epochMs(value: number | undefined, what: string): number {
  const ms = value ?? 0;
  if (!Number.isInteger(ms) || ms < 0 || ms > MAX_UINT48) {
    throw new RangeError(`${what} ${ms} is not an epoch millisecond in the 48-bit range`);
  }
  return ms;
}

/**
 * Writes a version-1 header into the first {@link ENVELOPE_HEADER_BYTES} of `out` (the payload
 * goes after it), so a caller can serialise straight into the final buffer instead of copying.
 * @throws RangeError when `softExpiresAt` is not a 48-bit epoch millisecond.
 */
export function writeEnvelopeHeader(
  out: Buffer,
  codec: CodecName,
  serializerId: number,
  softExpiresAt: number | undefined,
): void {
  const expires = epochMs(softExpiresAt, 'soft expiry');
  out[0] = ENVELOPE_VERSION;
  out[1] = CODEC_IDS[codec];
  out[2] = serializerId;
  out[3] = 0;
  out.writeUIntBE(expires, 4, 6);
}

/** Whether `entry` needs a version-2 envelope. */
function isExtended(entry: EnvelopeInput): boolean {
  return entry.negative === true || entry.refreshAt !== undefined || (entry.tags?.length ?? 0) > 0;
}

function extendedHeader(entry: EnvelopeInput): Buffer {
  const tags = entry.tags ?? [];
  if (tags.length > 255) throw new RangeError(`${tags.length} tags, at most 255`);
  const parts = tags.map(({ tag, version }) => {
    const name = Buffer.from(tag, 'utf8');
    if (name.length > 255 || version.length > 255 || !/^\d+$/.test(version))
      throw new RangeError(`tag ${tag} (version ${version}) does not fit the envelope`);
    return Buffer.concat([
      Buffer.of(name.length),
      name,
      Buffer.of(version.length),
      Buffer.from(version, 'latin1'),
    ]);
  });
  const out = Buffer.alloc(EXTENDED_FIXED_BYTES);
  out[0] = ENVELOPE_VERSION_EXTENDED;
  out[1] = CODEC_IDS[entry.codec];
  out[2] = entry.serializerId;
  out[3] = entry.negative ? NEGATIVE_FLAG : 0;
  out.writeUIntBE(epochMs(entry.softExpiresAt, 'soft expiry'), 4, 6);
  out.writeUIntBE(epochMs(entry.refreshAt, 'refresh-ahead point'), 10, 6);
  out[16] = tags.length;
  return Buffer.concat([out, ...parts]);
}

/** Serialises an envelope: version 1 for plain entries, version 2 when it has tags, a refresh point or no value. */
export function encodeEnvelope(entry: EnvelopeInput): Buffer {
  if (isExtended(entry))
    return Buffer.concat([extendedHeader(entry), entry.negative ? Buffer.alloc(0) : entry.payload]);
  const out = Buffer.allocUnsafe(ENVELOPE_HEADER_BYTES + entry.payload.length);
  writeEnvelopeHeader(out, entry.codec, entry.serializerId, entry.softExpiresAt);
  entry.payload.copy(out, ENVELOPE_HEADER_BYTES);
  return out;
}

/**
 * Whether `bytes` is a version-1 envelope with an uncompressed payload: the common small-value case,
 * which a reader can take apart with {@link plainEnvelopeSerializerId} and
 * {@link plainEnvelopeSoftExpiry} without building an {@link Envelope}.
 */
export function isPlainEnvelope(bytes: Buffer): boolean {
  return (
    bytes.length >= ENVELOPE_HEADER_BYTES && bytes[0] === ENVELOPE_VERSION && bytes[1] === CODEC_IDS.none
  );
}

/** The serialiser id of an envelope {@link isPlainEnvelope} accepted. */
export function plainEnvelopeSerializerId(bytes: Buffer): number {
  return bytes[2]!;
}

/** The soft expiry of an envelope {@link isPlainEnvelope} accepted; `undefined` when it has none. */
export function plainEnvelopeSoftExpiry(bytes: Buffer): number | undefined {
  const expires = bytes.readUIntBE(4, 6);
  return expires === 0 ? undefined : expires;
}

function decodeExtended(bytes: Buffer, codec: CodecName): Envelope {
  if (bytes.length < EXTENDED_FIXED_BYTES)
    throw new EnvelopeFormatError(`truncated header: ${bytes.length} bytes`);
  const count = bytes[16]!;
  const tags: TagVersion[] = [];
  let at = EXTENDED_FIXED_BYTES;
  const field = (): string => {
    const length = bytes[at];
    if (length === undefined || at + 1 + length > bytes.length)
      throw new EnvelopeFormatError(`truncated tag list at byte ${at}`);
    const text = bytes.toString('utf8', at + 1, at + 1 + length);
    at += 1 + length;
    return text;
  };
  for (let i = 0; i < count; i++) tags.push({ tag: field(), version: field() });
  const soft = bytes.readUIntBE(4, 6);
  const refresh = bytes.readUIntBE(10, 6);
  return {
    version: ENVELOPE_VERSION_EXTENDED,
    codec,
    serializerId: bytes[2]!,
    softExpiresAt: soft === 0 ? undefined : soft,
    refreshAt: refresh === 0 ? undefined : refresh,
    negative: (bytes[3]! & NEGATIVE_FLAG) !== 0,
    tags,
    payload: bytes.subarray(at),
  };
}

/**
 * Parses stored bytes.
 * @throws EnvelopeFormatError when the bytes are truncated, use an unknown codec or are not JSON-like.
 */
export function decodeEnvelope(bytes: Buffer): Envelope | UnknownEnvelopeVersion {
  const version = bytes[0];
  if (version === undefined) throw new EnvelopeFormatError('empty value');
  if (version === ENVELOPE_VERSION || version === ENVELOPE_VERSION_EXTENDED) {
    if (bytes.length < ENVELOPE_HEADER_BYTES)
      throw new EnvelopeFormatError(`truncated header: ${bytes.length} bytes`);
    const codec = codecById(bytes[1]!);
    if (codec === undefined) throw new EnvelopeFormatError(`unknown codec id ${bytes[1]}`);
    if (version === ENVELOPE_VERSION_EXTENDED) return decodeExtended(bytes, codec);
    const expires = bytes.readUIntBE(4, 6);
    return {
      version,
      codec,
      serializerId: bytes[2]!,
      softExpiresAt: expires === 0 ? undefined : expires,
      refreshAt: undefined,
      negative: false,
      tags: [],
      payload: bytes.subarray(ENVELOPE_HEADER_BYTES),
    };
  }
  if (version >= 1 && version <= MAX_VERSION) return { version, unknown: true };
  if (JSON_START.test(String.fromCharCode(version))) {
    return {
      version: 0,
      codec: 'none',
      serializerId: 1,
      softExpiresAt: undefined,
      refreshAt: undefined,
      negative: false,
      tags: [],
      payload: bytes,
    };
  }
  throw new EnvelopeFormatError(
    `first byte 0x${version.toString(16)} is neither an envelope version nor JSON`,
  );
}

/** Type guard for {@link UnknownEnvelopeVersion}. */
export function isUnknownVersion(
  decoded: Envelope | UnknownEnvelopeVersion,
): decoded is UnknownEnvelopeVersion {
  return 'unknown' in decoded;
}
