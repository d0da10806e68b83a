import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { queriesAnalyzeCommand } from '../../../bin/commands/queries-analyze';
import { createSqlParser } from '../../../functions/adapters/postgres/sql-parser';
import { createLogParser } from '../../../functions/core/queries/log/log-parser';
import { LogAggregator, type LogWorkload } from '../../../functions/core/queries/log-aggregate';
import { StatementClassifier } from '../../../functions/core/queries/statement-classifier';
import { type PostgresServer, startPostgres } from '../../../local/process/services';

jest.setTimeout(60_000);

const PREFIX = '%t:%r:%u@%d:[%p]:';
const MARKER = 'misybot_log_marker';
let pg: PostgresServer;
const files: Record<'stderr' | 'csvlog' | 'jsonlog', string> = { stderr: '', csvlog: '', jsonlog: '' };

async function waitForMarker(): Promise<void> {
  const suffix = { stderr: '.log', csvlog: '.csv', jsonlog: '.json' } as const;
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const names = existsSync(pg.logDir) ? readdirSync(pg.logDir) : [];
    const ready = (Object.keys(suffix) as Array<keyof typeof suffix>).every((format) => {
      const name = names.find((n) => n.endsWith(suffix[format]));
      if (!name) return false;
      files[format] = join(pg.logDir, name);
      return readFileSync(files[format], 'utf8').includes(MARKER);
    });
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the logging collector never wrote ${MARKER} to all three files in ${pg.logDir}`);
}

beforeAll(async () => {
  pg = await startPostgres({
    settings: {
      logging_collector: true,
      log_destination: 'stderr,csvlog,jsonlog',
      log_line_prefix: PREFIX,
      log_min_duration_statement: 0,
    },
  });
  const client = new Client({ connectionString: pg.url });
  await client.connect();
  try {
    await client.query('CREATE TABLE items (id int PRIMARY KEY, name text)');
    for (let i = 0; i < 5; i += 1) await client.query(`SELECT name FROM items WHERE id = ${i}`);
    for (let i = 0; i < 3; i += 1) await client.query('SELECT id FROM items WHERE name = $1', [`n${i}`]);
    await client.query('SELECT id,\n       name\n  FROM items\n WHERE id > 10');
    await client.query(`SELECT '${MARKER}'`);
  } finally {
    await client.end();
  }
  await waitForMarker();
});

afterAll(async () => {
  await pg?.stop();
});

async function analyze(file: string): Promise<{ workload: LogWorkload; unparsed: number }> {
  const parser = createLogParser({ format: 'auto' });
  const aggregator = new LogAggregator(new StatementClassifier(await createSqlParser()));
  for (const entry of [...parser.push(readFileSync(file, 'utf8')), ...parser.end()]) aggregator.add(entry);
  return { workload: aggregator.result(), unparsed: parser.unparsed.count };
}

const mine = (workload: LogWorkload) =>
  Object.fromEntries(
    workload.queries
      .filter((q) => /items/.test(q.query) && !/CREATE/.test(q.query))
      .map((q) => [q.query, q.calls]),
  );

describe('log parsing on logs the server wrote', () => {
  it.each(['stderr', 'csvlog', 'jsonlog'] as const)(
    'reads %s completely and agrees on every query',
    async (format) => {
      const { workload, unparsed } = await analyze(files[format]);
      expect(unparsed).toBe(0);
      expect(mine(workload)).toEqual({
        'SELECT name FROM items WHERE id = $1': 5,
        'SELECT id FROM items WHERE name = $1': 3,
        'SELECT id,\n       name\n  FROM items\n WHERE id > $1': 1,
      });
      const bound = workload.queries.find((q) => q.query === 'SELECT id FROM items WHERE name = $1');
      expect(bound?.slowest.parameters).toMatch(/^\$1 = 'n\d'$/);
    },
  );

  it('gives the same fingerprints whichever format the server wrote', async () => {
    const fingerprints = await Promise.all(
      (['stderr', 'csvlog', 'jsonlog'] as const).map(async (format) =>
        (await analyze(files[format])).workload.queries.map((q) => `${q.fingerprint}:${q.calls}`).sort(),
      ),
    );
    expect(fingerprints[1]).toEqual(fingerprints[0]);
    expect(fingerprints[2]).toEqual(fingerprints[0]);
  });

  it('analyses the server-written stderr log through the CLI with the RDS prefix given explicitly', async () => {
    const out: string[] = [];
    const code = await queriesAnalyzeCommand.run(
      {
        values: { log: files.stderr, format: 'stderr', prefix: PREFIX, json: true, top: '50' },
        positionals: [],
      },
      { stdout: (text) => out.push(text), stderr: () => undefined },
    );
    expect(code).toBe(0);
    const body = JSON.parse(out.join(''));
    expect(body.unparsed).toBe(0);
    expect(body.queries).toContainEqual(
      expect.objectContaining({ query: 'SELECT name FROM items WHERE id = $1', calls: 5 }),
    );
    const totals = body.queries.map((q: { totalMs: number }) => q.totalMs);
    expect(totals).toEqual([...totals].sort((a: number, b: number) => b - a));
  });
});
