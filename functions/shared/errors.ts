/**
 * Errors shared by the CDK app, the Lambdas and the CLI. Each sets `name` so logs and the CLI
 * can tell them apart, and carries the underlying `cause`.
 */

/** A configuration that does not match the schema; `problems` holds one line per field. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(
    readonly source: string,
    readonly problems: readonly string[],
    options?: ErrorOptions,
  ) {
    super(`Invalid ${source}:\n${problems.map((p) => `  - ${p}`).join('\n')}`, options);
  }
}

/** Input that a user gave (a file, a flag, an API body) and that cannot be used as it is. */
export class InputError extends Error {
  override readonly name = 'InputError';
}
