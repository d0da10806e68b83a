/**
 * A chat platform's database with known missing indexes and known traps, for the index advisor's
 * integration test. Every statement runs with its literals (as an ORM without bind parameters
 * sends them), so pg_stat_statements shows its normalised text (`interval $2`, `LIMIT $3`, …) and
 * the server log holds the literal statement.
 *
 * Sizes are chosen so each missing index halves a query's planner cost and each trap does not:
 * 200,000 messages over 25,000 conversations and 200 tenants; 100,000 users of 2,000 tenants in 3
 * statuses.
 */
export const CHAT_SCHEMA = `
  CREATE TABLE tenants (id bigserial PRIMARY KEY, name text NOT NULL);
  INSERT INTO tenants (name) SELECT 'tenant ' || i FROM generate_series(1, 2000) i;

  CREATE TABLE users (
    id bigserial PRIMARY KEY, tenant_id bigint NOT NULL REFERENCES tenants, username text COLLATE "en-x-icu" NOT NULL,
    email text NOT NULL, status text NOT NULL, created_at timestamptz NOT NULL);
  INSERT INTO users (tenant_id, username, email, status, created_at)
    SELECT 1 + i % 2000, 'user' || md5(i::text), 'u' || i || '@example.com',
           (ARRAY['active', 'away', 'offline'])[1 + i % 3], now() - i * interval '1 minute'
      FROM generate_series(1, 100000) i;

  CREATE TABLE conversations (id bigserial PRIMARY KEY, tenant_id bigint NOT NULL REFERENCES tenants,
    title text NOT NULL, created_at timestamptz NOT NULL);
  INSERT INTO conversations (tenant_id, title, created_at)
    SELECT 1 + i % 200, 'conversation ' || i, timestamptz '2024-06-01' - i * interval '10 seconds'
      FROM generate_series(1, 25000) i;

  CREATE TABLE messages (id bigserial PRIMARY KEY, conversation_id bigint NOT NULL REFERENCES conversations,
    tenant_id bigint NOT NULL, sender_id bigint NOT NULL, body text NOT NULL, created_at timestamptz NOT NULL,
    deleted boolean NOT NULL DEFAULT false);
  INSERT INTO messages (conversation_id, tenant_id, sender_id, body, created_at, deleted)
    SELECT 1 + i % 25000, 1 + (i % 25000) % 200, 1 + (i * 7) % 100000, 'hello number ' || i,
           now() - i * interval '10 seconds', i % 2 = 0
      FROM generate_series(1, 200000) i;

  CREATE TABLE attachments (id bigserial PRIMARY KEY, message_id bigint NOT NULL REFERENCES messages,
    url text NOT NULL);
  INSERT INTO attachments (message_id, url)
    SELECT 1 + (i * 7) % 200000, 'https://files.example.com/' || i FROM generate_series(1, 50000) i;

  -- kind has 25 values, tenant_id 200: only the pair is selective, and tenant_id should lead.
  CREATE TABLE events (id bigserial PRIMARY KEY, kind int NOT NULL, tenant_id bigint NOT NULL,
    payload text NOT NULL);
  INSERT INTO events (kind, tenant_id, payload)
    SELECT i % 25, (i / 25) % 200, repeat('x', 40) FROM generate_series(1, 300000) i;

  CREATE TABLE plans (id serial PRIMARY KEY, name text NOT NULL);
  INSERT INTO plans (name) VALUES ('free'), ('team'), ('business'), ('enterprise');

  -- Already served: a lookup by email must not be advised again.
  CREATE INDEX users_email ON users (email);
  -- A sample of all 100,000 users (300 rows per unit of target): ANALYZE's default 30,000-row
  -- random sample put a 'prefix%' estimate on either side of the halving threshold from run to run.
  ALTER TABLE users ALTER COLUMN username SET STATISTICS 400;
  ANALYZE;`;

/** One query of the workload, with the shape it stands for. */
export interface WorkloadQuery {
  readonly shape: string;
  readonly sql: (i: number) => string;
}

/** Queries a missing index makes much cheaper, and the index each needs. */
export const MISSING: ReadonlyArray<WorkloadQuery & { readonly index: string }> = [
  {
    shape: 'recent events per tenant: typed interval literal, ORDER BY … LIMIT with a filter',
    sql: (i) =>
      `SELECT id, body FROM messages WHERE tenant_id = ${1 + (i % 200)} AND created_at > now() - interval '1 day' ORDER BY created_at DESC LIMIT 50`,
    index: 'CREATE INDEX CONCURRENTLY ON public.messages (tenant_id, created_at)',
  },
  {
    shape: 'ORDER BY … LIMIT without a filter',
    sql: () => 'SELECT id, body FROM messages ORDER BY created_at DESC LIMIT 20',
    index: 'CREATE INDEX CONCURRENTLY ON public.messages (created_at)',
  },
  {
    shape: 'typed date literals bounding a range',
    sql: (i) =>
      `SELECT count(*) FROM messages WHERE created_at >= date '2024-06-0${1 + (i % 5)}' AND created_at < date '2024-06-0${2 + (i % 5)}'`,
    index: 'CREATE INDEX CONCURRENTLY ON public.messages (created_at)',
  },
  {
    shape: '= ANY($1) over an array',
    sql: (i) =>
      `SELECT id, body FROM messages WHERE conversation_id = ANY('{${i + 1},${i + 2},${i + 3}}'::bigint[])`,
    index: 'CREATE INDEX CONCURRENTLY ON public.messages (conversation_id)',
  },
  {
    shape: 'IN list',
    sql: (i) => `SELECT id, username FROM users WHERE tenant_id IN (${1 + (i % 200)}, ${2 + (i % 150)}, 7)`,
    index: 'CREATE INDEX CONCURRENTLY ON public.users (tenant_id)',
  },
  {
    shape: "LIKE 'prefix%' (advised with a log sample)",
    sql: (i) => `SELECT id FROM users WHERE username LIKE 'user${(i % 16).toString(16)}a%'`,
    // A linguistic collation, as most production databases have: only the pattern class serves LIKE.
    index: 'CREATE INDEX CONCURRENTLY ON public.users (username text_pattern_ops)',
  },
  {
    shape: 'join on a foreign key without an index on either side',
    sql: (i) =>
      `SELECT a.url FROM messages m JOIN attachments a ON a.message_id = m.id WHERE m.conversation_id = ${1 + i}`,
    index: 'CREATE INDEX CONCURRENTLY ON public.attachments (message_id)',
  },
  {
    shape: 'two equality columns: the more selective (tenant_id) leads',
    sql: (i) => `SELECT id FROM events WHERE kind = ${i % 25} AND tenant_id = ${i % 200}`,
    index: 'CREATE INDEX CONCURRENTLY ON public.events (tenant_id, kind)',
  },
  {
    shape: 'typed timestamp literal with a tenant filter',
    sql: (i) =>
      `SELECT id FROM conversations WHERE tenant_id = ${1 + (i % 200)} AND created_at > timestamp '2024-05-31 23:00:00'`,
    index: 'CREATE INDEX CONCURRENTLY ON public.conversations (tenant_id, created_at)',
  },
];

/** Queries no b-tree index makes much cheaper, or that an existing index already serves. */
export const TRAPS: readonly WorkloadQuery[] = [
  {
    shape: 'low-selectivity column (3 statuses), rows fetched',
    sql: (i) => `SELECT id, username FROM users WHERE status = '${['active', 'away', 'offline'][i % 3]}'`,
  },
  { shape: 'boolean flag, half the rows', sql: () => 'SELECT id, body FROM messages WHERE deleted = true' },
  {
    shape: "LIKE '%infix%': no b-tree answers it",
    sql: (i) => `SELECT id FROM messages WHERE body LIKE '%number ${i}7%'`,
  },
  { shape: 'function on the column', sql: (i) => `SELECT id FROM users WHERE lower(username) = 'user${i}'` },
  {
    shape: 'cast on the column',
    sql: () => "SELECT count(*) FROM messages WHERE created_at::date = '2024-06-02'",
  },
  { shape: 'tiny table', sql: (i) => `SELECT id FROM plans WHERE name = '${['free', 'team'][i % 2]}'` },
  {
    shape: 'already indexed (users_email)',
    sql: (i) => `SELECT id FROM users WHERE email = 'u${i}@example.com'`,
  },
  {
    shape: 'OR across columns',
    sql: (i) => `SELECT id FROM messages WHERE sender_id = ${i} OR tenant_id = ${i}`,
  },
];
