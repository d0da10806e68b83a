import { Client } from 'pg';

/**
 * Creates the Aurora cluster's database (its `DatabaseName`) on the PostgreSQL server standing in
 * for the cluster, with the extensions the cluster's parameter group loads: what Aurora does when
 * it creates the cluster. Idempotent, so platforms sharing one server each find it there.
 */
export async function createClusterDatabase(
  server: { readonly host: string; readonly port: number },
  database: string,
  user = 'postgres',
): Promise<void> {
  const admin = new Client({ host: server.host, port: server.port, user, database: 'postgres' });
  admin.on('error', () => undefined);
  await admin.connect();
  try {
    await admin
      .query(`CREATE DATABASE "${database.replaceAll('"', '""')}"`)
      .catch((error: { code?: string }) => {
        // 42P04: it exists; 23505: another platform created it at the same moment.
        if (error.code !== '42P04' && error.code !== '23505') throw error;
      });
  } finally {
    await admin.end();
  }
  const client = new Client({ host: server.host, port: server.port, user, database });
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements').catch(ignoreRace);
    await client.query('CREATE EXTENSION IF NOT EXISTS hypopg').catch(ignoreRace);
  } finally {
    await client.end();
  }
}

function ignoreRace(error: { code?: string }): void {
  if (error.code !== '23505' && error.code !== '42710') throw error;
}
