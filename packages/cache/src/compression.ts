import { promisify } from 'node:util';
import zlib from 'node:zlib';

/**
 * Compression codecs, all from `node:zlib`. `zstd` needs a runtime with `zlib.zstdCompress`
 * (Node 22.15+ / 23.8+); see {@link isCodecAvailable}. Instances on an older runtime read zstd entries
 * as misses, so only switch a namespace to zstd once the whole fleet runs such a runtime.
 */
export type CodecName = 'none' | 'gzip' | 'deflate' | 'brotli' | 'zstd';

/** Codec ids as written into the envelope. Never renumber: stored entries carry them. */
export const CODEC_IDS: Readonly<Record<CodecName, number>> = {
  none: 0,
  gzip: 1,
  deflate: 2,
  brotli: 3,
  zstd: 4,
};

type Transform = (input: Buffer) => Promise<Buffer>;
type Callback = (error: Error | null, result: Buffer) => void;
type CallbackTransform = (input: Buffer, options: object, callback: Callback) => void;

/** `zlib.zstdCompress` / `zstdDecompress` exist from Node 22.15; @types/node 20 does not declare them. */
const zstd = zlib as unknown as { zstdCompress?: CallbackTransform; zstdDecompress?: CallbackTransform };

const gzip = promisify(zlib.gzip);
const gunzip = promisify(zlib.gunzip);
const deflate = promisify(zlib.deflate);
const inflate = promisify(zlib.inflate);
const brotliCompress = promisify(zlib.brotliCompress);
const brotliDecompress = promisify(zlib.brotliDecompress);

function fromCallback(fn: CallbackTransform | undefined, options: object): Transform | undefined {
  if (!fn) return undefined;
  return (input) =>
    new Promise((resolve, reject) => fn(input, options, (err, out) => (err ? reject(err) : resolve(out))));
}

/** Default levels: fast settings that still give 5-10x on JSON (brotli's own default, 11, is far too slow). */
const compressors: Record<
  Exclude<CodecName, 'none'>,
  (level: number | undefined) => Transform | undefined
> = {
  gzip: (level) => (input) => gzip(input, { level: level ?? 6 }),
  deflate: (level) => (input) => deflate(input, { level: level ?? 6 }),
  brotli: (level) => (input) =>
    brotliCompress(input, {
      params: {
        [zlib.constants.BROTLI_PARAM_QUALITY]: level ?? 5,
        [zlib.constants.BROTLI_PARAM_SIZE_HINT]: input.length,
      },
    }),
  zstd: (level) => fromCallback(zstd.zstdCompress, level === undefined ? {} : { params: { 100: level } }),
};

const decompressors: Record<Exclude<CodecName, 'none'>, Transform | undefined> = {
  gzip: (input) => gunzip(input),
  deflate: (input) => inflate(input),
  brotli: (input) => brotliDecompress(input),
  zstd: fromCallback(zstd.zstdDecompress, {}),
};

/** Whether this runtime can compress and decompress with `codec`. */
export function isCodecAvailable(codec: CodecName): boolean {
  return codec === 'none' || decompressors[codec] !== undefined;
}

const CODECS_BY_ID: readonly CodecName[] = (Object.keys(CODEC_IDS) as CodecName[]).reduce<CodecName[]>(
  (byId, name) => {
    byId[CODEC_IDS[name]] = name;
    return byId;
  },
  [],
);

/** The codec written into the envelope under `id`, if any. */
export function codecById(id: number): CodecName | undefined {
  return CODECS_BY_ID[id];
}

/**
 * Compresses `input` with `codec` at `level` (codec-specific; `undefined` = the library default).
 * @throws Error when the runtime lacks the codec.
 */
export async function compress(codec: CodecName, input: Buffer, level?: number): Promise<Buffer> {
  if (codec === 'none') return input;
  const transform = compressors[codec](level);
  if (!transform || !isCodecAvailable(codec))
    throw new Error(`codec ${codec} is not available in this runtime`);
  return transform(input);
}

/** @throws Error when the runtime lacks the codec or the data is corrupt. */
export async function decompress(codec: CodecName, input: Buffer): Promise<Buffer> {
  if (codec === 'none') return input;
  const transform = decompressors[codec];
  if (!transform) throw new Error(`codec ${codec} is not available in this runtime`);
  return transform(input);
}
