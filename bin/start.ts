import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runGameDay } from '../local/live/game-day';
import { formatGameDayReport } from '../local/live/game-day-report';
import { GAME_DAYS } from '../local/live/game-day-scenarios';
import { LiveControlPlane } from '../local/live/live-control-plane';
import { StatusServer } from '../local/live/status-server';

const USAGE = `usage: npm start [-- --config FILE] [-- --scenario NAME] [-- --speed N]
  --config FILE   the platform configuration (default: the embedded default)
  --scenario NAME run a scripted game day, print its report and stop: ${GAME_DAYS.map((g) => g.name).join(', ')}
  --speed N       virtual seconds per real second while the platform is idle (default 1)
  PORT            the status page's port (default 8787)
  MISYBOT_ASSEMBLY_CACHE  where synthesized assemblies are kept (default node_modules/.cache/misybot-local)`;

/** The command line, checked: a bad value stops with its name and what was expected. */
export function parseStartArgs(argv: readonly string[], env: NodeJS.ProcessEnv) {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      config: { type: 'string' },
      scenario: { type: 'string' },
      speed: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  const port = Number(env.PORT ?? 8787);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT must be a port number (0-65535), got "${env.PORT}"`);
  }
  const speed = Number(values.speed ?? 1);
  if (!Number.isFinite(speed) || speed < 1 || speed > 60) {
    throw new Error(`--speed must be a number from 1 to 60, got "${values.speed}"`);
  }
  const scenario =
    values.scenario === undefined ? undefined : GAME_DAYS.find((game) => game.name === values.scenario);
  if (values.scenario !== undefined && !scenario) {
    throw new Error(
      `--scenario must be one of ${GAME_DAYS.map((game) => game.name).join(', ')}, got "${values.scenario}"`,
    );
  }
  if (values.config !== undefined && !existsSync(values.config)) {
    throw new Error(`--config ${values.config}: no such file`);
  }
  return {
    help: values.help === true,
    port,
    speed,
    ...(scenario ? { scenario } : {}),
    ...(values.config !== undefined ? { configFile: resolve(values.config) } : {}),
  };
}

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function main(): Promise<void> {
  const args = parseStartArgs(process.argv.slice(2), process.env);
  if (args.help) return say(USAGE);
  const begun = Date.now();
  const elapsed = () => `${((Date.now() - begun) / 1000).toFixed(1)} s`;
  let live: LiveControlPlane | undefined;
  let server: StatusServer | undefined;
  let stopping: Promise<void> | undefined;
  const shutdown = (signal: string) => {
    stopping ??= (async () => {
      say(`\n${signal}: stopping every process started…`);
      await server?.stop();
      await live?.stop();
      say('stopped.');
    })();
    return stopping;
  };
  // Kept for every signal, not once: a terminal's Ctrl-C reaches this process both from the
  // terminal and relayed by tsx, and a second SIGINT without a listener would kill it mid-stop.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => void shutdown(signal).then(() => process.exit(0)));
  }

  live = await LiveControlPlane.start({
    projectRoot: resolve(__dirname, '..'),
    ...(args.configFile ? { configFile: args.configFile } : {}),
    ...(process.env.MISYBOT_ASSEMBLY_CACHE
      ? { assemblyCacheDir: resolve(process.env.MISYBOT_ASSEMBLY_CACHE) }
      : {}),
    speed: args.speed,
    onProgress: (line) => say(`[${elapsed()}] ${line}`),
  });
  if (stopping) return;
  server = new StatusServer(live);
  const url = await server.start(args.port);
  say(`[${elapsed()}] ready: status page at ${url} (JSON at ${url}api/status); Ctrl-C stops everything`);
  if (!args.scenario) return;
  say(`[${elapsed()}] game day ${args.scenario.name}: ${args.scenario.description}`);
  const report = await runGameDay(live, args.scenario, (line) => say(`[${elapsed()}] ${line}`));
  say(`\n${formatGameDayReport(report, live)}\n`);
  await shutdown('game day over');
  process.exit(0);
}

if (require.main === module) {
  main().catch((error: Error) => {
    process.stderr.write(`npm start failed: ${error.message}\n`);
    process.exit(1);
  });
}
