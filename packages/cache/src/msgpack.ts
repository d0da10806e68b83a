import { decodeMsgpack } from './msgpack-decode';
import type { Serializer } from './serializers';

/**
 * A MessagePack serialiser with no dependency (https://github.com/msgpack/msgpack/blob/master/spec.md).
 * Smaller and faster to parse than JSON for numeric data, and it round-trips what JSON cannot:
 * `Buffer`/`Uint8Array` (bin), `Date` (timestamp extension -1), `bigint` (int64/uint64) and `-0`.
 * `undefined` object properties are dropped, as JSON does; `undefined` array items become `null`.
 *
 * @example
 * ```ts
 * const cache = createCache({ client, defaults: { serializer: msgpackSerializer } });
 * ```
 */
export const msgpackSerializer: Serializer = {
  id: 2,
  name: 'msgpack',
  serialize: (value) => encodeMsgpack(value),
  deserialize: (bytes) => decodeMsgpack(bytes),
};

class Writer {
  buf = Buffer.allocUnsafe(256);
  len = 0;

  reserve(n: number): number {
    if (this.len + n > this.buf.length) {
      const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + n));
      this.buf.copy(next, 0, 0, this.len);
      this.buf = next;
    }
    const at = this.len;
    this.len += n;
    return at;
  }
  // Each writer reserves first: `reserve` may swap `buf` for a bigger one.
  u8(v: number): void {
    const at = this.reserve(1);
    this.buf[at] = v;
  }
  uint(v: number, width: 1 | 2 | 4): void {
    const at = this.reserve(width);
    this.buf.writeUIntBE(v, at, width);
  }
  int(v: number, width: 1 | 2 | 4): void {
    const at = this.reserve(width);
    this.buf.writeIntBE(v, at, width);
  }
  f64(v: number): void {
    const at = this.reserve(8);
    this.buf.writeDoubleBE(v, at);
  }
  big(v: bigint, signed: boolean): void {
    const at = this.reserve(8);
    if (signed) this.buf.writeBigInt64BE(v, at);
    else this.buf.writeBigUInt64BE(v, at);
  }
  head(tag: number, v: number, width: 1 | 2 | 4): void {
    this.u8(tag);
    this.uint(v, width);
  }
  bytes(b: Uint8Array): void {
    const at = this.reserve(b.length);
    this.buf.set(b, at);
  }
  utf8(v: string, length: number): void {
    const at = this.reserve(length);
    this.buf.write(v, at, length, 'utf8');
  }
}

function sized(
  w: Writer,
  n: number,
  fix: [number, number] | undefined,
  tags: [number, number, number],
): void {
  if (fix && n < fix[1]) w.u8(fix[0] | n);
  else if (n < 0x100 && tags[0] !== 0) w.head(tags[0], n, 1);
  else if (n < 0x10000) w.head(tags[1], n, 2);
  else w.head(tags[2], n, 4);
}

function writeInt(w: Writer, v: number): void {
  if (v >= 0 && v < 0x80) w.u8(v);
  else if (v < 0 && v >= -32) w.u8(v & 0xff);
  else if (v >= 0 && v <= 0xffffffff) sized(w, v, undefined, [0xcc, 0xcd, 0xce]);
  else if (v >= -0x80000000 && v < 0) {
    const width = v >= -0x80 ? 1 : v >= -0x8000 ? 2 : 4;
    w.u8(width === 1 ? 0xd0 : width === 2 ? 0xd1 : 0xd2);
    w.int(v, width);
  } else writeBigInt(w, BigInt(v));
}

function writeBigInt(w: Writer, v: bigint): void {
  if (v >= 0n) {
    if (v > 0xffffffffffffffffn) throw new RangeError(`bigint ${v} does not fit in uint64`);
    w.u8(0xcf);
    w.big(v, false);
  } else {
    if (v < -0x8000000000000000n) throw new RangeError(`bigint ${v} does not fit in int64`);
    w.u8(0xd3);
    w.big(v, true);
  }
}

function writeDate(w: Writer, date: Date): void {
  const ms = date.getTime();
  if (Number.isNaN(ms)) throw new RangeError('Invalid Date');
  const seconds = Math.floor(ms / 1000);
  const nanos = (ms - seconds * 1000) * 1_000_000;
  if (nanos === 0 && seconds >= 0 && seconds <= 0xffffffff) {
    w.u8(0xd6);
    w.u8(0xff);
    w.uint(seconds, 4);
  } else if (seconds >= 0 && seconds < 2 ** 34) {
    w.u8(0xd7);
    w.u8(0xff);
    w.uint(nanos * 4 + Math.floor(seconds / 2 ** 32), 4);
    w.uint(seconds >>> 0, 4);
  } else {
    w.head(0xc7, 12, 1);
    w.u8(0xff);
    w.uint(nanos, 4);
    w.big(BigInt(seconds), true);
  }
}

function write(w: Writer, v: unknown, depth: number): void {
  if (depth > 512) throw new RangeError('value nests deeper than 512 levels (a cycle?)');
  if (v === null || v === undefined) w.u8(0xc0);
  else if (typeof v === 'boolean') w.u8(v ? 0xc3 : 0xc2);
  else if (typeof v === 'number') {
    if (Number.isSafeInteger(v) && !Object.is(v, -0)) writeInt(w, v);
    else {
      w.u8(0xcb);
      w.f64(v);
    }
  } else if (typeof v === 'bigint') writeBigInt(w, v);
  else if (typeof v === 'string') {
    const bytes = Buffer.byteLength(v, 'utf8');
    sized(w, bytes, [0xa0, 32], [0xd9, 0xda, 0xdb]);
    w.utf8(v, bytes);
  } else if (v instanceof Uint8Array) {
    sized(w, v.length, undefined, [0xc4, 0xc5, 0xc6]);
    w.bytes(v);
  } else if (v instanceof Date) writeDate(w, v);
  else if (Array.isArray(v)) {
    sized(w, v.length, [0x90, 16], [0, 0xdc, 0xdd]);
    for (const item of v) write(w, item, depth + 1);
  } else if (typeof v === 'object') {
    const entries = Object.entries(v).filter(([, item]) => item !== undefined);
    sized(w, entries.length, [0x80, 16], [0, 0xde, 0xdf]);
    for (const [key, item] of entries) {
      write(w, key, depth + 1);
      write(w, item, depth + 1);
    }
  } else throw new TypeError(`MessagePack cannot represent a value of type ${typeof v}`);
}

/** Encodes one value as MessagePack. */
export function encodeMsgpack(value: unknown): Buffer {
  const w = new Writer();
  write(w, value, 0);
  return w.buf.subarray(0, w.len);
}

export { decodeMsgpack };
