import type { Client } from 'pg';
import { type RolesMigrationOptions, rolesMigrationStatements } from '../../core/database/roles-migration';

export type { RolesMigrationOptions } from '../../core/database/roles-migration';

/** A number both runs agree on, so two deploys racing cannot interleave their statements. */
const LOCK_KEY = 7_411_300_213;

/**
 * Applies {@link rolesMigrationStatements} in one transaction under an advisory lock: all or
 * nothing, one run at a time. `client` is connected to `options.database` as the master user.
 * @returns the statements it ran, for the log.
 */
export async function applyRolesMigration(client: Client, options: RolesMigrationOptions): Promise<string[]> {
  const statements = rolesMigrationStatements(options);
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
    for (const statement of statements) await client.query(statement);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
  return statements;
}
