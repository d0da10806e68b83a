import { type ParseTree, type SqlParser, SqlSyntaxError } from '../../core/queries/sql-parser-port';

// libpg-query starts reading and compiling its WebAssembly as soon as it loads: it loads with the
// first parser, not in the cold start of every function that bundles it.
let loaded: Promise<typeof import('libpg-query')> | undefined;

function rethrow(error: unknown, hasSqlDetails: typeof import('libpg-query').hasSqlDetails): never {
  const position = hasSqlDetails(error) ? error.sqlDetails?.cursorPosition : undefined;
  const message = error instanceof Error ? error.message : String(error);
  throw new SqlSyntaxError(message, position, { cause: error });
}

function guarded<T>(pg: typeof import('libpg-query'), call: () => T): T {
  try {
    return call();
  } catch (error) {
    rethrow(error, pg.hasSqlDetails);
  }
}

/**
 * The {@link SqlParser} backed by libpg_query (the PostgreSQL 18 grammar compiled to WebAssembly).
 * Loads the WebAssembly module once per process; the returned parser is synchronous.
 * @throws {SqlSyntaxError} from its methods when Postgres would reject the statement.
 */
export async function createSqlParser(): Promise<SqlParser> {
  loaded ??= (async () => {
    const pg = require('libpg-query') as typeof import('libpg-query');
    await pg.loadModule();
    return pg;
  })();
  const pg = await loaded;
  return {
    normalize: (sql) => guarded(pg, () => pg.normalizeSync(sql)),
    fingerprint: (sql) => guarded(pg, () => pg.fingerprintSync(sql)),
    parse: (sql) => guarded(pg, () => pg.parseSync(sql) as unknown as ParseTree),
  };
}
