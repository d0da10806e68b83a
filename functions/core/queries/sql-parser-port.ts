/**
 * The port to the real PostgreSQL parser. Core code only sees plain data (parse trees as the JSON
 * that libpg_query emits), so it stays pure; `functions/adapters/postgres/sql-parser.ts` implements it.
 */

/** One node of a libpg_query parse tree: `{ NodeType: { ...fields } }`, or a plain field value. */
export type ParseNode = Record<string, unknown>;

/** The JSON parse tree for a string that may hold several statements. */
export interface ParseTree {
  readonly version?: number;
  readonly stmts: ReadonlyArray<{ readonly stmt?: ParseNode }>;
}

/** Normalisation, fingerprinting and parsing exactly as the Postgres grammar does them. */
export interface SqlParser {
  /** The statement with every constant replaced by `$n`, as pg_stat_statements shows it. */
  normalize(sql: string): string;
  /** A 16-hex-digit fingerprint that ignores constants, whitespace and comments. */
  fingerprint(sql: string): string;
  parse(sql: string): ParseTree;
}

/** The Postgres grammar rejected a statement; `position` is the 0-based offset it pointed at. */
export class SqlSyntaxError extends Error {
  override readonly name = 'SqlSyntaxError';

  constructor(
    message: string,
    readonly position: number | undefined,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
