/**
 * Health-check runner benchmark: 1,000 loopback HTTP endpoints, 10 % of which hang past the 2 s
 * probe timeout. Reports the runner's wall time as a ratio to the timeout (target ≤ 1.25: the
 * round lasts about as long as its slowest probe) and to a sequential baseline measured in the
 * same run. The sequential run over all 1,000 would take > 200 s, so it is measured on a sample
 * with the same mix and extrapolated (said so in the output).
 *
 *   npx tsx bench/health.ts [--endpoints 1000] [--concurrency 1000,256,64] [--sample 50]
 *
 * Each concurrency bound in the list is one fan-out run; the first is held to the target.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { createHttpProbe } from '../functions/adapters/http/http-probe';
import type { HttpCheck } from '../functions/core/health/check-schema';
import { dispatchProbe } from '../functions/core/health/probe';
import { DEFAULT_CONCURRENCY, runChecks } from '../functions/core/health/runner';

const TIMEOUT_MS = 2000;
const HANG_EVERY = 10;

const { values } = parseArgs({
  options: {
    endpoints: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: `1000,256,${DEFAULT_CONCURRENCY}` },
    sample: { type: 'string', default: '50' },
  },
});
const endpoints = Number(values.endpoints);
const bounds = values.concurrency.split(',').map(Number);
const sample = Number(values.sample);

async function main() {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const index = Number(req.url?.split('/').at(-1));
    if (index % HANG_EVERY === 0) return; // never answers: the probe must time out
    res.end('{"status":"ok"}');
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, resolve));
  const { port } = server.address() as AddressInfo;
  const checks = (count: number): HttpCheck[] =>
    Array.from({ length: count }, (_, i) => ({
      id: `e${i}`,
      component: 'bench',
      kind: 'http',
      url: `http://127.0.0.1:${port}/e/${i}`,
      method: 'GET',
      headers: {},
      expectedStatus: '200',
      bodyContains: 'ok',
      maxBodyBytes: 1024,
      tlsExpiryWarningDays: 14,
      critical: false,
      timeoutMs: TIMEOUT_MS,
      failureThreshold: 2,
      successThreshold: 2,
    }));
  const probe = dispatchProbe({ http: createHttpProbe() });
  const now = () => performance.now();
  const round = async (list: HttpCheck[], limit: number) => {
    const start = now();
    const { results } = await runChecks(list, probe, { deadline: start + 60_000, now, concurrency: limit });
    const wallMs = now() - start;
    const up = results.filter((r) => r.status === 'up').length;
    const down = results.filter((r) => r.status === 'down').length;
    return { wallMs, up, down, total: results.length };
  };

  // Warm-up: JIT and the loopback stack, so the first measured run is not the cold one.
  await round(
    checks(50).filter((_, i) => i % HANG_EVERY !== 0),
    50,
  );

  const all = checks(endpoints);
  const fanOuts: { bound: number; run: Awaited<ReturnType<typeof round>> }[] = [];
  for (const bound of bounds) fanOuts.push({ bound, run: await round(all, bound) });
  const sequentialSample = await round(checks(sample), 1);
  const sequentialMs = (sequentialSample.wallMs / sample) * endpoints;
  server.closeAllConnections();
  server.close();

  const hanging = Math.ceil(endpoints / HANG_EVERY);
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const lines = [
    `health runner benchmark: ${endpoints} loopback endpoints, ${hanging} hanging, probe timeout ${TIMEOUT_MS} ms`,
    '',
    `sequential baseline: ${s(sequentialSample.wallMs)} measured on a sample of ${sample} endpoints ` +
      `(${Math.ceil(sample / HANG_EVERY)} hanging), extrapolated to ${endpoints}: ${s(sequentialMs)}`,
    ...fanOuts.map(({ bound, run }, i) => {
      const ratio = run.wallMs / TIMEOUT_MS;
      const verdict = i === 0 ? (ratio <= 1.25 ? ' (target ≤ 1.25: met)' : ' (target ≤ 1.25: MISSED)') : '';
      const label = bound === DEFAULT_CONCURRENCY ? `${bound} (default)` : String(bound);
      return (
        `fan-out, concurrency ${label.padEnd(12)} wall ${s(run.wallMs)} = ${ratio.toFixed(3)} × timeout${verdict}, ` +
        `${(sequentialMs / run.wallMs).toFixed(1)}× faster than sequential; up ${run.up}, down ${run.down}`
      );
    }),
    '',
    'Hanging probes hold their slots for the whole timeout, so wall ≈ ceil(hanging / C) × timeout once',
    'hangs outnumber the C slots, plus the time to start the last probe: give the runner more slots than',
    'the probes you expect to hang.',
  ];
  console.log(lines.join('\n'));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
