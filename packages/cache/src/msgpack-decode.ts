/** MessagePack decoding; see {@link encodeMsgpack} for the types that round-trip. */

class Reader {
  pos = 0;
  readonly buf: Buffer;
  constructor(buf: Buffer) {
    this.buf = buf;
  }

  take(n: number): number {
    const at = this.pos;
    if (at + n > this.buf.length) throw new RangeError(`MessagePack data truncated at byte ${at}`);
    this.pos += n;
    return at;
  }
  uint(width: number): number {
    return this.buf.readUIntBE(this.take(width), width);
  }
}

function readInt64(r: Reader, signed: boolean): number | bigint {
  const at = r.take(8);
  const v = signed ? r.buf.readBigInt64BE(at) : r.buf.readBigUInt64BE(at);
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

function readExt(r: Reader, length: number): unknown {
  const type = r.buf.readInt8(r.take(1));
  if (type !== -1) {
    return { type, data: Buffer.from(r.buf.subarray(r.take(length), r.pos)) };
  }
  if (length === 4) return new Date(r.uint(4) * 1000);
  if (length === 8) {
    const hi = r.uint(4);
    const lo = r.uint(4);
    const nanos = Math.floor(hi / 4);
    return new Date(((hi % 4) * 2 ** 32 + lo) * 1000 + nanos / 1_000_000);
  }
  if (length === 12) {
    const nanos = r.uint(4);
    const seconds = Number(r.buf.readBigInt64BE(r.take(8)));
    return new Date(seconds * 1000 + nanos / 1_000_000);
  }
  throw new RangeError(`MessagePack timestamp of ${length} bytes`);
}

function readString(r: Reader, length: number): string {
  const at = r.take(length);
  return r.buf.toString('utf8', at, at + length);
}

function readArray(r: Reader, length: number, depth: number): unknown[] {
  const out = new Array<unknown>(length);
  for (let i = 0; i < length; i++) out[i] = read(r, depth + 1);
  return out;
}

function readMap(r: Reader, length: number, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = 0; i < length; i++) {
    const key = String(read(r, depth + 1));
    Object.defineProperty(out, key, {
      value: read(r, depth + 1),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

function read(r: Reader, depth: number): unknown {
  if (depth > 512) throw new RangeError('MessagePack data nests deeper than 512 levels');
  const tag = r.buf[r.take(1)]!;
  if (tag < 0x80) return tag;
  if (tag >= 0xe0) return tag - 0x100;
  if (tag <= 0x8f) return readMap(r, tag & 0x0f, depth);
  if (tag <= 0x9f) return readArray(r, tag & 0x0f, depth);
  if (tag <= 0xbf) return readString(r, tag & 0x1f);
  switch (tag) {
    case 0xc0:
      return null;
    case 0xc2:
      return false;
    case 0xc3:
      return true;
    case 0xc4:
    case 0xc5:
    case 0xc6: {
      const length = r.uint(1 << (tag - 0xc4));
      const at = r.take(length);
      return Buffer.from(r.buf.subarray(at, at + length));
    }
    case 0xc7:
    case 0xc8:
    case 0xc9:
      return readExt(r, r.uint(1 << (tag - 0xc7)));
    case 0xca:
      return r.buf.readFloatBE(r.take(4));
    case 0xcb:
      return r.buf.readDoubleBE(r.take(8));
    case 0xcc:
    case 0xcd:
    case 0xce:
      return r.uint(1 << (tag - 0xcc));
    case 0xcf:
      return readInt64(r, false);
    case 0xd0:
    case 0xd1:
    case 0xd2: {
      const width = 1 << (tag - 0xd0);
      return r.buf.readIntBE(r.take(width), width);
    }
    case 0xd3:
      return readInt64(r, true);
    case 0xd4:
    case 0xd5:
    case 0xd6:
    case 0xd7:
    case 0xd8:
      return readExt(r, 1 << (tag - 0xd4));
    case 0xd9:
    case 0xda:
    case 0xdb:
      return readString(r, r.uint(1 << (tag - 0xd9)));
    case 0xdc:
    case 0xdd:
      return readArray(r, r.uint(2 << (tag - 0xdc)), depth);
    case 0xde:
    case 0xdf:
      return readMap(r, r.uint(2 << (tag - 0xde)), depth);
    default:
      throw new RangeError(`MessagePack type 0x${tag.toString(16)} is not valid`);
  }
}

/**
 * Decodes one MessagePack value. Maps become plain objects (keys stringified), bin becomes `Buffer`,
 * timestamps become `Date`, 64-bit integers outside the safe range become `bigint`, other extension
 * types become `{ type, data }`.
 * @throws RangeError on truncated or trailing data and unknown type bytes.
 */
export function decodeMsgpack(bytes: Buffer): unknown {
  const r = new Reader(bytes);
  const value = read(r, 0);
  if (r.pos !== bytes.length)
    throw new RangeError(`${bytes.length - r.pos} bytes after the MessagePack value`);
  return value;
}
