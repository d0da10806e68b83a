import { CacheValueError } from './errors';

/** What a serialiser stores faithfully beyond JSON's strings, finite numbers, booleans, null, arrays and plain objects. */
export interface Representable {
  /** `Date` (valid ones). */
  readonly date: boolean;
  /** `Uint8Array` and `Buffer`. */
  readonly binary: boolean;
  readonly bigint: boolean;
  /** `NaN`, `Infinity`, `-Infinity`. */
  readonly nonFinite: boolean;
  /** An own property named `__proto__` (as `JSON.parse` makes one); MessagePack decoders refuse it. */
  readonly protoKey: boolean;
}

const MAX_DEPTH = 256;

function describe(value: object): string {
  const ctor = Object.getPrototypeOf(value)?.constructor;
  return typeof ctor === 'function' && ctor.name ? `a ${ctor.name}` : 'an object with a custom prototype';
}

function hint(kinds: Representable): string {
  return kinds.date ? '' : ' (msgpackSerializer stores Date, Uint8Array, bigint and NaN)';
}

/**
 * Throws unless `value` reads back equal after a round trip through a serialiser that stores
 * `kinds`: no silent `Map` → `{}`, `Date` → string, `NaN` → `null`. Properties whose value is
 * `undefined` are allowed (they read back as absent, which reads the same); `undefined` anywhere
 * else is not.
 * @throws CacheValueError naming the path of the first offending part.
 */
export function assertRepresentable(value: unknown, kinds: Representable, path = '$', depth = 0): void {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return;
    case 'number':
      if (!kinds.nonFinite && !Number.isFinite(value))
        throw new CacheValueError(path, `${value} would read back as null${hint(kinds)}`);
      return;
    case 'bigint':
      if (!kinds.bigint) throw new CacheValueError(path, `a bigint cannot be stored${hint(kinds)}`);
      return;
    case 'undefined':
      throw new CacheValueError(path, 'undefined cannot be stored: use null, or delete() the key');
    case 'function':
    case 'symbol':
      throw new CacheValueError(path, `a ${typeof value} cannot be stored`);
  }
  if (value === null) return;
  if (depth >= MAX_DEPTH)
    throw new CacheValueError(path, `nested deeper than ${MAX_DEPTH} levels, or circular`);
  const object = value as object;
  if (Array.isArray(object)) {
    for (let i = 0; i < object.length; i++) {
      const item: unknown = object[i];
      if (item === undefined) throw new CacheValueError(`${path}[${i}]`, 'undefined would read back as null');
      if (typeof item !== 'string' && typeof item !== 'boolean')
        assertRepresentable(item, kinds, `${path}[${i}]`, depth + 1);
    }
    return;
  }
  const proto: unknown = Object.getPrototypeOf(object);
  if (proto === Object.prototype || proto === null) {
    if (!kinds.protoKey && Object.prototype.hasOwnProperty.call(object, '__proto__'))
      throw new CacheValueError(`${path}.__proto__`, 'a property named __proto__ would not read back');
    for (const name in object) {
      const item: unknown = (object as Record<string, unknown>)[name];
      if (item !== undefined && typeof item !== 'string' && typeof item !== 'boolean')
        assertRepresentable(item, kinds, `${path}.${name}`, depth + 1);
    }
    return;
  }
  if (object instanceof Date) {
    if (!kinds.date) throw new CacheValueError(path, `a Date would read back as a string${hint(kinds)}`);
    if (Number.isNaN(object.getTime())) throw new CacheValueError(path, 'an invalid Date cannot be stored');
    return;
  }
  if (object instanceof Uint8Array) {
    if (!kinds.binary)
      throw new CacheValueError(path, `${describe(object)} would not read back as bytes${hint(kinds)}`);
    return;
  }
  throw new CacheValueError(path, `${describe(object)} would read back as a plain object or not at all`);
}
