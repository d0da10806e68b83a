/**
 * Endpoint-metrics middleware overhead (not a test): run with `npx tsx bench/metrics-middleware.ts`.
 *
 * Two `node:http` servers on loopback, one bare and one wrapped with `instrumentHttpHandler`; the
 * same keep-alive client loop (node:http Agent, bounded requests, fixed concurrency) against each,
 * rounds alternating. Prints requests/s beside the bare baseline, and the overhead per request in µs
 * (1e6/rps_instrumented − 1e6/rps_bare, median of per-round differences). The sink serialises each
 * document as `stdoutSink` does (documents are written from `record()` when a batch fills, so that
 * cost is part of a request) but does not write it, to keep the output readable.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { createEndpointMetrics, instrumentHttpHandler } from '@misybot-ha/metrics';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 5_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
const ROUTES = ['/users/:id', '/chats/:id/messages', '/health'];

const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(`{"ok":true,"url":${JSON.stringify(req.url)}}`);
};

const routeOf = (req: http.IncomingMessage) => {
  const url = req.url ?? '';
  if (url.startsWith('/users/')) return ROUTES[0];
  if (url.startsWith('/chats/')) return ROUTES[1];
  return url === '/health' ? ROUTES[2] : undefined;
};

function listen(server: http.Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );
}

function get(agent: http.Agent, port: number, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent }, (res) => {
      res.resume();
      res.once('end', resolve);
    });
    req.once('error', reject);
  });
}

/** REQUESTS requests with CONCURRENCY in flight over keep-alive sockets; returns requests per second. */
async function load(port: number): Promise<number> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  let next = 0;
  const paths = ['/users/42', '/chats/7/messages', '/health', '/nope'];
  const start = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < REQUESTS) await get(agent, port, paths[next++ % paths.length]!);
    }),
  );
  const rps = REQUESTS / ((performance.now() - start) / 1000);
  agent.destroy();
  return rps;
}

async function main() {
  let documents = 0;
  let bytes = 0;
  const metrics = createEndpointMetrics({
    service: 'bench',
    flushIntervalMs: 1000,
    sink: (doc) => {
      documents += 1;
      bytes += JSON.stringify(doc).length + 1;
    },
  });
  const bare = http.createServer(handler);
  const instrumented = http.createServer(instrumentHttpHandler(metrics, handler, routeOf));
  const [barePort, instrumentedPort] = await Promise.all([listen(bare), listen(instrumented)]);
  try {
    await load(barePort);
    await load(instrumentedPort);
    const rounds: { bare: number; instrumented: number }[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const first = r % 2 === 0;
      const a = await load(first ? barePort : instrumentedPort);
      const b = await load(first ? instrumentedPort : barePort);
      rounds.push(first ? { bare: a, instrumented: b } : { bare: b, instrumented: a });
    }
    metrics.close();
    const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
    const bareRps = median(rounds.map((r) => r.bare));
    const instrumentedRps = median(rounds.map((r) => r.instrumented));
    const overheadUs = median(rounds.map((r) => 1e6 / r.instrumented - 1e6 / r.bare));
    const ratio = median(rounds.map((r) => r.instrumented / r.bare));
    console.log(
      `node:http on loopback, ${ROUNDS} alternating rounds × ${REQUESTS} requests, ${CONCURRENCY} keep-alive sockets`,
    );
    console.log(
      `requests/s with middleware ${instrumentedRps.toFixed(0).padStart(8)}   baseline (bare) ${bareRps.toFixed(0).padStart(8)}   ratio ${ratio.toFixed(3)}`,
    );
    console.log(
      `per-request cost            ${(1e6 / instrumentedRps).toFixed(1).padStart(8)} µs baseline        ${(1e6 / bareRps).toFixed(1).padStart(8)} µs overhead ${overheadUs.toFixed(2)} µs/request (median of rounds)`,
    );
    const requests = (ROUNDS + 1) * REQUESTS;
    console.log(
      `EMF documents written: ${documents} for ${requests} requests, ${(bytes / requests).toFixed(1)} log bytes/request`,
    );
    // The recorder's CPU cost alone, without sockets: what the middleware adds besides one listener.
    const alone = createEndpointMetrics({ flushIntervalMs: 0, sink: (doc) => void JSON.stringify(doc) });
    const calls = 1_000_000;
    const t0 = performance.now();
    for (let i = 0; i < calls; i++) {
      alone.record({ route: ROUTES[i % 3], method: 'GET', statusCode: 200, durationMs: (i % 500) / 7 });
    }
    const recordUs = ((performance.now() - t0) * 1000) / calls;
    alone.close();
    console.log(`record() alone, ${calls} calls: ${recordUs.toFixed(3)} µs/call`);
  } finally {
    bare.close();
    instrumented.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
