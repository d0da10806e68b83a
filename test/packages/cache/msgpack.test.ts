import fc from 'fast-check';
import { decodeMsgpack, encodeMsgpack } from '../../../packages/cache/src/msgpack';
import { jsonSerializer, msgpackSerializer } from '../../../packages/cache/src/serializers';

const hex = (value: unknown) => encodeMsgpack(value).toString('hex');

describe('msgpack serialiser', () => {
  it('encodes as the MessagePack spec says', () => {
    expect(hex({ a: 1 })).toBe('81a16101');
    expect(hex([true, false, null])).toBe('93c3c2c0');
    expect(hex(-1)).toBe('ff');
    expect(hex(-33)).toBe('d0df');
    expect(hex(200)).toBe('ccc8');
    expect(hex(65536)).toBe('ce00010000');
    expect(hex(-40000)).toBe('d2ffff63c0');
    expect(hex(1.5)).toBe('cb3ff8000000000000');
    expect(hex('a'.repeat(32))).toBe(`d920${'61'.repeat(32)}`);
    expect(hex(Buffer.from([1, 2]))).toBe('c4020102');
    expect(hex(new Date(1000))).toBe('d6ff00000001');
    expect(hex(2 ** 53 + 2)).toBe('cb4340000000000001');
    expect(hex(2n ** 63n)).toBe('cf8000000000000000');
  });

  it('round-trips JSON values (keeping -0, which JSON turns into 0)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(decodeMsgpack(encodeMsgpack(value))).toEqual(value);
      }),
    );
  });

  it('round-trips what JSON cannot: bytes, dates, big integers, -0', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 70_000 }),
        fc.date({ min: new Date(-1e14), max: new Date(1e14), noInvalidDate: true }),
        fc.bigInt({ min: -(2n ** 63n), max: 2n ** 64n - 1n }),
        (bytes, date, big) => {
          const decoded = decodeMsgpack(encodeMsgpack({ bytes: Buffer.from(bytes), date, big })) as Record<
            string,
            unknown
          >;
          expect(decoded.bytes).toEqual(Buffer.from(bytes));
          expect(decoded.date).toEqual(date);
          expect(BigInt(decoded.big as bigint | number)).toBe(big);
        },
      ),
      { numRuns: 50 },
    );
    expect(Object.is(decodeMsgpack(encodeMsgpack(-0)), -0)).toBe(true);
  });

  it('keeps __proto__ as an ordinary key', () => {
    const decoded = decodeMsgpack(Buffer.from('81a95f5f70726f746f5f5f01', 'hex')) as Record<string, unknown>;
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
    expect(Object.keys(decoded)).toEqual(['__proto__']);
  });

  it('rejects truncated, trailing and invalid data', () => {
    expect(() => decodeMsgpack(Buffer.from('92c3', 'hex'))).toThrow(/truncated/);
    expect(() => decodeMsgpack(Buffer.from('c3c3', 'hex'))).toThrow(/after/);
    expect(() => decodeMsgpack(Buffer.from('c1', 'hex'))).toThrow(/not valid/);
    expect(() => encodeMsgpack(() => 1)).toThrow(TypeError);
    expect(() => encodeMsgpack(2n ** 64n)).toThrow(RangeError);
  });

  it('is registered with id 2, JSON with id 1', () => {
    expect(msgpackSerializer.id).toBe(2);
    expect(jsonSerializer.id).toBe(1);
    expect(() => jsonSerializer.serialize(undefined)).toThrow(TypeError);
    expect(msgpackSerializer.deserialize(msgpackSerializer.serialize({ x: [1, 'y'] }))).toEqual({
      x: [1, 'y'],
    });
  });
});
