import type { ParseArgsConfig } from 'node:util';

/** What a command writes to; injected so tests can capture it. */
export interface CommandIO {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

/** What `--help` shows of a command and how its arguments parse. */
export interface CommandSpec {
  readonly group: string;
  readonly name: string;
  readonly usage: string;
  readonly summary: string;
  readonly options: NonNullable<ParseArgsConfig['options']>;
}

/**
 * One CLI command (`misybot-ha <group> <name>`). `run` returns the process exit code; it throws
 * only {@link InputError}/{@link ConfigError} (printed as a message, never a stack trace).
 */
export interface Command extends CommandSpec {
  run(
    args: { values: Record<string, string | boolean | undefined>; positionals: string[] },
    io: CommandIO,
  ): Promise<number>;
}
