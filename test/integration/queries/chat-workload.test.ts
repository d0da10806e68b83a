import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { HypopgPlanner } from '../../../functions/adapters/postgres/hypopg-planner';
import { createSqlParser } from '../../../functions/adapters/postgres/sql-parser';
import { PostgresStatisticsReader } from '../../../functions/adapters/postgres/statistics-reader';
import { adviseDatabase, type DatabaseAdvice } from '../../../functions/core/queries/advisor/advise-database';
import { type PostgresServer, startPostgres } from '../../../local/process/services';
import { ADVICE_JSON_KEYS, adviseJson } from './advise-cli';
import { CHAT_SCHEMA, MISSING, TRAPS } from './chat-workload';

jest.setTimeout(240_000);

// A private server: pg_stat_statements is cluster-wide, and the log must hold only this workload.
let pg: PostgresServer;
let client: Client;
let advice: DatabaseAdvice;
const RUNS = 6;
const MARKER = 'misybot_chat_workload_done';
const CHAT_TABLES = /\b(messages|users|events|attachments|conversations|plans|tenants)\b/;

const LIKE_PREFIX = MISSING.find((q) => q.shape.startsWith("LIKE 'prefix%'"))!;
const WITHOUT_SAMPLES = new Set(MISSING.filter((q) => q !== LIKE_PREFIX).map((q) => q.index));

async function csvLog(): Promise<string> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const name = (existsSync(pg.logDir) ? readdirSync(pg.logDir) : []).find((n) => n.endsWith('.csv'));
    if (name && readFileSync(join(pg.logDir, name), 'utf8').includes(MARKER)) return join(pg.logDir, name);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the logging collector never wrote ${MARKER} to a csvlog in ${pg.logDir}`);
}

beforeAll(async () => {
  pg = await startPostgres({
    settings: { logging_collector: true, log_destination: 'csvlog', log_min_duration_statement: 0 },
  });
  client = new Client({ connectionString: pg.url });
  await client.connect();
  await client.query(CHAT_SCHEMA);
  await client.query('SELECT pg_stat_statements_reset()');
  // Literal SQL over the simple protocol, as an ORM without bind parameters sends it.
  for (let i = 0; i < RUNS; i += 1) for (const q of [...MISSING, ...TRAPS]) await client.query(q.sql(i));
  await client.query(`SELECT '${MARKER}'`);
  advice = await adviseDatabase(
    {
      stats: new PostgresStatisticsReader(client),
      parser: await createSqlParser(),
      planner: new HypopgPlanner(client),
    },
    { minCalls: RUNS, minMeanMs: 0 },
  );
});

afterAll(async () => {
  await client?.end();
  await pg?.stop();
});

describe('index advisor on a chat workload (PostgreSQL 15, hypopg)', () => {
  it('plans every statement PostgreSQL can plan with its literals: typed literals, LIMITs and all', () => {
    expect(advice.skipped.filter((s) => s.kind === 'cannot-plan' || s.kind === 'unparsable')).toEqual([]);
  });

  it.each(MISSING.filter((q) => q !== LIKE_PREFIX).map((q) => [q.shape, q]))(
    'finds the missing index for %s',
    (_shape, q) => {
      const recommendation = advice.recommendations.find((r) => r.sql === q.index);
      expect(recommendation).toBeDefined();
      expect(recommendation!.costAfter).toBeLessThan(recommendation!.costBefore);
    },
  );

  it('recommends no trap: every recommendation is one of the known missing indexes', () => {
    expect(new Set(advice.recommendations.map((r) => r.sql))).toEqual(WITHOUT_SAMPLES);
  });

  it('proposes the foreign-key join index together with the index on the other side', () => {
    const attachments = advice.recommendations.find((r) => r.table === 'public.attachments')!;
    expect(attachments.requires).toEqual(['CREATE INDEX CONCURRENTLY ON public.messages (conversation_id)']);
    expect(attachments.queries).toEqual([
      expect.stringContaining('JOIN attachments a ON a.message_id = m.id'),
    ]);
  });

  it('lists the LIKE queries it cannot judge from normalised text, and why, instead of guessing', () => {
    const unknown = advice.skipped.filter((s) => s.kind === 'pattern-unknown').map((s) => s.query);
    expect(unknown.sort()).toEqual([
      'SELECT id FROM messages WHERE body LIKE $1',
      'SELECT id FROM users WHERE username LIKE $1',
    ]);
    expect(
      advice.skipped
        .filter((s) => s.kind === 'nothing-to-index')
        .map((s) => s.query)
        .sort(),
    ).toEqual([
      'SELECT count(*) FROM messages WHERE created_at::date = $1',
      'SELECT id FROM messages WHERE sender_id = $1 OR tenant_id = $2',
      'SELECT id FROM users WHERE lower(username) = $1',
    ]);
  });

  it("with the server log's literals finds the LIKE 'prefix%' index, still skips the '%infix%' search, and says so in JSON", async () => {
    const { code, body } = await adviseJson({
      'database-url': pg.url,
      'min-calls': String(RUNS),
      'min-mean-ms': '0',
      log: await csvLog(),
    });
    expect(code).toBe(0);
    expect(Object.keys(body)).toEqual(ADVICE_JSON_KEYS);
    const sql = new Set(body.recommendations.map((r: { sql: string }) => r.sql));
    expect(sql).toEqual(new Set(MISSING.map((q) => q.index)));
    // The advisor's own first run left its catalogue and hypopg statements in pg_stat_statements too.
    const workload = body.notConsidered.filter((s: { query: string }) => CHAT_TABLES.test(s.query));
    expect(workload.map((s: { kind: string; query: string }) => [s.kind, s.query]).sort()).toEqual([
      ['nothing-to-index', 'SELECT count(*) FROM messages WHERE created_at::date = $1'],
      ['nothing-to-index', 'SELECT id FROM messages WHERE sender_id = $1 OR tenant_id = $2'],
      ['nothing-to-index', 'SELECT id FROM users WHERE lower(username) = $1'],
    ]);
    for (const skipped of body.notConsidered)
      expect(Object.keys(skipped)).toEqual(['query', 'kind', 'reason']);
    expect((await client.query('SELECT count(*)::int AS n FROM hypopg_list_indexes')).rows[0].n).toBe(0);
  });
});
