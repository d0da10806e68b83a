import { CODEC_IDS, type CodecName, codecById } from './compression';

/**
 * The binary envelope every value is stored in (version 1, 10-byte header, big-endian):
 *
 * ```
 * byte 0     version        1
 * byte 1     codec          0 none, 1 gzip, 2 deflate, 3 brotli, 4 zstd
 * byte 2     serialiser id  1 json, 2 msgpack, 16-255 your own
 * byte 3     flags          reserved, 0 (readers ignore bits they do not know)
 * bytes 4-9  soft expiry    epoch milliseconds, unsigned 48-bit; 0 = none
 * bytes 10-  payload        serialised value, compressed with `codec`
 * ```
 *
 * Versions are 1-8, bytes no JSON text can start with. A value whose first byte is a JSON start
 * (`{ [ " - 0-9 t f n` or whitespace) is read as a version-0 entry: plain JSON written before the
 * envelope existed (by an earlier release or another client). Unknown versions decode as
 * {@link UnknownEnvelopeVersion} so an older reader treats a newer entry as a miss, not an error.
 */
export const ENVELOPE_VERSION = 1;
/** Bytes before the payload in a version-1 envelope. */
export const ENVELOPE_HEADER_BYTES = 10;
const MAX_VERSION = 8;
const MAX_UINT48 = 2 ** 48 - 1;
const JSON_START = /^[\s{["\-0-9tfn]$/;

/** One decoded (or to-be-encoded) entry; the payload is still compressed. */
export interface Envelope {
  readonly version: number;
  readonly codec: CodecName;
  readonly serializerId: number;
  /** Epoch ms after which the value is stale; `undefined` = fresh until Redis expires it. */
  readonly softExpiresAt: number | undefined;
  readonly payload: Buffer;
}

/** Returned for an envelope version this release does not know (written by a newer release). */
export interface UnknownEnvelopeVersion {
  readonly version: number;
  readonly unknown: true;
}

/** Thrown for bytes that are neither an envelope nor legacy JSON. */
export class EnvelopeFormatError extends Error {
  override readonly name = 'EnvelopeFormatError';
}

/**
 * Writes a current-version header into the first {@link ENVELOPE_HEADER_BYTES} of `out` (the payload
 * goes after it), so a caller can serialise straight into the final buffer instead of copying.
 * @throws RangeError when `softExpiresAt` is not a 48-bit epoch millisecond.
 */
export function writeEnvelopeHeader(
  out: Buffer,
  codec: CodecName,
  serializerId: number,
  softExpiresAt: number | undefined,
): void {
  const expires = softExpiresAt ?? 0;
  if (!Number.isInteger(expires) || expires < 0 || expires > MAX_UINT48) {
    throw new RangeError(`soft expiry ${expires} is not an epoch millisecond in the 48-bit range`);
  }
  out[0] = ENVELOPE_VERSION;
  out[1] = CODEC_IDS[codec];
  out[2] = serializerId;
  out[3] = 0;
  out.writeUIntBE(expires, 4, 6);
}

/** Serialises an envelope at the current version. */
export function encodeEnvelope(entry: Omit<Envelope, 'version'>): Buffer {
  const out = Buffer.allocUnsafe(ENVELOPE_HEADER_BYTES + entry.payload.length);
  writeEnvelopeHeader(out, entry.codec, entry.serializerId, entry.softExpiresAt);
  entry.payload.copy(out, ENVELOPE_HEADER_BYTES);
  return out;
}

/**
 * Whether `bytes` is a current-version envelope with an uncompressed payload: the common small-value
 * case, which a reader can take apart with {@link plainEnvelopeSerializerId} and
 * {@link plainEnvelopeSoftExpiry} without building an
 * {@link Envelope}.
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

/**
 * Parses stored bytes.
 * @throws EnvelopeFormatError when the bytes are truncated, use an unknown codec or are not JSON-like.
 */
export function decodeEnvelope(bytes: Buffer): Envelope | UnknownEnvelopeVersion {
  const version = bytes[0];
  if (version === undefined) throw new EnvelopeFormatError('empty value');
  if (version === ENVELOPE_VERSION) {
    if (bytes.length < ENVELOPE_HEADER_BYTES)
      throw new EnvelopeFormatError(`truncated header: ${bytes.length} bytes`);
    const codec = codecById(bytes[1]!);
    if (codec === undefined) throw new EnvelopeFormatError(`unknown codec id ${bytes[1]}`);
    const expires = bytes.readUIntBE(4, 6);
    return {
      version,
      codec,
      serializerId: bytes[2]!,
      softExpiresAt: expires === 0 ? undefined : expires,
      payload: bytes.subarray(ENVELOPE_HEADER_BYTES),
    };
  }
  if (version >= 1 && version <= MAX_VERSION) return { version, unknown: true };
  if (JSON_START.test(String.fromCharCode(version))) {
    return { version: 0, codec: 'none', serializerId: 1, softExpiresAt: undefined, payload: bytes };
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
