/**
 * Cache benchmark (not a test): run with `npx tsx bench/cache.ts`. One private Redis on loopback.
 *
 * 1. GET/SET throughput of the cache (Redis tier, default options but a 1 s timeout) against the raw node-redis client
 *    on the same Redis, 85-byte JSON values, same concurrency, rounds interleaved, medians of
 *    per-round ratios. The like-for-like baseline is the raw client with the same timeout policy:
 *    every call bounded by the same 1000 ms (node-redis' per-command `timeout`), JSON in and out.
 *    Also shown: the raw client with no timeout at all. Every cache read is checked to be a hit.
 *    `BENCH_OPS`, `BENCH_CONCURRENCY`, `BENCH_ROUNDS`;
 *    Also per operation, load-independent: this process' CPU and Redis' own time (commandstats);
 * 2. latency of one hit, one call at a time: L1 (in process) against the Redis tier;
 * 3. stored bytes of 100 KB JSON values with and without compression (target: ≥ 3 × fewer).
 *
 * Cross-instance figures (invalidation latency over 4 processes, stampede over 8) are in
 * `bench/cache-fleet.ts`.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { createCache, fromNodeRedis, nodeRedisBus, nodeRedisOptions } from '@misybot-ha/cache';
import { createClient } from 'redis';
import { startRedis } from '../local/process/services';

// Long enough that a loaded machine does not turn reads into timeouts (misses would flatter the cache).
const TIMEOUT_MS = 1000;
const OPS = Number(process.env.BENCH_OPS ?? 10_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 64);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const KEYS = 1000;
const small = { id: 12345, name: 'Ada Lovelace', roles: ['admin', 'ops'], active: true, score: 98.6 };

/**
 * Load-independent costs per operation, summed over rounds: this process' CPU, and Redis' own time
 * (`INFO commandstats`, all commands). On a loaded machine the ops/s move a lot; these do not.
 */
const costs = new Map<string, { cpuMicros: number; redisMicros: number; ops: number }>();
let admin: { sendCommand(args: string[]): Promise<unknown> } | undefined;

async function redisMicros(): Promise<number> {
  const info = String(await admin!.sendCommand(['INFO', 'commandstats']));
  let total = 0;
  for (const match of info.matchAll(/^cmdstat_(\w+):calls=\d+,usec=(\d+)/gm))
    if (match[1] !== 'info') total += Number(match[2]);
  return total;
}

/** Runs `op(i)` for i < OPS with CONCURRENCY in flight; returns ops per second. */
async function throughput(op: (i: number) => Promise<unknown>, cost?: string): Promise<number> {
  let next = 0;
  const redisBefore = cost ? await redisMicros() : 0;
  const cpu = process.cpuUsage();
  const start = performance.now();
  const worker = async () => {
    while (next < OPS) await op(next++);
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const opsPerSecond = OPS / ((performance.now() - start) / 1000);
  if (cost) {
    const used = process.cpuUsage(cpu);
    const redis = (await redisMicros()) - redisBefore;
    const sum = costs.get(cost) ?? { cpuMicros: 0, redisMicros: 0, ops: 0 };
    costs.set(cost, {
      cpuMicros: sum.cpuMicros + used.user + used.system,
      redisMicros: sum.redisMicros + redis,
      ops: sum.ops + OPS,
    });
  }
  return opsPerSecond;
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

type Op = (i: number) => Promise<unknown>;
type Variant = { readonly label: string; readonly get: Op; readonly set?: Op };

const median = (xs: readonly number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
const quantile = (xs: readonly number[], q: number) =>
  [...xs].sort((x, y) => x - y)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;

/**
 * Runs every variant once per round for `op`, rotating which goes first, and returns per-round
 * ops/s. Neighbouring runs see the same machine load, so per-round ratios against the baseline
 * (variant 0) are steadier than a ratio of totals.
 */
async function rounds(variants: readonly Variant[], op: 'get' | 'set'): Promise<number[][]> {
  const runs = variants.filter((v) => v[op]);
  const perRound: number[][] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const figures = new Array<number>(runs.length);
    for (let k = 0; k < runs.length; k++) {
      const index = (r + k) % runs.length;
      figures[index] = await throughput(runs[index]![op]!, `${op.toUpperCase()} ${runs[index]!.label}`);
    }
    perRound.push(figures);
  }
  return perRound;
}

function report(variants: readonly Variant[], op: 'get' | 'set', perRound: number[][]): void {
  const runs = variants.filter((v) => v[op]);
  const base = perRound.map((round) => round[0]!);
  row(`${op.toUpperCase()} ${runs[0]!.label}`, median(base).toFixed(0), '-', 1);
  for (let k = 1; k < runs.length; k++) {
    const mine = perRound.map((round) => round[k]!);
    const ratios = perRound.map((round) => round[k]! / round[0]!);
    row(
      `${op.toUpperCase()} ${runs[k]!.label}`,
      median(mine).toFixed(0),
      median(base).toFixed(0),
      median(ratios),
    );
    console.log(
      `${''.padEnd(34)} per-round ratio p25 ${quantile(ratios, 0.25).toFixed(2)}, p75 ${quantile(ratios, 0.75).toFixed(2)}, ` +
        `min ${Math.min(...ratios).toFixed(2)}, max ${Math.max(...ratios).toFixed(2)}`,
    );
  }
  for (const run of runs) {
    const cost = costs.get(`${op.toUpperCase()} ${run.label}`)!;
    console.log(
      `${''.padEnd(34)} ${run.label}: client CPU ${(cost.cpuMicros / cost.ops).toFixed(1)} µs/op, ` +
        `Redis time ${(cost.redisMicros / cost.ops).toFixed(2)} µs/op`,
    );
  }
}

/** Mean µs per call of `op`, one call at a time, after a warm-up. */
async function latencyMicros(op: () => Promise<unknown>, calls: number): Promise<number> {
  for (let i = 0; i < 1000; i++) await op();
  const start = performance.now();
  for (let i = 0; i < calls; i++) await op();
  return ((performance.now() - start) * 1000) / calls;
}

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
  const l1Client = await connect();
  const adminClient = await connect();
  admin = adminClient;
  try {
    const cache = createCache({ client: fromNodeRedis(cacheClient), timeoutMs: TIMEOUT_MS });
    const ns = cache.namespace('bench');
    const key = (i: number) => `k${i % KEYS}`;
    const px = { expiration: { type: 'PX', value: 300_000 } } as const;
    const timed = rawClient.withCommandOptions({ timeout: TIMEOUT_MS });
    const untimed = rawClient.withCommandOptions({ timeout: 0 });
    const variants: Variant[] = [
      {
        label: `raw, ${TIMEOUT_MS} ms command timeout`,
        set: (i) => timed.set(`raw:${key(i)}`, JSON.stringify(small), px),
        get: async (i) => {
          const v = await timed.get(`raw:${key(i)}`);
          return v === null ? undefined : JSON.parse(v);
        },
      },
      {
        label: `cache, ${TIMEOUT_MS} ms timeout`,
        set: (i) => ns.set(key(i), small),
        get: (i) => ns.get(key(i)),
      },
      {
        label: 'raw, no timeout at all',
        set: (i) => untimed.set(`raw:${key(i)}`, JSON.stringify(small), px),
        get: async (i) => {
          const v = await untimed.get(`raw:${key(i)}`);
          return v === null ? undefined : JSON.parse(v);
        },
      },
    ];
    for (const v of variants) await throughput(v.set ?? v.get); // warm-up; the sets fill the keys
    for (const v of variants) await throughput(v.get);
    if (JSON.stringify(await ns.get(key(0))) !== JSON.stringify(small))
      throw new Error('cache read is not a hit');
    cache.stats({ reset: true });
    const sets = await rounds(variants, 'set');
    const gets = await rounds(variants, 'get');
    console.log(
      `cache vs raw node-redis: ${ROUNDS} interleaved rounds of ${OPS} ops each, ${CONCURRENCY} in flight, ` +
        `${JSON.stringify(small).length}-byte JSON; medians over rounds (ratio = median of per-round ratios ` +
        `against the raw client with the same ${TIMEOUT_MS} ms timeout policy)`,
    );
    report(variants, 'get', gets);
    report(variants, 'set', sets);
    const [counts] = cache.stats();
    console.log(`(cache: ${counts!.hits} hits, ${counts!.misses} misses, ${counts!.errors} errors)`);
    if (counts!.misses > 0 || counts!.errors > 0)
      throw new Error('cache reads missed or failed: figures invalid');

    const l1Cache = createCache({
      client: fromNodeRedis(l1Client),
      bus: nodeRedisBus(l1Client),
      timeoutMs: TIMEOUT_MS,
      defaults: { l1: true },
    });
    await l1Cache.ready();
    const l1 = l1Cache.namespace('bench');
    const calls = Number(process.env.BENCH_LATENCY_CALLS ?? 20_000);
    const l2Micros = await latencyMicros(() => ns.get('k1'), calls);
    const l1Micros = await latencyMicros(() => l1.get('k1'), calls);
    if (l1Cache.stats()[0]!.l1Hits < calls) throw new Error('L1 reads were not L1 hits');
    console.log(`\nlatency of one hit, one call at a time (${calls} calls, mean)`);
    row(
      'L1 hit (µs; speed-up: ratio)',
      l1Micros.toFixed(2),
      `Redis hit ${l2Micros.toFixed(1)}`,
      l2Micros / l1Micros,
    );
    await l1Cache.close();

    const doc = chatHistory(100 * 1024);
    const json = Buffer.byteLength(JSON.stringify(doc));
    const wire = createCache({ client: fromNodeRedis(cacheClient), timeoutMs: 5000 });
    const plain = wire.namespace('wire-plain', { compression: false });
    await plain.set('doc', doc);
    const plainBytes = await cacheClient.strLen('{wire-plain}:v:0:doc');
    console.log(`\nstored bytes of a ${(json / 1024).toFixed(0)} KiB JSON value (STRLEN, envelope included)`);
    row('uncompressed', String(plainBytes), String(json), json / plainBytes);
    for (const codec of ['gzip', 'deflate', 'brotli'] as const) {
      const ns2 = wire.namespace(`wire-${codec}`, { compression: { codec } });
      await ns2.set('doc', doc);
      const stored = await cacheClient.strLen(`{wire-${codec}}:v:0:doc`);
      if (JSON.stringify(await ns2.get('doc')) !== JSON.stringify(doc))
        throw new Error(`${codec} did not round-trip`);
      row(`${codec} (fewer bytes: ratio)`, String(stored), String(plainBytes), plainBytes / stored);
    }
  } finally {
    rawClient.destroy();
    cacheClient.destroy();
    l1Client.destroy();
    adminClient.destroy();
    await server.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
