import type { ClientBase } from 'pg';
import { MissingExtensionError, sqlState } from './errors';

async function installed(client: ClientBase, name: string): Promise<boolean> {
  const result = await client.query<{ found: boolean }>(
    'SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = $1) AS found',
    [name],
  );
  return result.rows[0]?.found === true;
}

/**
 * Checks that pg_stat_statements is created in this database and loaded by the server.
 * @throws {MissingExtensionError} saying which of the two is missing and how to fix it.
 */
export async function ensureStatStatements(client: ClientBase): Promise<void> {
  if (!(await installed(client, 'pg_stat_statements'))) {
    throw new MissingExtensionError(
      'pg_stat_statements',
      'run CREATE EXTENSION pg_stat_statements; in this database (the server also needs ' +
        "shared_preload_libraries = 'pg_stat_statements' and a restart; on RDS/Aurora set it in the DB parameter group)",
      'the pg_stat_statements extension is not created in this database',
    );
  }
  try {
    await client.query('SELECT 1 FROM pg_stat_statements LIMIT 1');
  } catch (error) {
    // 55000 object_not_in_prerequisite_state: the view exists but the library was never loaded.
    if (sqlState(error) !== '55000') throw error;
    throw new MissingExtensionError(
      'pg_stat_statements',
      'add pg_stat_statements to shared_preload_libraries (postgresql.conf, or the DB parameter group on RDS/Aurora) and restart the server',
      'pg_stat_statements is created but not loaded by the server',
      { cause: error },
    );
  }
}

/**
 * Checks that hypopg is created in this database.
 * @throws {MissingExtensionError} saying whether to install the package or only create the extension.
 */
export async function ensureHypopg(client: ClientBase): Promise<void> {
  if (await installed(client, 'hypopg')) return;
  const available = await client.query<{ found: boolean }>(
    "SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'hypopg') AS found",
  );
  if (available.rows[0]?.found === true) {
    throw new MissingExtensionError(
      'hypopg',
      'run CREATE EXTENSION hypopg; in this database',
      'the hypopg extension (hypothetical indexes) is not created in this database',
    );
  }
  throw new MissingExtensionError(
    'hypopg',
    'install it on the server (Debian/Ubuntu: apt-get install postgresql-15-hypopg; RDS/Aurora ship it), ' +
      'then run CREATE EXTENSION hypopg;',
    'the hypopg extension (hypothetical indexes) is not installed on the server',
  );
}
