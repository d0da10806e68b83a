import { fingerprintSync, hasSqlDetails, loadModule, normalizeSync, parseSync } from 'libpg-query';
import { type ParseTree, type SqlParser, SqlSyntaxError } from '../../core/queries/sql-parser-port';

let loaded: Promise<void> | undefined;

function rethrow(error: unknown): never {
  const position = hasSqlDetails(error) ? error.sqlDetails?.cursorPosition : undefined;
  const message = error instanceof Error ? error.message : String(error);
  throw new SqlSyntaxError(message, position, { cause: error });
}

function guarded<T>(call: () => T): T {
  try {
    return call();
  } catch (error) {
    rethrow(error);
  }
}

/**
 * The {@link SqlParser} backed by libpg_query (the PostgreSQL 18 grammar compiled to WebAssembly).
 * Loads the WebAssembly module once per process; the returned parser is synchronous.
 * @throws {SqlSyntaxError} from its methods when Postgres would reject the statement.
 */
export async function createSqlParser(): Promise<SqlParser> {
  loaded ??= loadModule();
  await loaded;
  return {
    normalize: (sql) => guarded(() => normalizeSync(sql)),
    fingerprint: (sql) => guarded(() => fingerprintSync(sql)),
    parse: (sql) => guarded(() => parseSync(sql) as unknown as ParseTree),
  };
}
