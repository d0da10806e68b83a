import { Client } from 'pg';
import { HypopgPlanner } from '../../../functions/adapters/postgres/hypopg-planner';
import { createSqlParser } from '../../../functions/adapters/postgres/sql-parser';
import { PostgresStatisticsReader } from '../../../functions/adapters/postgres/statistics-reader';
import { adviseDatabase } from '../../../functions/core/queries/advisor/advise-database';
import { type PostgresServer, startPostgres } from '../../../local/process/services';
import { ADVICE_JSON_KEYS, adviseJson } from './advise-cli';

jest.setTimeout(120_000);

// A private server: pg_stat_statements is cluster-wide, so other test files' queries would
// otherwise join the workload and "exactly these recommendations" could not be asserted.
let pg: PostgresServer;
let client: Client;

const SCHEMA = `
  CREATE TABLE orders (id bigserial PRIMARY KEY, customer_id int NOT NULL, status text NOT NULL, total numeric NOT NULL);
  INSERT INTO orders (customer_id, status, total)
    SELECT i % 20000, (ARRAY['new', 'paid', 'shipped'])[i % 3 + 1], i FROM generate_series(1, 200000) i;
  -- account_id alone matches 2 % of the rows and kind alone 2.5 %: only the pair is selective.
  CREATE TABLE events (id bigserial PRIMARY KEY, account_id int NOT NULL, kind int NOT NULL, payload text NOT NULL);
  INSERT INTO events (account_id, kind, payload)
    SELECT i % 50, (i / 50) % 40, repeat('x', 40) FROM generate_series(1, 200000) i;
  CREATE TABLE products (id bigserial PRIMARY KEY, sku text NOT NULL, name text NOT NULL);
  INSERT INTO products (sku, name) SELECT 'sku-' || i, 'product ' || i FROM generate_series(1, 100000) i;
  CREATE INDEX products_sku_name ON products (sku, name);
  CREATE INDEX products_sku ON products (sku);
  CREATE INDEX orders_total ON orders (total);
  ANALYZE;
  SELECT pg_stat_statements_reset();`;

beforeAll(async () => {
  pg = await startPostgres();
  client = new Client({ connectionString: pg.url });
  await client.connect();
  await client.query(SCHEMA);
  for (let i = 0; i < 30; i += 1) {
    await client.query('SELECT * FROM orders WHERE customer_id = $1', [i]);
    await client.query('SELECT * FROM events WHERE account_id = $1 AND kind = $2', [i % 50, i % 40]);
    // Already covered by products_sku_name (and products_sku): must not be recommended.
    await client.query('SELECT * FROM products WHERE sku = $1', [`sku-${i}`]);
  }
  // PG15 flushes index scan counters lazily; make idx_scan current before reading it.
  await client.query('SELECT pg_stat_force_next_flush()');
});

afterAll(async () => {
  await client?.end();
  await pg?.stop();
});

const indexNames = async () =>
  (await client.query("SELECT indexname FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1")).rows.map(
    (r) => r.indexname,
  );

describe('index advisor on a real PostgreSQL 15 with hypopg', () => {
  it('finds exactly the missing single- and two-column indexes, proved by cost, and nothing already covered', async () => {
    const before = await indexNames();
    const advice = await adviseDatabase(
      {
        stats: new PostgresStatisticsReader(client),
        parser: await createSqlParser(),
        planner: new HypopgPlanner(client),
      },
      { minCalls: 20, minMeanMs: 0, unusedIndexMinBytes: 0 },
    );
    expect(advice.recommendations.map((r) => [r.table, r.columns, r.sql])).toEqual(
      expect.arrayContaining([
        [
          'public.events',
          ['account_id', 'kind'],
          'CREATE INDEX CONCURRENTLY ON public.events (account_id, kind)',
        ],
        ['public.orders', ['customer_id'], 'CREATE INDEX CONCURRENTLY ON public.orders (customer_id)'],
      ]),
    );
    expect(advice.recommendations).toHaveLength(2);
    for (const r of advice.recommendations) {
      expect(r.costAfter).toBeLessThanOrEqual(r.costBefore * 0.5);
      expect(r.estimatedSavingsMs).toBeGreaterThan(0);
      expect(r.queries).toHaveLength(1);
    }
    const savings = advice.recommendations.map((r) => r.estimatedSavingsMs);
    expect(savings).toEqual([...savings].sort((a, b) => b - a));
    expect(advice.skipped).toEqual([]);

    expect(advice.duplicateIndexes.map((d) => [d.name, d.coveredBy])).toEqual([
      ['products_sku', 'products_sku_name'],
    ]);
    // The sku lookups scanned one of the two products indexes (the planner's choice); orders_total nothing.
    const unused = advice.unusedIndexes.map((u) => u.name);
    expect(unused).toContain('orders_total');
    expect(unused.filter((name) => name.startsWith('products_'))).toHaveLength(1);
    expect(unused.every((name) => ['orders_total', 'products_sku', 'products_sku_name'].includes(name))).toBe(
      true,
    );

    expect(await indexNames()).toEqual(before);
    expect((await client.query('SELECT count(*)::int AS n FROM hypopg_list_indexes')).rows[0].n).toBe(0);
  });

  it('prints the documented JSON through the CLI and leaves no index, real or hypothetical, behind', async () => {
    const before = await indexNames();
    const { code, body } = await adviseJson({
      'database-url': pg.url,
      'min-calls': '20',
      'min-mean-ms': '0',
    });
    expect(code).toBe(0);
    expect(Object.keys(body)).toEqual(ADVICE_JSON_KEYS);
    expect(body.recommendations).toHaveLength(2);
    for (const r of body.recommendations) {
      expect(Object.keys(r)).toEqual([
        'table',
        'columns',
        'sql',
        'queries',
        'costBefore',
        'costAfter',
        'estimatedSavingsMs',
        'requires',
      ]);
    }
    expect(await indexNames()).toEqual(before);
    // The CLI's own session ended, and with it its hypothetical indexes; this session has none either.
    expect((await client.query('SELECT count(*)::int AS n FROM hypopg_list_indexes')).rows[0].n).toBe(0);
  });

  it('applies the default PgHero thresholds: 30 calls are below --min-calls 100', async () => {
    expect((await adviseJson({ 'database-url': pg.url })).body.recommendations).toEqual([]);
  });

  it('reads the connection figures pool sizing needs', async () => {
    const figures = await new PostgresStatisticsReader(client).connections();
    expect(figures.maxConnections).toBe(100);
    expect(figures.reservedConnections).toBe(3);
    expect(figures.currentConnections).toBeGreaterThanOrEqual(1);
  });
});
