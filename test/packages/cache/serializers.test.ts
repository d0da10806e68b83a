import { CacheConfigError, CacheValueError, jsonSerializer, msgpackSerializer } from '@misybot-ha/cache';
import fc from 'fast-check';
import { serializerRegistry } from '../../../packages/cache/src/serializers';

const roundTrip = (serializer: typeof jsonSerializer, value: unknown) =>
  serializer.deserialize(serializer.serialize(value));

describe('jsonSerializer', () => {
  it('round-trips JSON values', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        // -0 is JSON's 0: the one JSON value that reads back as an equal but not identical number.
        expect(roundTrip(jsonSerializer, value)).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });

  it.each([
    ['a Map', new Map([['a', 1]]), '$', /Map would read back/],
    ['a Set inside an object', { s: new Set([1]) }, '$.s', /Set would read back/],
    ['a Date', { at: new Date(0) }, '$.at', /Date would read back as a string/],
    ['NaN', [1, Number.NaN], '$[1]', /NaN would read back as null/],
    ['Infinity', { x: Number.POSITIVE_INFINITY }, '$.x', /Infinity would read back as null/],
    ['a bigint', { n: 1n }, '$.n', /bigint cannot be stored/],
    ['undefined in an array', [1, undefined], '$[1]', /undefined would read back as null/],
    ['undefined itself', undefined, '$', /undefined cannot be stored/],
    ['a function', { f: () => 1 }, '$.f', /function cannot be stored/],
    ['a class instance', { u: new (class User {})() }, '$.u', /a User would read back as a plain object/],
    ['a Buffer', Buffer.from('x'), '$', /Buffer would not read back as bytes/],
  ])('refuses %s with CacheValueError naming where it is', (_, value, path, message) => {
    let error: unknown;
    try {
      jsonSerializer.serialize(value);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(CacheValueError);
    expect((error as CacheValueError).path).toBe(path);
    expect((error as Error).message).toMatch(message);
  });

  it('drops properties whose value is undefined, which read back the same', () => {
    expect(roundTrip(jsonSerializer, { a: 1, b: undefined })).toEqual({ a: 1 });
  });

  it('refuses a circular value instead of overflowing the stack', () => {
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    expect(() => jsonSerializer.serialize(loop)).toThrow(/deeper than 256 levels, or circular/);
  });
});

describe('msgpackSerializer (@msgpack/msgpack)', () => {
  const hasProtoKey = (value: unknown): boolean =>
    typeof value === 'object' &&
    value !== null &&
    (Object.hasOwn(value, '__proto__') || Object.values(value).some(hasProtoKey));

  it('round-trips JSON values without a __proto__ key', () => {
    fc.assert(
      fc.property(
        fc.jsonValue().filter((value) => !hasProtoKey(value)),
        (value) => {
          expect(roundTrip(msgpackSerializer, value)).toEqual(JSON.parse(JSON.stringify(value)));
        },
      ),
    );
  });

  it('refuses on write a __proto__ key, which the decoder would refuse on read', () => {
    const value = JSON.parse('{"a":[{"__proto__":[]}]}');
    expect(() => msgpackSerializer.serialize(value)).toThrow(
      expect.objectContaining({ name: 'CacheValueError', path: '$.a[0].__proto__' }),
    );
    expect(roundTrip(jsonSerializer, value)).toEqual(value);
  });

  it('round-trips what JSON cannot: bytes, dates, big integers, non-finite numbers', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 70_000 }),
        fc.date({ min: new Date(-1e14), max: new Date(1e14), noInvalidDate: true }),
        fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
        (bytes, date, big) => {
          const decoded = roundTrip(msgpackSerializer, { bytes, date, big, nan: Number.NaN }) as Record<
            string,
            unknown
          >;
          expect(decoded.bytes).toEqual(bytes);
          expect(decoded.date).toEqual(date);
          expect(decoded.big).toBe(big);
          expect(decoded.nan).toBeNaN();
        },
      ),
      { numRuns: 50 },
    );
  });

  it('reads integers beyond 32 bits back as numbers, not bigint', () => {
    expect(roundTrip(msgpackSerializer, [2 ** 40, -(2 ** 40), Number.MAX_SAFE_INTEGER])).toEqual([
      2 ** 40,
      -(2 ** 40),
      Number.MAX_SAFE_INTEGER,
    ]);
  });

  it('refuses a Map, which MessagePack would read back as an object', () => {
    expect(() => msgpackSerializer.serialize({ m: new Map() })).toThrow(CacheValueError);
  });

  it('rejects truncated data', () => {
    expect(() => msgpackSerializer.deserialize(Buffer.from('92c3', 'hex'))).toThrow();
  });
});

describe('serializer ids', () => {
  it('registers JSON as 1 and MessagePack as 3', () => {
    expect(jsonSerializer.id).toBe(1);
    expect(msgpackSerializer.id).toBe(3);
    expect([...serializerRegistry().keys()]).toEqual([1, 3]);
  });

  it('refuses a custom serialiser on the retired id 2 or on a taken id', () => {
    const custom = (id: number) => ({
      id,
      name: `s${id}`,
      serialize: () => Buffer.alloc(0),
      deserialize: () => 0,
    });
    expect(() => serializerRegistry([custom(2)])).toThrow(CacheConfigError);
    expect(() => serializerRegistry([custom(3)])).toThrow(/reuses id 3 of "msgpack"/);
    expect(serializerRegistry([custom(16)]).get(16)?.name).toBe('s16');
  });
});
