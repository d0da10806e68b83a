/**
 * Cache benchmark (not a test): run with `npx tsx bench/cache.ts`.
 *
 * 1. get/set throughput of the cache against the raw node-redis client on the same private Redis,
 *    small JSON values, same concurrency, rounds interleaved (target: cache ≥ 0.9 × raw);
 * 2. stored bytes of 100 KB JSON values with and without compression (target: ≥ 3 × fewer).
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { createClient } from 'redis';
import { createCache, fromNodeRedis, nodeRedisOptions } from '../functions/libraries/cache';
import { startRedis } from '../test/integration/harness/services';

const OPS = Number(process.env.BENCH_OPS ?? 10_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const KEYS = 1000;
const small = { id: 12345, name: 'Ada Lovelace', roles: ['admin', 'ops'], active: true, score: 98.6 };

/** Runs `op(i)` for i < OPS with CONCURRENCY in flight; returns ops per second. */
async function throughput(op: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const start = performance.now();
  const worker = async () => {
    while (next < OPS) await op(next++);
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return OPS / ((performance.now() - start) / 1000);
}

/** A 100 KB-ish JSON document shaped like chat history: repeated keys, varied text, numbers. */
function chatHistory(targetBytes: number): unknown[] {
  const words = [
    'hello',
    'order',
    'refund',
    'status',
    'thanks',
    'delivery',
    'account',
    'password',
    'agent',
    'please',
  ];
  const out: unknown[] = [];
  let size = 2;
  for (let i = 0; size < targetBytes; i++) {
    const text = Array.from({ length: 12 }, (_, j) => words[(i * 7 + j * 3) % words.length]).join(' ');
    const msg = {
      id: `msg_${randomBytes(6).toString('hex')}`,
      role: i % 2 ? 'bot' : 'user',
      text,
      ts: 1_700_000_000_000 + i * 1731,
      tokens: (i * 37) % 400,
    };
    size += JSON.stringify(msg).length + 1;
    out.push(msg);
  }
  return out;
}

const row = (label: string, figure: string, baseline: string, ratio: number) =>
  console.log(
    `${label.padEnd(34)} ${figure.padStart(16)}   baseline ${baseline.padStart(16)}   ratio ${ratio.toFixed(2)}`,
  );

async function main() {
  const server = await startRedis();
  const connect = async () => {
    const c = createClient(nodeRedisOptions({ host: server.host, port: server.port }));
    c.on('error', () => undefined);
    await c.connect();
    return c;
  };
  const rawClient = await connect();
  const cacheClient = await connect();
  try {
    const ns = createCache({ client: fromNodeRedis(cacheClient), timeoutMs: 1000 }).namespace('bench');
    const key = (i: number) => `k${i % KEYS}`;
    const raw = {
      set: (i: number) =>
        rawClient.set(`raw:${key(i)}`, JSON.stringify(small), { expiration: { type: 'PX', value: 300_000 } }),
      get: async (i: number) => {
        const v = await rawClient.get(`raw:${key(i)}`);
        return v === null ? undefined : JSON.parse(v);
      },
    };
    const cached = { set: (i: number) => ns.set(key(i), small), get: (i: number) => ns.get(key(i)) };
    await throughput(raw.set);
    await throughput(cached.set); // warm-up, also fills the keys
    // Short rounds, alternating which side goes first, compared pairwise: a busy machine slows both
    // sides of a pair alike, so the median of per-round ratios is steadier than a ratio of totals.
    const pairs: Record<'get' | 'set', { raw: number; cache: number }[]> = { get: [], set: [] };
    for (let r = 0; r < ROUNDS; r++) {
      for (const op of ['set', 'get'] as const) {
        const first = r % 2 === 0;
        const a = await throughput(first ? raw[op] : cached[op]);
        const b = await throughput(first ? cached[op] : raw[op]);
        pairs[op].push(first ? { raw: a, cache: b } : { raw: b, cache: a });
      }
    }
    const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
    console.log(
      `cache vs raw node-redis: ${ROUNDS} interleaved rounds of ${OPS} ops, ${CONCURRENCY} in flight, ` +
        `${JSON.stringify(small).length}-byte JSON; medians (ratio = median of per-round ratios)`,
    );
    for (const op of ['get', 'set'] as const) {
      const p = pairs[op];
      const ratio = median(p.map((x) => x.cache / x.raw));
      row(
        `${op.toUpperCase()} ops/s (cache)`,
        median(p.map((x) => x.cache)).toFixed(0),
        median(p.map((x) => x.raw)).toFixed(0),
        ratio,
      );
    }

    const doc = chatHistory(100 * 1024);
    const json = Buffer.byteLength(JSON.stringify(doc));
    const cache = createCache({ client: fromNodeRedis(cacheClient), timeoutMs: 5000 });
    const plain = cache.namespace('wire-plain', { compression: false });
    await plain.set('doc', doc);
    const plainBytes = await cacheClient.strLen('{wire-plain}:v:0:doc');
    console.log(`\nstored bytes of a ${(json / 1024).toFixed(0)} KiB JSON value (STRLEN, envelope included)`);
    row('uncompressed', String(plainBytes), String(json), json / plainBytes);
    for (const codec of ['gzip', 'deflate', 'brotli'] as const) {
      const ns2 = cache.namespace(`wire-${codec}`, { compression: { codec } });
      await ns2.set('doc', doc);
      const stored = await cacheClient.strLen(`{wire-${codec}}:v:0:doc`);
      if (JSON.stringify(await ns2.get('doc')) !== JSON.stringify(doc))
        throw new Error(`${codec} did not round-trip`);
      row(`${codec} (fewer bytes: ratio)`, String(stored), String(plainBytes), plainBytes / stored);
    }
  } finally {
    rawClient.destroy();
    cacheClient.destroy();
    await server.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
