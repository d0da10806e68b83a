import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createQueriesAnalyzeCommand,
  queriesAnalyzeCommand,
  renderProgress,
} from '../../../bin/commands/queries-analyze';
import { createSqlParser } from '../../../functions/adapters/postgres/sql-parser';
import { InputError } from '../../../functions/shared/errors';

const P = '2024-03-01 10:00:00 UTC:10.0.0.7(51234):app@shop:[42]:';
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'queries-analyze-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

async function run(values: Record<string, string | boolean | undefined>, interactive = false) {
  const out: string[] = [];
  const err: string[] = [];
  const command = createQueriesAnalyzeCommand({ parser: createSqlParser, interactive: () => interactive });
  const code = await command.run(
    { values, positionals: [] },
    { stdout: (t) => out.push(t), stderr: (t) => err.push(t) },
  );
  return { code, stdout: out.join(''), stderr: err.join('') };
}

const LOG = [
  `${P}LOG:  duration: 10.000 ms  statement: SELECT * FROM orders WHERE id = 1`,
  `${P}LOG:  duration: 30.000 ms  statement: SELECT * FROM orders WHERE id = 2`,
  `${P}LOG:  duration: 25.000 ms  execute <unnamed>: UPDATE t SET a = $1`,
  `${P}DETAIL:  parameters: $1 = '1'`,
  `${P}LOG:  duration: 1.000 ms  statement: SELEC broken`,
  `${P}LOG:  duration: 1.5`,
  '',
].join('\n');

describe('queries analyze', () => {
  it('prints exactly the documented JSON, sorted by total time, with unparsed lines and statements counted', async () => {
    const { code, stdout } = await run({ log: file('a.log', LOG), json: true });
    expect(code).toBe(0);
    const body = JSON.parse(stdout);
    expect(Object.keys(body)).toEqual(['statements', 'unparsed', 'queries']);
    expect(body.statements).toBe(4);
    expect(body.unparsed).toBe(2);
    expect(body.queries).toEqual([
      {
        fingerprint: expect.stringMatching(/^[0-9a-f]{16}$/),
        query: 'SELECT * FROM orders WHERE id = $1',
        calls: 2,
        totalMs: 40,
        meanMs: 20,
        maxMs: 30,
      },
      {
        fingerprint: expect.any(String),
        query: 'UPDATE t SET a = $1',
        calls: 1,
        totalMs: 25,
        meanMs: 25,
        maxMs: 25,
      },
    ]);
  });

  it('limits the list with --top and prints a human report with line numbers of what it could not read', async () => {
    const { stdout } = await run({ log: file('b.log', LOG), top: '1' });
    expect(stdout).toContain('4 statements, 1 shown, 2 unparsed');
    expect(stdout).toContain('SELECT * FROM orders WHERE id = $1');
    expect(stdout).not.toContain('UPDATE t SET');
    expect(stdout).toMatch(/line 6: duration message cut short/);
    expect(stdout).toMatch(/line 5: the Postgres parser rejected it: syntax error/);
  });

  it('draws a progress bar on a terminal only for large files', async () => {
    const line = `${P}LOG:  duration: 1.000 ms  statement: SELECT 1\n`;
    const big = file('big.log', line.repeat(Math.ceil((9 * 1024 * 1024) / line.length)));
    expect((await run({ log: big, json: true }, true)).stderr).toMatch(/\[=+\] 100%/);
    expect((await run({ log: big, json: true }, false)).stderr).toBe('');
    expect((await run({ log: file('small.log', LOG), json: true }, true)).stderr).toBe('');
    // Two analyses of 9 MB: seconds on a busy machine.
  }, 60_000);

  it('renders the bar proportionally', () => {
    expect(renderProgress(50, 100)).toBe(`\r[${'='.repeat(15)}${' '.repeat(15)}]  50% 0.0/0.0 MiB`);
  });

  it('rejects an unknown log format, naming the formats and the flags that fix it', async () => {
    const garbage = file('garbage.bin', Buffer.from([0, 1, 2, 255, 254, 10, 0, 0, 10, 97, 98, 10]));
    const error = await run({ log: garbage }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(/none of stderr, csvlog, jsonlog/);
    expect((error as Error).message).toMatch(/--format stderr with --prefix/);
  });

  it('rejects a prefix that matches nothing, a bad format, a bad --top and a missing file', async () => {
    await expect(run({ log: file('c.log', LOG), format: 'stderr', prefix: '%m [%p] ' })).rejects.toThrow(
      /no known log_line_prefix|log_line_prefix "%m \[%p\] "/,
    );
    await expect(run({ log: file('d.log', LOG), format: 'xml' })).rejects.toThrow(
      /--format must be one of auto, stderr, csvlog, jsonlog/,
    );
    await expect(run({ log: file('e.log', LOG), top: '0' })).rejects.toThrow(
      /--top must be a positive integer/,
    );
    await expect(run({ log: join(dir, 'missing.log') })).rejects.toThrow(
      /cannot read --log .*missing\.log: ENOENT/,
    );
    await expect(run({})).rejects.toThrow(InputError);
  });

  it('is exported as the queries analyze command', () => {
    expect(queriesAnalyzeCommand).toMatchObject({ group: 'queries', name: 'analyze' });
  });
});
