import { Client } from 'pg';
import { applyRolesMigration } from '../../functions/adapters/postgres/roles-migration';

/**
 * Creates the Aurora cluster's database (its `DatabaseName`) on the PostgreSQL server standing in
 * for the cluster, with the extensions the cluster's parameter group loads: what Aurora does when
 * it creates the cluster. Idempotent, so platforms sharing one server each find it there.
 */
export async function createClusterDatabase(
  server: { readonly host: string; readonly port: number },
  database: string,
  roles?: DatabaseRolesProperties,
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
    if (roles) await migrateRoles(client, database, roles);
  } finally {
    await client.end();
  }
}

function ignoreRace(error: { code?: string }): void {
  if (error.code !== '23505' && error.code !== '42710') throw error;
}

/** The template's `Custom::DatabaseRoles` properties: the roles the deploy-time migration creates. */
export interface DatabaseRolesProperties {
  readonly AppUser: string;
  readonly AdvisorUser: string;
}

/**
 * What the `Custom::DatabaseRoles` resource does when CloudFormation creates it: the roles
 * migration, as the master user, with the template's roles. PostgreSQL has no `rds_iam`, so the
 * roles log in as the server's loopback trust allows (the functions' IAM tokens go unchecked).
 * Platforms sharing the server run it concurrently; the migration's advisory lock orders them,
 * and a duplicate-object race is the same outcome.
 */
async function migrateRoles(client: Client, database: string, roles: DatabaseRolesProperties): Promise<void> {
  await applyRolesMigration(client, {
    database,
    appUser: roles.AppUser,
    advisorUser: roles.AdvisorUser,
    iamRole: null,
  }).catch(ignoreRace);
}
