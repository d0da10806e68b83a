/**
 * Cache instances in separate processes against one private Redis (not a test): run with
 * `npx tsx bench/cache-fleet.ts`.
 *
 * 1. Invalidation latency, 4 processes with L1 and the bus: each round one process overwrites a key
 *    every process holds in L1; the time from the start of its `set()` until each other process has
 *    dropped the entry (its `invalidation` event; the `get()` that follows must return the new value),
 *    p50/p99 over rounds. Baseline, same run: a bare Redis PUBLISH from the writer to the same
 *    processes. Goal: p99 ≤ 50 ms. `BENCH_ROUNDS` (200).
 * 2. Stampede, 8 processes × 50 concurrent `getOrSet` of one missing key, 100 ms loader: loads per
 *    key with `lock: true`, and without it as the baseline. Goal: 1 load. `BENCH_KEYS` (10).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { createClient } from 'redis';
import { startRedis } from '../local/process/services';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 200);
const KEYS = Number(process.env.BENCH_KEYS ?? 10);

type Message = {
  type: string;
  key?: string;
  at?: string;
  started?: string;
  pingAt?: string;
  value?: number;
  ok?: boolean;
};

class Worker {
  private waiters: { type: string; key: string | undefined; resolve: (m: Message) => void }[] = [];
  readonly messages: Message[] = [];
  readonly child: ChildProcess;

  constructor(url: string) {
    this.child = fork(join(__dirname, 'cache-fleet-worker.ts'), [], {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, BENCH_REDIS_URL: url },
    });
    this.child.on('message', (m: Message) => {
      const waiter = this.waiters.find((w) => w.type === m.type && (w.key === undefined || w.key === m.key));
      if (waiter) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve(m);
      } else this.messages.push(m);
    });
  }

  /** The next message of `type` (about `key`, when given); earlier ones about other keys stay queued. */
  next(type: string, key?: string): Promise<Message> {
    const queued = this.messages.findIndex((m) => m.type === type && (key === undefined || m.key === key));
    if (queued >= 0) return Promise.resolve(this.messages.splice(queued, 1)[0]!);
    return new Promise((resolve) => this.waiters.push({ type, key, resolve }));
  }

  send(command: object): void {
    this.child.send(command);
  }
}

const quantile = (xs: readonly number[], q: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;
const ms = (from: string, to: string) => Number(BigInt(to) - BigInt(from)) / 1e6;

async function spawn(count: number, url: string): Promise<Worker[]> {
  const workers = Array.from({ length: count }, () => new Worker(url));
  await Promise.all(workers.map((w) => w.next('started')));
  return workers;
}

async function invalidation(url: string): Promise<void> {
  const workers = await spawn(4, url);
  for (const w of workers) w.send({ type: 'invalidation', prefix: 'inv:' });
  await Promise.all(workers.map((w) => w.next('ready')));
  const cache: number[] = [];
  const raw: number[] = [];
  let wrong = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const key = `r${round}`;
    for (const w of workers) w.send({ type: 'read', key });
    await Promise.all(workers.map((w) => w.next('read')));
    const writer = workers[round % workers.length]!;
    const readers = workers.filter((w) => w !== writer);
    writer.send({ type: 'write', key, value: round });
    const wrote = await writer.next('wrote', key);
    for (const reader of readers) {
      const seen = await reader.next('seen', key);
      const pinged = await reader.next('ping', key);
      if (seen.key !== key || seen.value !== round) wrong += 1;
      cache.push(ms(wrote.started!, seen.at!));
      raw.push(ms(wrote.pingAt!, pinged.at!));
    }
  }
  for (const w of workers) w.send({ type: 'exit' });
  console.log(
    `invalidation visible in the other 3 processes' L1 (4 processes, ${ROUNDS} rounds, ${cache.length} samples)`,
  );
  console.log(
    `  cache: set() start → entry dropped  p50 ${quantile(cache, 0.5).toFixed(2)} ms, p99 ${quantile(cache, 0.99).toFixed(2)} ms, max ${Math.max(...cache).toFixed(2)} ms` +
      `   (goal p99 ≤ 50 ms: ${quantile(cache, 0.99) <= 50 ? 'met' : 'NOT met'})`,
  );
  console.log(
    `  baseline: bare PUBLISH → received  p50 ${quantile(raw, 0.5).toFixed(2)} ms, p99 ${quantile(raw, 0.99).toFixed(2)} ms`,
  );
  console.log(`  reads after the drop that did not return the new value: ${wrong}`);
}

async function stampede(url: string): Promise<void> {
  const workers = await spawn(8, url);
  const counter = createClient({ url });
  await counter.connect();
  const loadsPerKey = async (lock: boolean, keys: number) => {
    const counts: number[] = [];
    for (let k = 0; k < keys; k++) {
      const prefix = `st:${lock ? 'lock' : 'nolock'}:`;
      const key = `key${k}`;
      for (const w of workers)
        w.send({ type: 'stampede', prefix, key, lock, concurrency: 50, loaderMs: 100 });
      const results = await Promise.all(workers.map((w) => w.next('stampeded')));
      if (!results.every((r) => r.ok)) throw new Error('a caller got a wrong value');
      counts.push(Number(await counter.get(`${prefix}loads:${key}`)));
    }
    return counts;
  };
  const locked = await loadsPerKey(true, KEYS);
  const unlocked = await loadsPerKey(false, Math.min(KEYS, 5));
  for (const w of workers) w.send({ type: 'exit' });
  counter.destroy();
  console.log('\nstampede: 8 processes × 50 concurrent getOrSet of one missing key, 100 ms loader');
  console.log(
    `  lock: true   loads per key ${JSON.stringify(locked)}   (goal 1: ${locked.every((n) => n === 1) ? 'met' : 'NOT met'})`,
  );
  console.log(`  baseline, lock: false   loads per key ${JSON.stringify(unlocked)}`);
}

async function main() {
  const server = await startRedis();
  try {
    await invalidation(server.url);
    await stampede(server.url);
  } finally {
    await server.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
