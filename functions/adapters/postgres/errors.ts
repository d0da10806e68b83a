/** A Postgres extension the queries engine needs is not installed or not loaded. */
export class MissingExtensionError extends Error {
  override readonly name = 'MissingExtensionError';

  constructor(
    readonly extension: 'pg_stat_statements' | 'hypopg',
    /** What to run or configure to fix it. */
    readonly fix: string,
    problem: string,
    options?: ErrorOptions,
  ) {
    super(`${problem}: ${fix}`, options);
  }
}

/** PostgreSQL's SQLSTATE, when the error came from the server. */
export function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}
