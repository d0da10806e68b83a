import { Client } from 'pg';
import { applyRolesMigration } from '../../../functions/adapters/postgres/roles-migration';
import { sharedPostgresUrl, uniqueTestName } from '../harness/env';

/**
 * The migration against real PostgreSQL 15, run by a master like Aurora's: CREATEROLE and
 * CREATEDB, owner of the database, but no superuser. rds_iam is Aurora's own role, made here.
 */
const base = new URL(sharedPostgresUrl());
const database = uniqueTestName('roles_db');
const master = uniqueTestName('master');
const appUser = uniqueTestName('app');
const advisorUser = uniqueTestName('advisor');
const options = { database, appUser, advisorUser };

async function connect(user: string, db = database): Promise<Client> {
  const client = new Client({ host: base.hostname, port: Number(base.port), user, database: db });
  await client.connect();
  return client;
}

async function as<T>(user: string, run: (client: Client) => Promise<T>): Promise<T> {
  const client = await connect(user);
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  const superuser = await connect('postgres', base.pathname.slice(1));
  try {
    await superuser.query(
      "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'rds_iam') THEN CREATE ROLE rds_iam NOLOGIN; END IF; END $$",
    );
    await superuser.query(`CREATE ROLE ${master} LOGIN CREATEROLE CREATEDB`);
    await superuser.query(`GRANT pg_monitor, rds_iam TO ${master} WITH ADMIN OPTION`);
    await superuser.query(`CREATE DATABASE ${database} OWNER ${master}`);
  } finally {
    await superuser.end();
  }
  // Aurora lets rds_superuser create these two; a plain PostgreSQL only a superuser.
  await as('postgres', (client) =>
    client.query('CREATE EXTENSION pg_stat_statements; CREATE EXTENSION hypopg'),
  );
  await as(master, (client) => applyRolesMigration(client, options));
});

describe('roles migration on PostgreSQL 15', () => {
  it('runs again without error and leaves the same grants', async () => {
    await expect(as(master, (client) => applyRolesMigration(client, options))).resolves.toHaveLength(20);
  });

  it('lets the app role create and use tables in its own schema, and nothing in public', async () => {
    await as(appUser, async (client) => {
      await client.query('CREATE TABLE messages (id serial PRIMARY KEY, chat text NOT NULL, body text)');
      await client.query(
        "INSERT INTO messages (chat, body) SELECT 'c' || g, 'hello' FROM generate_series(1, 20000) g",
      );
      await client.query('ANALYZE messages');
      const { rows } = await client.query(
        "SELECT count(*)::int AS n, (SELECT schemaname FROM pg_tables WHERE tablename = 'messages') AS schema FROM messages",
      );
      expect(rows[0]).toEqual({ n: 20000, schema: 'app' });
      await expect(client.query('CREATE TABLE public.stray (x int)')).rejects.toThrow(
        /permission denied for schema public/,
      );
    });
  });

  it('lets the advisor read every statement, test hypothetical indexes and EXPLAIN, and write nothing', async () => {
    await as(advisorUser, async (client) => {
      const stats = await client.query(
        "SELECT count(*)::int AS n FROM pg_stat_statements WHERE query LIKE '%messages%' AND userid <> (SELECT oid FROM pg_roles WHERE rolname = current_user)",
      );
      expect(stats.rows[0].n).toBeGreaterThan(0);
      const hypothetical = await client.query(
        "SELECT indexrelid FROM hypopg_create_index('CREATE INDEX ON messages (chat)')",
      );
      expect(hypothetical.rows).toHaveLength(1);
      const plan = await client.query("EXPLAIN SELECT * FROM messages WHERE chat = 'c7'");
      expect(plan.rows.map((row) => row['QUERY PLAN']).join('\n')).toMatch(
        /Index Scan using "<\d+>btree_messages_chat"/,
      );
      await expect(client.query("INSERT INTO messages (chat) VALUES ('x')")).rejects.toThrow(
        /read-only transaction/,
      );
      await expect(client.query('CREATE TABLE other (x int)')).rejects.toThrow(
        /read-only transaction|permission denied/,
      );
    });
  });

  it('gives neither role superuser, role creation or database creation, and both IAM login', async () => {
    const { rows } = await as(master, (client) =>
      client.query(
        `SELECT rolname, rolsuper, rolcreaterole, rolcreatedb, pg_has_role(rolname, 'rds_iam', 'MEMBER') AS iam
           FROM pg_roles WHERE rolname IN ($1, $2) ORDER BY rolname = $1 DESC`,
        [appUser, advisorUser],
      ),
    );
    expect(rows).toEqual([
      { rolname: appUser, rolsuper: false, rolcreaterole: false, rolcreatedb: false, iam: true },
      { rolname: advisorUser, rolsuper: false, rolcreaterole: false, rolcreatedb: false, iam: true },
    ]);
  });

  it('keeps roles without a grant out of the database', async () => {
    const outsider = uniqueTestName('outsider');
    await as(master, (client) => client.query(`CREATE ROLE ${outsider} LOGIN`));
    await expect(connect(outsider)).rejects.toThrow(/permission denied for database/);
  });
});
