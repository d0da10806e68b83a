import { Client } from 'pg';
import { queriesAdviseCommand } from '../../../bin/commands/queries-advise';
import { InputError } from '../../../functions/shared/errors';
import { type PostgresServer, startPostgres } from '../../../local/process/services';
import { sharedPostgresUrl, uniqueTestName } from '../harness/env';

jest.setTimeout(60_000);

const advise = (url: string) =>
  queriesAdviseCommand.run(
    { values: { 'database-url': url, json: true }, positionals: [] },
    { stdout: () => undefined, stderr: () => undefined },
  );

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

describe('queries advise against databases missing an extension', () => {
  const created: string[] = [];
  let admin: Client;

  beforeAll(async () => {
    admin = new Client({ connectionString: sharedPostgresUrl() });
    await admin.connect();
  });

  afterAll(async () => {
    for (const database of created) await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  });

  async function createDatabase(extensions: string[]): Promise<string> {
    const database = uniqueTestName('advise_noext');
    await admin.query(`CREATE DATABASE ${database}`);
    created.push(database);
    const url = withDatabase(sharedPostgresUrl(), database);
    const client = new Client({ connectionString: url });
    await client.connect();
    for (const extension of extensions) await client.query(`CREATE EXTENSION ${extension}`);
    await client.end();
    return url;
  }

  it('says to CREATE EXTENSION pg_stat_statements when the database lacks it', async () => {
    const error = await advise(await createDatabase([])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(
      /pg_stat_statements extension is not created in this database: run CREATE EXTENSION pg_stat_statements/,
    );
  });

  it('says to CREATE EXTENSION hypopg when only hypopg is missing', async () => {
    const error = await advise(await createDatabase(['pg_stat_statements'])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(
      /hypopg extension .* is not created in this database: run CREATE EXTENSION hypopg/,
    );
  });
});

describe('queries advise against a server that does not preload pg_stat_statements', () => {
  let pg: PostgresServer;

  beforeAll(async () => {
    pg = await startPostgres({ settings: { shared_preload_libraries: '' } });
  });

  afterAll(async () => {
    await pg?.stop();
  });

  it('says to add it to shared_preload_libraries and restart', async () => {
    const error = await advise(pg.url).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(
      /created but not loaded by the server: add pg_stat_statements to shared_preload_libraries .* and restart/,
    );
  });
});
