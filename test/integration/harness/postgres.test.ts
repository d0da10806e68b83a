import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { type PostgresServer, startPostgres } from '../../../local/process/services';
import { sharedPostgresUrl, uniqueTestName } from './env';

// Some tests start and stop their own servers: initdb alone can take seconds on a loaded CI machine.
jest.setTimeout(30_000);

async function explain(client: Client, sql: string): Promise<string> {
  const { rows } = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`);
  return rows.map((row) => row['QUERY PLAN']).join('\n');
}

describe('shared PostgreSQL from globalSetup', () => {
  // Test files share the server: everything this file creates lives in its own schema.
  const schema = uniqueTestName('harness');
  // One connection, not a pool: hypopg's hypothetical indexes exist only in the backend that made them.
  let client: Client;

  beforeAll(async () => {
    client = new Client({ connectionString: sharedPostgresUrl() });
    await client.connect();
    await client.query(`CREATE SCHEMA ${schema}; SET search_path TO ${schema}, public`);
  });
  afterAll(async () => {
    await client?.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client?.end();
  });

  test('runs PostgreSQL 15 with pg_stat_statements and hypopg in misybot_test', async () => {
    const version = await client.query<{ v: number }>(
      "SELECT current_setting('server_version_num')::int AS v",
    );
    expect(Math.floor(version.rows[0]!.v / 10000)).toBe(15);
    const db = await client.query<{ name: string }>('SELECT current_database() AS name');
    expect(db.rows[0]!.name).toBe('misybot_test');
    const extensions = await client.query<{ extname: string }>('SELECT extname FROM pg_extension ORDER BY 1');
    expect(extensions.rows.map((row) => row.extname)).toEqual(
      expect.arrayContaining(['hypopg', 'pg_stat_statements']),
    );
  });

  test('pg_stat_statements records a normalised query and counts its calls', async () => {
    const marker = uniqueTestName('probe');
    await client.query(`SELECT $1::int AS ${marker}`, [1]);
    await client.query(`SELECT $1::int AS ${marker}`, [2]);
    const { rows } = await client.query<{ calls: string; query: string }>(
      'SELECT calls::text, query FROM pg_stat_statements WHERE query LIKE $1 AND query NOT LIKE $2',
      [`%${marker}%`, '%pg_stat_statements%'],
    );
    expect(rows).toEqual([{ calls: '2', query: `SELECT $1::int AS ${marker}` }]);
  });

  test('hypopg: a hypothetical index turns a Seq Scan into an Index Scan until hypopg_reset()', async () => {
    await client.query('CREATE TABLE t (id int, col int)');
    await client.query('INSERT INTO t SELECT g, g FROM generate_series(1, 100000) AS g');
    await client.query('ANALYZE t');
    const query = 'SELECT * FROM t WHERE col = 42';
    expect(await explain(client, query)).toMatch(/Seq Scan on t\b/);

    const created = await client.query<{ indexrelid: number; indexname: string }>(
      "SELECT * FROM hypopg_create_index('CREATE INDEX ON t (col)')",
    );
    const indexName = created.rows[0]!.indexname;
    expect(indexName).toMatch(/^<\d+>btree_t_col$/);
    const plan = await explain(client, query);
    expect(plan).toContain(`Index Scan using "${indexName}" on t`);
    expect(plan).not.toMatch(/Seq Scan/);

    await client.query('SELECT hypopg_reset()');
    const left = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM hypopg_list_indexes');
    expect(left.rows[0]!.n).toBe(0);
    const real = await client.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_indexes WHERE schemaname = $1 AND tablename = 't'",
      [schema],
    );
    expect(real.rows[0]!.n).toBe(0);
    expect(await explain(client, query)).toMatch(/Seq Scan on t\b/);
  });
});

describe('private PostgreSQL from startPostgres()', () => {
  let server: PostgresServer | undefined;

  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  test('extra settings apply: statements reach a csvlog file in logDir, and stop() removes the cluster', async () => {
    server = await startPostgres({
      settings: {
        log_min_duration_statement: 0,
        logging_collector: true,
        log_destination: 'csvlog',
        log_line_prefix: '%m [%p] %q%u@%d ',
      },
    });
    const marker = uniqueTestName('logged');
    const client = new Client({ connectionString: server.url });
    await client.connect();
    const shown = await client.query<{ log_min_duration_statement: string }>(
      'SHOW log_min_duration_statement',
    );
    expect(shown.rows[0]!.log_min_duration_statement).toBe('0');
    await client.query(`SELECT 1 AS ${marker}`);
    await client.end();

    const { logDir, dataDir } = server;
    const csvMentionsMarker = () =>
      existsSync(logDir) &&
      readdirSync(logDir)
        .filter((file) => file.endsWith('.csv'))
        .some((file) => readFileSync(join(logDir, file), 'utf8').includes(marker));
    // The logging collector writes asynchronously: give it a moment rather than racing it.
    for (let waited = 0; waited < 5000 && !csvMentionsMarker(); waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(csvMentionsMarker()).toBe(true);

    await server.stop();
    expect(existsSync(dataDir)).toBe(false);
  });

  test('a missing installation is reported with the packages to install', async () => {
    await expect(startPostgres({ binDir: '/nonexistent/postgresql/15/bin' })).rejects.toThrow(
      'postgres 15 not found in /nonexistent/postgresql/15/bin: apt-get install -y postgresql-15 postgresql-15-hypopg',
    );
  });
});
