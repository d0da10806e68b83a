import fc from 'fast-check';
import {
  type CodecName,
  compress,
  decompress,
  isCodecAvailable,
} from '../../../packages/cache/src/compression';
import {
  decodeEnvelope,
  ENVELOPE_HEADER_BYTES,
  EnvelopeFormatError,
  encodeEnvelope,
  isUnknownVersion,
} from '../../../packages/cache/src/envelope';

const codecs: CodecName[] = (['none', 'gzip', 'deflate', 'brotli', 'zstd'] as const).filter(isCodecAvailable);
/** What a version-1 (or 0) envelope decodes to besides its own fields. */
const plain = { refreshAt: undefined, negative: false, tags: [] };

describe('envelope', () => {
  it('round-trips header fields and payload', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...codecs),
        fc.integer({ min: 1, max: 255 }),
        fc.option(fc.integer({ min: 1, max: 2 ** 48 - 1 }), { nil: undefined }),
        fc.uint8Array({ maxLength: 300 }),
        (codec, serializerId, softExpiresAt, bytes) => {
          const payload = Buffer.from(bytes);
          const decoded = decodeEnvelope(encodeEnvelope({ codec, serializerId, softExpiresAt, payload }));
          expect(decoded).toEqual({ ...plain, version: 1, codec, serializerId, softExpiresAt, payload });
        },
      ),
    );
  });

  it('keeps the documented version-1 layout (entries written by this release read forever)', () => {
    // version 1, gzip, json, flags 0, soft expiry 2023-11-14T22:13:20Z, payload "hi"
    const stored = Buffer.from('01010100018bcfe568006869', 'hex');
    expect(decodeEnvelope(stored)).toEqual({
      ...plain,
      version: 1,
      codec: 'gzip',
      serializerId: 1,
      softExpiresAt: 1_700_000_000_000,
      payload: Buffer.from('hi'),
    });
    expect(
      encodeEnvelope({
        codec: 'gzip',
        serializerId: 1,
        softExpiresAt: 1_700_000_000_000,
        payload: Buffer.from('hi'),
      }),
    ).toEqual(stored);
    expect(ENVELOPE_HEADER_BYTES).toBe(10);
  });

  it('reads plain JSON written before the envelope as version 0', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = Buffer.from(JSON.stringify(value));
        const decoded = decodeEnvelope(text);
        expect(decoded).toEqual({
          ...plain,
          version: 0,
          codec: 'none',
          serializerId: 1,
          softExpiresAt: undefined,
          payload: text,
        });
      }),
    );
  });

  it('round-trips version 2: tags, a refresh-ahead point, negative entries', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...codecs),
        fc.option(fc.integer({ min: 1, max: 2 ** 48 - 1 }), { nil: undefined }),
        fc.array(
          fc.record({
            tag: fc.string({ minLength: 1, maxLength: 60 }),
            version: fc.bigInt({ min: 0n }).map(String),
          }),
          { maxLength: 5 },
        ),
        fc.boolean(),
        fc.uint8Array({ maxLength: 100 }),
        (codec, refreshAt, tags, negative, bytes) => {
          const payload = negative ? Buffer.alloc(0) : Buffer.from(bytes);
          const entry = { codec, serializerId: 3, softExpiresAt: 5, refreshAt, negative, tags, payload };
          const extended = negative || refreshAt !== undefined || tags.length > 0;
          expect(decodeEnvelope(encodeEnvelope(entry))).toEqual({ ...entry, version: extended ? 2 : 1 });
        },
      ),
    );
  });

  it('keeps the documented version-2 layout', () => {
    const encoded = encodeEnvelope({
      codec: 'none',
      serializerId: 1,
      softExpiresAt: 1,
      refreshAt: 2,
      tags: [{ tag: 'u:1', version: '7' }],
      payload: Buffer.from('1'),
    });
    // version 2, none, json, flags 0, soft 1, refresh 2, 1 tag: "u:1" at version "7", payload "1"
    expect(encoded.toString('hex')).toBe('0200010000000000000100000000000201' + '03753a3101' + '37' + '31');
    const negative = encodeEnvelope({
      codec: 'none',
      serializerId: 1,
      softExpiresAt: 1,
      negative: true,
      payload: Buffer.from('x'),
    });
    expect(negative.toString('hex')).toBe('0200010100000000000100000000000000');
  });

  it('reports versions from a newer release as unknown instead of failing', () => {
    const decoded = decodeEnvelope(Buffer.from([3, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1]));
    expect(isUnknownVersion(decoded)).toBe(true);
    expect(decoded.version).toBe(3);
  });

  it('rejects empty, truncated and foreign bytes', () => {
    expect(() => decodeEnvelope(Buffer.alloc(0))).toThrow(EnvelopeFormatError);
    expect(() => decodeEnvelope(Buffer.from([1, 0, 1]))).toThrow(/truncated/);
    expect(() => decodeEnvelope(Buffer.from([1, 9, 1, 0, 0, 0, 0, 0, 0, 0]))).toThrow(/unknown codec id 9/);
    expect(() => decodeEnvelope(Buffer.from([0xff, 0x00]))).toThrow(/neither/);
    expect(() => decodeEnvelope(Buffer.from('0200010000000000000100000000000002', 'hex'))).toThrow(
      /truncated tag list/,
    );
  });

  it('rejects soft expiries outside the 48-bit range', () => {
    const entry = { codec: 'none' as const, serializerId: 1, payload: Buffer.alloc(0) };
    expect(() => encodeEnvelope({ ...entry, softExpiresAt: 2 ** 48 })).toThrow(RangeError);
    expect(() => encodeEnvelope({ ...entry, softExpiresAt: 1.5 })).toThrow(RangeError);
  });
});

describe('compression codecs', () => {
  it('round-trips every codec this runtime has', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...codecs),
        fc.uint8Array({ maxLength: 5000 }),
        async (codec, bytes) => {
          const input = Buffer.from(bytes);
          expect(await decompress(codec, await compress(codec, input))).toEqual(input);
        },
      ),
      { numRuns: 50 },
    );
  }, 60_000);

  it('refuses zstd where the runtime lacks it', async () => {
    if (isCodecAvailable('zstd')) {
      const input = Buffer.from('a'.repeat(1000));
      expect((await compress('zstd', input)).length).toBeLessThan(input.length);
    } else {
      await expect(compress('zstd', Buffer.from('x'))).rejects.toThrow(/not available/);
      await expect(decompress('zstd', Buffer.from('x'))).rejects.toThrow(/not available/);
    }
  });
});
