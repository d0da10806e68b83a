import { parseArgs } from 'node:util';
import { ConfigError, InputError } from '../functions/shared/errors';
import type { Command, CommandIO } from './commands/command';

/** Exit codes: 0 success, 1 the command's own verdict (e.g. unhealthy), 2 bad input or usage. */
export const EXIT_USAGE = 2;

function helpText(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.usage.length));
  return [
    'misybot-ha — the MisyBot HA engines, run locally',
    '',
    'Usage:',
    ...commands.map((c) => `  ${c.usage.padEnd(width)}  ${c.summary}`),
    '',
    'Every command prints a human report, or stable JSON with --json. Errors go to stderr.',
    '',
  ].join('\n');
}

/**
 * Runs one CLI invocation and returns its exit code. Never throws: user errors become one
 * message on stderr, anything unexpected a one-line internal error (the stack only with
 * MISYBOT_DEBUG=1, which the entry point passes in as `debug`).
 */
export async function runCli(
  argv: readonly string[],
  commands: readonly Command[],
  io: CommandIO,
  debug = false,
): Promise<number> {
  const [group, name, ...rest] = argv;
  if (group === undefined || group === '--help' || group === '-h' || group === 'help') {
    io.stdout(helpText(commands));
    return group === undefined ? EXIT_USAGE : 0;
  }
  const inGroup = commands.filter((c) => c.group === group);
  if (inGroup.length === 0) {
    io.stderr(`misybot-ha: unknown command "${group}"\n\n${helpText(commands)}`);
    return EXIT_USAGE;
  }
  const command = inGroup.find((c) => c.name === name);
  if (command === undefined) {
    const known = inGroup.map((c) => c.name).join(', ');
    const what =
      name === undefined || name.startsWith('-') ? 'needs a subcommand' : `has no subcommand "${name}"`;
    io.stderr(`misybot-ha: ${group} ${what} (one of: ${known})\n`);
    return EXIT_USAGE;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(`Usage: ${command.usage}\n\n${command.summary}\n`);
    return 0;
  }
  try {
    const { values, positionals } = parseArgs({
      args: [...rest],
      options: command.options,
      allowPositionals: true,
      strict: true,
    });
    return await command.run(
      { values: values as Record<string, string | boolean | undefined>, positionals },
      io,
    );
  } catch (error) {
    if (error instanceof ConfigError) {
      io.stderr(`${error.message}\n`);
      return EXIT_USAGE;
    }
    if (error instanceof InputError || isParseArgsError(error)) {
      io.stderr(`misybot-ha ${group} ${name}: ${(error as Error).message}\nUsage: ${command.usage}\n`);
      return EXIT_USAGE;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`misybot-ha ${group} ${name}: internal error: ${message}\n`);
    if (debug && error instanceof Error && error.stack) io.stderr(`${error.stack}\n`);
    return 1;
  }
}

function isParseArgsError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}
