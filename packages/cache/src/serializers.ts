import { Decoder, Encoder } from '@msgpack/msgpack';
import { CacheConfigError } from './errors';
import { assertRepresentable, type Representable } from './values';

/**
 * Turns values into bytes and back. The `id` is written into every entry's envelope, so a namespace
 * can switch serialisers and still read the entries written with the previous one (as long as that
 * one stays registered through `CacheOptions.serializers`).
 *
 * Ids 1-15 are reserved for the library (1 = JSON, 3 = MessagePack; 2 was the 0.1 hand-written
 * MessagePack, retired: its entries read as misses); use 16-255 for your own. `serialize` should
 * throw for values it cannot store faithfully; the cache then rejects the write with
 * `CacheValueError`.
 *
 * @example
 * ```ts
 * const v8Serializer: Serializer = {
 *   id: 16,
 *   name: 'v8',
 *   serialize: (value) => v8.serialize(value),
 *   deserialize: (bytes) => v8.deserialize(bytes),
 * };
 * const cache = createCache({ client, serializers: [v8Serializer], defaults: { serializer: v8Serializer } });
 * ```
 */
export interface Serializer {
  /** Written into the envelope; 1-255, unique among the registered serialisers. */
  readonly id: number;
  /** For messages and stats. */
  readonly name: string;
  serialize(value: unknown): Buffer;
  deserialize(bytes: Buffer): unknown;
}

const JSON_KINDS: Representable = {
  date: false,
  binary: false,
  bigint: false,
  nonFinite: false,
  protoKey: true,
};
// @msgpack/msgpack's decoder refuses a `__proto__` key (prototype pollution), so it is refused on write.
const MSGPACK_KINDS: Representable = {
  date: true,
  binary: true,
  bigint: true,
  nonFinite: true,
  protoKey: false,
};

/**
 * The JSON text of `value`.
 * @throws CacheValueError when JSON would not read it back the same (`Map`, `Date`, `NaN`...).
 */
export function jsonText(value: unknown): string {
  assertRepresentable(value, JSON_KINDS);
  return JSON.stringify(value);
}

/**
 * JSON (UTF-8). The default: readable with `redis-cli`. Strict: a value JSON would not read back the
 * same (`Map`, `Set`, `Date`, class instances, `NaN`, `Infinity`, `bigint`, `undefined` in an array)
 * is refused with `CacheValueError` instead of being stored as something else.
 */
export const jsonSerializer: Serializer = {
  id: 1,
  name: 'json',
  serialize: (value) => Buffer.from(jsonText(value), 'utf8'),
  deserialize: (bytes) => JSON.parse(bytes.toString('utf8')),
};

/** Id of the retired 0.1 MessagePack serialiser: its entries are read as misses. */
export const RETIRED_SERIALIZER_IDS: ReadonlySet<number> = new Set([2]);

const encoder = new Encoder({ useBigInt64: true, ignoreUndefined: true });
const decoder = new Decoder({ useBigInt64: true });

/**
 * MessagePack through `@msgpack/msgpack`. Stores what JSON cannot: `Date` (timestamp extension),
 * `Uint8Array`/`Buffer` (read back as `Uint8Array`), `bigint` (int64) and non-finite numbers. Other
 * objects (`Map`, `Set`, class instances) and a property named `__proto__` are refused with
 * `CacheValueError`. Integers beyond 32 bits
 * are written as float64 so that they read back as numbers, not `bigint`.
 *
 * @example
 * ```ts
 * const cache = createCache({ client, defaults: { serializer: msgpackSerializer } });
 * ```
 */
export const msgpackSerializer: Serializer = {
  id: 3,
  name: 'msgpack',
  serialize(value) {
    assertRepresentable(value, MSGPACK_KINDS);
    const bytes = encoder.encode(value);
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  },
  deserialize: (bytes) => decoder.decode(bytes),
};

/** The serialisers every cache can read, by id; `extra` are added (and may not reuse an id). */
export function serializerRegistry(extra: readonly Serializer[] = []): ReadonlyMap<number, Serializer> {
  const registry = new Map<number, Serializer>([
    [jsonSerializer.id, jsonSerializer],
    [msgpackSerializer.id, msgpackSerializer],
  ]);
  for (const serializer of extra) {
    const taken = registry.get(serializer.id);
    if (!Number.isInteger(serializer.id) || serializer.id < 1 || serializer.id > 255) {
      throw new CacheConfigError('serializers', `"${serializer.name}" has id ${serializer.id}, not 1-255`);
    }
    if (RETIRED_SERIALIZER_IDS.has(serializer.id) || (taken && taken !== serializer)) {
      const owner = taken ? `"${taken.name}"` : 'a retired serialiser';
      throw new CacheConfigError(
        'serializers',
        `"${serializer.name}" reuses id ${serializer.id} of ${owner}`,
      );
    }
    registry.set(serializer.id, serializer);
  }
  return registry;
}
