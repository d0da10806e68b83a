import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

// The package as npm ci leaves it, moved where no node_modules can be found: the bin shim and
// the compiled CLI beside it, built by the same script `prepare` runs.
const root = resolve(__dirname, '../..');
let dir: string;
let bin: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'compiled-cli-'));
  mkdirSync(join(dir, 'bin'));
  bin = join(dir, 'bin/misybot-ha.cjs');
  copyFileSync(join(root, 'bin/misybot-ha.cjs'), bin);
  execFileSync('node', [join(root, 'scripts/build-cli.mjs'), '--outdir', join(dir, 'dist/cli')]);
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(args: readonly string[], shim = bin) {
  const result = spawnSync('node', [shim, ...args], { cwd: dir, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const P = '2024-03-01 10:00:00 UTC:10.0.0.7(51234):app@shop:[42]:';

describe('the compiled CLI', () => {
  it('lists every command on --help without TypeScript or node_modules at hand', () => {
    const { code, stdout } = run(['--help']);
    expect(code).toBe(0);
    for (const command of [
      'queries analyze',
      'queries advise',
      'scaling simulate',
      'health check',
      'config validate',
    ])
      expect(stdout).toContain(`misybot-ha ${command}`);
  });

  it('analyses a log with the bundled WebAssembly Postgres parser', () => {
    const log = join(dir, 'postgres.log');
    writeFileSync(
      log,
      [
        `${P}LOG:  duration: 10.000 ms  statement: SELECT * FROM orders WHERE id = 1`,
        `${P}LOG:  duration: 30.000 ms  statement: select * from orders where id = 2`,
        `${P}LOG:  duration: 1.000 ms  statement: SELEC broken`,
        '',
      ].join('\n'),
    );
    const { code, stdout } = run(['queries', 'analyze', '--log', log, '--json']);
    expect(code).toBe(0);
    const body = JSON.parse(stdout);
    expect(body).toMatchObject({ statements: 3, unparsed: 1 });
    expect(body.queries).toEqual([
      expect.objectContaining({ query: 'SELECT * FROM orders WHERE id = $1', calls: 2, totalMs: 40 }),
    ]);
  });

  it('validates a configuration with the bundled schema and exits 2 naming the bad field', () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ fleet: { minCapacity: 2, maxCapacity: 1 } }));
    const { code, stdout, stderr } = run(['config', 'validate', file]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('fleet.maxCapacity: must be ≥ fleet.minCapacity (2), got 1');
  });

  it('passes on the exit code of a queries command run in its child process', () => {
    const { code, stderr } = run(['queries', 'analyze']);
    expect(code).toBe(2);
    expect(stderr).toContain('--log FILE is required');
  });

  it('says how to build when the compiled CLI is missing', () => {
    const bare = mkdtempSync(join(tmpdir(), 'unbuilt-cli-'));
    try {
      mkdirSync(join(bare, 'bin'));
      copyFileSync(bin, join(bare, 'bin/misybot-ha.cjs'));
      const { code, stderr } = run(['--help'], join(bare, 'bin/misybot-ha.cjs'));
      expect(code).toBe(2);
      expect(stderr).toContain('run `npm run build:cli`');
    } finally {
      rmSync(bare, { recursive: true, force: true });
    }
  });
});
