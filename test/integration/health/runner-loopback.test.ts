import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { healthCheckCommand } from '../../../bin/commands/health-check';
import { createHttpProbe } from '../../../functions/adapters/http/http-probe';
import { createTcpProbe } from '../../../functions/adapters/http/tcp-probe';
import { dispatchProbe } from '../../../functions/core/health/probe';
import { runChecks } from '../../../functions/core/health/runner';
import { httpCheck, tcpCheck } from '../../functions/core/health/check-fixtures';
import { closedPort, type Running, startHttp, startTcp } from './loopback';

let http: Running;
let tcp: Running;
beforeAll(async () => {
  [http, tcp] = await Promise.all([startHttp(), startTcp()]);
});
afterAll(() => Promise.all([http.stop(), tcp.stop()]));

describe('runner with real probes', () => {
  it('returns every result when some endpoints hang, fail or refuse', async () => {
    const refused = await closedPort();
    const paths = ['/ok', '/hang', '/error', '/slow', '/hang', '/reset', '/ok', '/wrong-body'];
    const checks = [
      ...paths.map((path, i) =>
        httpCheck({
          id: `h${i}`,
          url: `http://127.0.0.1:${http.port}${path}`,
          bodyContains: 'ok',
          timeoutMs: 400,
        }),
      ),
      tcpCheck({ id: 't-open', port: tcp.port }),
      tcpCheck({ id: 't-refused', port: refused }),
    ];
    const probe = dispatchProbe({ http: createHttpProbe(), tcp: createTcpProbe() });
    const now = () => performance.now();
    const { results } = await runChecks(checks, probe, { deadline: now() + 5000, now, concurrency: 4 });
    expect(results.map((r) => [r.checkId, r.status])).toEqual([
      ['h0', 'up'],
      ['h1', 'down'],
      ['h2', 'down'],
      ['h3', 'up'],
      ['h4', 'down'],
      ['h5', 'down'],
      ['h6', 'up'],
      ['h7', 'down'],
      ['t-open', 'up'],
      ['t-refused', 'down'],
    ]);
    expect(results[1]!.error).toBe('timed out after 400 ms');
  });
});

describe('misybot-ha health check', () => {
  const dir = mkdtempSync(join(tmpdir(), 'misybot-health-'));
  const capture = () => {
    const out: string[] = [];
    const err: string[] = [];
    return { io: { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t) }, out, err };
  };
  const write = (name: string, checks: unknown[]) => {
    const path = join(dir, name);
    writeFileSync(path, JSON.stringify({ components: [{ id: 'api' }], checks }));
    return path;
  };
  const http1 = (id: string, path: string) => ({
    id,
    component: 'api',
    kind: 'http',
    url: `http://127.0.0.1:${http.port}${path}`,
    timeoutMs: 500,
  });

  it('prints JSON and exits 0 when every local check is healthy, skipping AWS kinds', async () => {
    const file = write('good.json', [
      http1('ok', '/ok'),
      { id: 'port', component: 'api', kind: 'tcp', host: '127.0.0.1', port: tcp.port },
      { id: 'db', component: 'api', kind: 'aurora', clusterId: 'misybot-db' },
    ]);
    const { io, out } = capture();
    expect(await healthCheckCommand.run({ values: { config: file, json: true }, positionals: [] }, io)).toBe(
      0,
    );
    const report = JSON.parse(out.join(''));
    expect(report).toMatchObject({
      status: 'healthy',
      checks: [
        { id: 'ok', status: 'healthy', error: null },
        { id: 'port', status: 'healthy', error: null },
        { id: 'db', status: 'skipped', latencyMs: null, error: null },
      ],
    });
    expect(typeof report.durationMs).toBe('number');
  });

  it('prints a table and exits 1 when a check fails', async () => {
    const file = write('bad.json', [http1('ok', '/ok'), http1('broken', '/error')]);
    const { io, out } = capture();
    expect(await healthCheckCommand.run({ values: { config: file, json: false }, positionals: [] }, io)).toBe(
      1,
    );
    const text = out.join('');
    expect(text).toContain(`${file}: unhealthy (2 checked, 0 skipped,`);
    expect(text).toMatch(/UNHEALTHY\s+broken\s+http\s+\d+ ms\s+HTTP 500, expected 200-299/);
  });

  it('names the field of an invalid file', async () => {
    const file = write('invalid.json', [{ ...http1('x', '/ok'), component: 'ghost' }]);
    await expect(
      healthCheckCommand.run({ values: { config: file, json: false }, positionals: [] }, capture().io),
    ).rejects.toMatchObject({
      name: 'ConfigError',
      problems: ['checks[0].component: must name a component ("api"), got "ghost"'],
    });
  });

  it('asks for --config when the default file is missing', async () => {
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      await expect(
        healthCheckCommand.run({ values: { json: false }, positionals: [] }, capture().io),
      ).rejects.toThrow(/no --config given and \.\/health-checks\.json does not exist/);
    } finally {
      process.chdir(cwd);
    }
  });
});
