import type { Client } from 'pg';
import type { LocalPlatform } from '../platform/local-platform';

/**
 * The app role the roles migration made (the template's `Custom::DatabaseRoles`): the
 * application's statements are the ones the slow-query analysis is granted to read.
 */
export function appUserOf(platform: LocalPlatform): string {
  return String(
    platform.model.deployment.assembly.stacks
      .flatMap((stack) => Object.values(stack.template.Resources))
      .find((resource) => resource.Type === 'Custom::DatabaseRoles')?.Properties?.AppUser,
  );
}

/**
 * Creates a messages table of `rows` rows in the connected role's schema, with no index on
 * `conversation_id`: what the application's read by conversation will need one for.
 */
export async function createUnindexedTable(client: Client, table: string, rows: number): Promise<void> {
  await client.query(
    `CREATE TABLE ${table} (id bigserial PRIMARY KEY, conversation_id text NOT NULL, created_at timestamptz NOT NULL, body text NOT NULL)`,
  );
  await client.query(
    `INSERT INTO ${table} (conversation_id, created_at, body)
     SELECT 'c' || (g % 500), now() - (g || ' seconds')::interval, repeat('x', 120) FROM generate_series(1, $1::int) AS g`,
    [rows],
  );
  await client.query(`ANALYZE ${table}`);
}

/** The application's read of a conversation's latest messages, `runs` times over 500 conversations. */
export async function readConversations(client: Client, table: string, runs: number): Promise<void> {
  for (let i = 0; i < runs; i++) {
    await client.query(
      `SELECT id, body FROM ${table} WHERE conversation_id = $1 ORDER BY created_at DESC LIMIT 20`,
      [`c${(i * 37) % 500}`],
    );
  }
}
