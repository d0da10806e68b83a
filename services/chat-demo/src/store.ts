import type { Pool } from 'pg';

/** One line of a conversation. */
export interface ChatMessage {
  readonly role: 'user' | 'assistant';
  readonly text: string;
  readonly at: string;
}

/**
 * Conversations in PostgreSQL, in the app role's own schema (its search_path): the service
 * creates its table itself, as the owner of that schema.
 */
export class MessageStore {
  constructor(private readonly pool: Pool) {}

  async ensureSchema(): Promise<void> {
    await this.pool.query(
      `CREATE TABLE IF NOT EXISTS chat_messages (
         id bigserial PRIMARY KEY,
         chat_id text NOT NULL,
         role text NOT NULL CHECK (role IN ('user', 'assistant')),
         body text NOT NULL,
         created_at timestamptz NOT NULL DEFAULT now()
       )`,
    );
    await this.pool.query('CREATE INDEX IF NOT EXISTS chat_messages_chat ON chat_messages (chat_id, id)');
  }

  /** Appends the user's message and the reply in one transaction. */
  async appendExchange(chatId: string, text: string, reply: string): Promise<void> {
    await this.pool.query(
      `INSERT INTO chat_messages (chat_id, role, body) VALUES ($1, 'user', $2), ($1, 'assistant', $3)`,
      [chatId, text, reply],
    );
  }

  /** The last `limit` messages, oldest first. */
  async conversation(chatId: string, limit = 50): Promise<ChatMessage[]> {
    const { rows } = await this.pool.query<{ role: 'user' | 'assistant'; body: string; created_at: Date }>(
      `SELECT role, body, created_at FROM (
         SELECT id, role, body, created_at FROM chat_messages WHERE chat_id = $1 ORDER BY id DESC LIMIT $2
       ) recent ORDER BY id`,
      [chatId, limit],
    );
    return rows.map((row) => ({ role: row.role, text: row.body, at: row.created_at.toISOString() }));
  }
}
