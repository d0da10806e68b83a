import { CacheConfigError } from './errors';
import { msgpackSerializer } from './msgpack';

/**
 * Turns values into bytes and back. The `id` is written into every entry's envelope, so a namespace
 * can switch serialisers and still read the entries written with the previous one (as long as that
 * one stays registered through `CacheOptions.serializers`).
 *
 * Ids 1-15 are reserved for the library (1 = JSON, 2 = MessagePack); use 16-255 for your own.
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

/**
 * JSON (UTF-8). The default: readable with `redis-cli`, and `Date` becomes an ISO string like
 * everywhere else JSON is used.
 */
export const jsonSerializer: Serializer = {
  id: 1,
  name: 'json',
  serialize(value) {
    const text = JSON.stringify(value);
    if (text === undefined) throw new TypeError(`JSON cannot represent a value of type ${typeof value}`);
    return Buffer.from(text, 'utf8');
  },
  deserialize: (bytes) => JSON.parse(bytes.toString('utf8')),
};

export { msgpackSerializer };

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
    if (taken && taken !== serializer) {
      throw new CacheConfigError(
        'serializers',
        `"${serializer.name}" reuses id ${serializer.id} of "${taken.name}"`,
      );
    }
    registry.set(serializer.id, serializer);
  }
  return registry;
}
