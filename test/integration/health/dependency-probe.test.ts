import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDependencyProbe } from '../../../functions/adapters/http/dependency-probe';
import type { DependencyCheck } from '../../../functions/core/health/check-schema';
import { dispatchProbe } from '../../../functions/core/health/probe';
import { runChecks } from '../../../functions/core/health/runner';
import { dependencyCheck } from '../../functions/core/health/check-fixtures';
import { closedPort } from './loopback';

/** A service's `/health` in each state the probe must tell apart, as the demo answers it. */
const json =
  (body: unknown, status = 200) =>
  (_: IncomingMessage, res: ServerResponse) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
const bodies: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {
  '/ok': json({
    status: 'ok',
    dependencies: { database: { status: 'up', latencyMs: 2 }, cache: { status: 'up', latencyMs: 1 } },
  }),
  '/database-down': json({
    status: 'degraded',
    dependencies: { database: { status: 'down' }, cache: { status: 'up', latencyMs: 1 } },
  }),
  '/slow-cache': json({
    status: 'ok',
    dependencies: { database: { status: 'up', latencyMs: 2 }, cache: { status: 'up', latencyMs: 740 } },
  }),
  '/stopping': json({ status: 'stopping', dependencies: { database: { status: 'up' } } }, 503),
  '/not-json': (_, res) => res.end('<html><body>502 Bad Gateway</body></html>'),
  '/no-dependencies': json({ status: 'ok' }),
  '/hang': () => {},
  '/late': (req, res) => setTimeout(() => bodies['/ok']!(req, res), 150),
  '/big': (_, res) => res.end(`{"dependencies":{"database":{"status":"up"}},"pad":"${'x'.repeat(4096)}"}`),
};

let server: Server;
let port: number;
const requests: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    requests.push(path);
    const handler = bodies[path];
    if (handler) return handler(req, res);
    res.statusCode = 404;
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(
  () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
);

const probe = createDependencyProbe();
const at = (path: string, extra: Partial<DependencyCheck> = {}) =>
  dependencyCheck({ url: `http://127.0.0.1:${port}${path}`, ...extra });
const within = (ms: number) => AbortSignal.timeout(ms);

describe('dependency probe against a real HTTP server', () => {
  it('is up when the service reports its database up, with the latency the service measured', async () => {
    expect(await probe(at('/ok'), within(2000))).toEqual({
      status: 'up',
      observed: { statusCode: 200, dependencyLatencyMs: 2 },
    });
  });

  it('is down when the service reports the database down while answering 200', async () => {
    expect(await probe(at('/database-down'), within(2000))).toEqual({
      status: 'down',
      error: 'the service reports database down',
      observed: { statusCode: 200 },
    });
  });

  it('is down when the service reports the cache slower than the bound', async () => {
    const outcome = await probe(at('/slow-cache', { dependency: 'cache', maxLatencyMs: 200 }), within(2000));
    expect(outcome).toMatchObject({
      status: 'down',
      error: 'cache answers in 740 ms, above 200 ms (as the service measures it)',
    });
  });

  it('is down on a body that is not JSON, naming the shape it expected', async () => {
    const outcome = await probe(at('/not-json'), within(2000));
    expect(outcome.status).toBe('down');
    expect(outcome.error).toBe(
      'the health body is not JSON: "<html><body>502 Bad Gateway</body></html>" (expected {"dependencies": {"database": {"status": "up", "latencyMs": …}}})',
    );
  });

  it('is down on JSON without dependencies, and on a body past maxBodyBytes', async () => {
    expect((await probe(at('/no-dependencies'), within(2000))).error).toMatch(
      /^the health body has no "dependencies" object/,
    );
    expect((await probe(at('/big', { maxBodyBytes: 1024 }), within(2000))).error).toMatch(
      /^the health body is longer than 1024 bytes/,
    );
  });

  it('gives no verdict on the database when the service answers 503 or refuses the connection', async () => {
    expect(await probe(at('/stopping'), within(2000))).toMatchObject({
      status: 'unknown',
      error:
        "the service's health endpoint answered HTTP 503, expected 2xx with its dependencies: no verdict on database",
    });
    const refused = dependencyCheck({ url: `http://127.0.0.1:${await closedPort()}/health` });
    expect(await probe(refused, within(2000))).toEqual({
      status: 'unknown',
      error: "the service's health endpoint could not be asked (connection refused): no verdict on database",
    });
  });

  it('gives no verdict when the service hangs past the timeout, in a round as the runner runs it', async () => {
    const { results } = await runChecks(
      [at('/hang', { timeoutMs: 150 })],
      dispatchProbe({ dependency: probe }),
      {
        deadline: performance.now() + 5000,
        now: () => performance.now(),
      },
    );
    expect(results[0]).toMatchObject({
      status: 'unknown',
      error: "the service's health endpoint timed out after 150 ms: no verdict on database",
    });
  });

  it('asks the service once for the database and cache checks of one round, and each gets its verdict', async () => {
    requests.length = 0;
    const shared = createDependencyProbe();
    const database = at('/slow-cache', { id: 'database-data-path' });
    const cache = at('/slow-cache', { id: 'cache-data-path', component: 'cache', dependency: 'cache' });
    const { results } = await runChecks([database, cache], dispatchProbe({ dependency: shared }), {
      deadline: performance.now() + 5000,
      now: () => performance.now(),
    });
    expect(results.map((r) => r.status)).toEqual(['up', 'down']);
    expect(requests).toEqual(['/slow-cache']);
    // The next round asks again: only requests in flight together are shared.
    await shared(database, within(2000));
    expect(requests).toEqual(['/slow-cache', '/slow-cache']);
  });

  it('keeps the shared request for the checks still waiting when one of them gives up', async () => {
    requests.length = 0;
    const shared = createDependencyProbe();
    const impatient = new AbortController();
    const first = shared(at('/late'), impatient.signal);
    const second = shared(at('/late', { dependency: 'cache' }), within(2000));
    impatient.abort();
    expect(await first).toMatchObject({ status: 'unknown' });
    expect(await second).toEqual({ status: 'up', observed: { statusCode: 200, dependencyLatencyMs: 1 } });
    expect(requests).toEqual(['/late']);
  });

  it('aborts the shared request once every check waiting for it has given up', async () => {
    const shared = createDependencyProbe();
    const waiting = [new AbortController(), new AbortController()];
    const outcomes = waiting.map((controller) => shared(at('/hang'), controller.signal));
    for (const controller of waiting) controller.abort();
    expect((await Promise.all(outcomes)).map((o) => o.status)).toEqual(['unknown', 'unknown']);
    await new Promise((resolve) => setTimeout(resolve, 50));
    // The server saw its connection go: nothing is left open for the next round.
    const open = await new Promise<number>((resolve) => server.getConnections((_, count) => resolve(count)));
    expect(open).toBe(0);
  });
});
