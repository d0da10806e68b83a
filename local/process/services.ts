import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { isAbsolute, join } from 'node:path';
import { Client } from 'pg';
import {
  findOnPath,
  isExecutable,
  makeTempDir,
  type Owner,
  removeTempDir,
  run,
  type ServiceProcess,
  spawnService,
  tail,
  unprivilegedOwner,
  waitUntil,
  withFreshPorts,
} from './process-control';

const LOOPBACK = '127.0.0.1';
const DEFAULT_START_TIMEOUT_MS = 15_000;

/** A Redis 7 server on loopback, private to whoever started it. */
export interface RedisServer {
  host: string;
  port: number;
  /** `redis://[:password@]127.0.0.1:port`. */
  url: string;
  /** Stops the server and deletes its dir; idempotent. */
  stop(): Promise<void>;
  /** Starts a fresh, empty server on the same port (stopping the current one first if it runs). */
  restart(): Promise<void>;
}

/** Options for {@link startRedis}. */
export interface RedisOptions {
  /** Sets `--requirepass`. */
  password?: string;
  /** The redis-server binary; found on PATH by default. */
  binary?: string;
  startTimeoutMs?: number;
}

/**
 * Starts `redis-server` on a free loopback port with persistence off and waits until it answers PING.
 * @throws when the binary is missing (naming the Debian package) or the server does not come up.
 */
export async function startRedis(options: RedisOptions = {}): Promise<RedisServer> {
  const missing = 'redis-server not found: apt-get install -y redis-server';
  const binary = options.binary ?? findOnPath('redis-server', missing);
  if (!isExecutable(binary)) throw new Error(missing);
  const timeoutMs = options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
  let current: { service: ServiceProcess; dir: string } | undefined;

  const launch = async (port: number) => {
    const dir = makeTempDir('misybot-redis-');
    const logFile = join(dir, 'redis.log');
    const args = [
      '--port',
      String(port),
      '--bind',
      LOOPBACK,
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
    ];
    if (options.password !== undefined) args.push('--requirepass', options.password);
    const service = spawnService({
      command: binary,
      args,
      cwd: dir,
      logFile,
      stopSignals: ['SIGTERM', 'SIGKILL'],
      emergencySignal: 'SIGKILL',
    });
    current = { service, dir };
    try {
      await waitUntil(
        () => redisAnswers(port, options.password),
        service,
        timeoutMs,
        () => tail(logFile),
      );
    } catch (error) {
      await stop();
      throw new Error(`redis-server on port ${port} ${(error as Error).message}`);
    }
  };
  const stop = async () => {
    const running = current;
    current = undefined;
    if (!running) return;
    await running.service.stop();
    removeTempDir(running.dir);
  };

  const port = await withFreshPorts((candidate) => launch(candidate));
  const auth = options.password === undefined ? '' : `:${encodeURIComponent(options.password)}@`;
  return {
    host: LOOPBACK,
    port,
    url: `redis://${auth}${LOOPBACK}:${port}`,
    stop,
    async restart() {
      await stop();
      await launch(port);
    },
  };
}

/** A PostgreSQL 15 cluster on loopback with pg_stat_statements preloaded and hypopg available. */
export interface PostgresServer {
  host: string;
  port: number;
  /** `postgres://postgres@127.0.0.1:port/misybot_test`. */
  url: string;
  database: string;
  user: string;
  dataDir: string;
  /** Where `logging_collector` writes (the `log_directory` setting, resolved against `dataDir`). */
  logDir: string;
  /** The postmaster's own stdout/stderr: the log itself when `logging_collector` is off. */
  stderrLogFile: string;
  /** Fast shutdown (connected sessions are terminated), then deletes the cluster; idempotent. */
  stop(): Promise<void>;
}

/** Options for {@link startPostgres}. */
export interface PostgresOptions {
  /** Extra `-c name=value` server settings, applied after (so overriding) the harness defaults. */
  settings?: Record<string, string | number | boolean>;
  /** Defaults to `misybot_test`. */
  database?: string;
  /** Defaults to `/usr/lib/postgresql/15/bin`, where Debian's postgresql-15 puts it. */
  binDir?: string;
  startTimeoutMs?: number;
}

const DEFAULT_SETTINGS: Record<string, string> = {
  listen_addresses: LOOPBACK,
  shared_preload_libraries: 'pg_stat_statements',
  'pg_stat_statements.track': 'all',
  // Durability buys nothing in a throwaway cluster and costs seconds per test run.
  fsync: 'off',
  synchronous_commit: 'off',
  full_page_writes: 'off',
};

/**
 * Creates a throwaway PostgreSQL 15 cluster (as the `postgres` user when running as root), starts it on a
 * free loopback port, and creates `options.database` with the pg_stat_statements and hypopg extensions.
 * @throws when binaries or hypopg are missing (naming the Debian package) or the server does not come up.
 */
export async function startPostgres(options: PostgresOptions = {}): Promise<PostgresServer> {
  const binDir = options.binDir ?? '/usr/lib/postgresql/15/bin';
  const owner = await checkedPostgresInstall(binDir);
  const baseDir = makeTempDir('misybot-pg-', owner);
  const dataDir = join(baseDir, 'data');
  const stderrLogFile = join(baseDir, 'postgres.log');
  const database = options.database ?? 'misybot_test';
  const settings = postgresSettings(options.settings);
  const logDirectory = settings.log_directory ?? 'log';
  let server: ServiceProcess | undefined;
  const stop = async () => {
    await server?.stop();
    removeTempDir(baseDir);
  };

  try {
    await initdb(binDir, dataDir, baseDir, owner);
    const launched = await launchPostgres({ binDir, dataDir, baseDir, owner, settings, ...timeout(options) });
    server = launched.service;
    const port = launched.port;
    await createDatabase(port, database);
    return {
      host: LOOPBACK,
      port,
      url: `postgres://postgres@${LOOPBACK}:${port}/${database}`,
      database,
      user: 'postgres',
      dataDir,
      logDir: isAbsolute(logDirectory) ? logDirectory : join(dataDir, logDirectory),
      stderrLogFile,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * Checks that PostgreSQL 15 and hypopg are installed in `binDir`; returns the `postgres` user to run
 * them as when running as root.
 * @throws naming the Debian package that is missing.
 */
export async function checkedPostgresInstall(binDir: string): Promise<Owner | undefined> {
  const install = 'apt-get install -y postgresql-15 postgresql-15-hypopg';
  const missing = `postgres 15 not found in ${binDir}: ${install}`;
  if (!['initdb', 'postgres', 'pg_config'].every((name) => isExecutable(join(binDir, name)))) {
    throw new Error(missing);
  }
  const shareDir = (await run(join(binDir, 'pg_config'), ['--sharedir'])).trim();
  if (!existsSync(join(shareDir, 'extension', 'hypopg.control'))) {
    throw new Error(`hypopg not found in ${shareDir}/extension: apt-get install -y postgresql-15-hypopg`);
  }
  const owner = unprivilegedOwner('postgres', `no postgres system user: ${install}`);
  return owner;
}

/** The harness defaults with `overrides` applied, as `-c` values. */
export function postgresSettings(overrides: PostgresOptions['settings'] = {}): Record<string, string> {
  const settings: Record<string, string> = { ...DEFAULT_SETTINGS };
  for (const [name, value] of Object.entries(overrides)) {
    settings[name] = typeof value === 'boolean' ? (value ? 'on' : 'off') : String(value);
  }
  return settings;
}

/** Initializes a cluster in `dataDir`, as `owner` when running as root. */
export async function initdb(binDir: string, dataDir: string, cwd: string, owner: Owner | undefined) {
  // --locale=C: CI images often export a LANG whose locale was never generated, and initdb rejects it.
  const args = [
    '-D',
    dataDir,
    '--auth=trust',
    '-U',
    'postgres',
    '--encoding=UTF8',
    '--locale=C',
    '--no-sync',
  ];
  await run(join(binDir, 'initdb'), args, { cwd, ...owner });
}

/** Creates `database` with the pg_stat_statements and hypopg extensions. */
export async function createDatabase(port: number, database: string): Promise<void> {
  await withClient(port, 'postgres', (client) => client.query(`CREATE DATABASE "${database}"`));
  await withClient(port, database, (client) =>
    client.query('CREATE EXTENSION pg_stat_statements; CREATE EXTENSION hypopg;'),
  );
}

const timeout = (options: { startTimeoutMs?: number }) =>
  options.startTimeoutMs === undefined ? {} : { startTimeoutMs: options.startTimeoutMs };

/** What {@link launchPostgres} starts: an initialized data directory and its settings. */
export interface PostgresLaunch {
  readonly binDir: string;
  readonly dataDir: string;
  /** Holds the socket directory and the postmaster's log, `postgres.log`. */
  readonly baseDir: string;
  readonly owner: Owner | undefined;
  readonly settings: Readonly<Record<string, string>>;
  /** A port to keep (a restarted server); a fresh free one when absent. */
  readonly port?: number;
  readonly startTimeoutMs?: number;
}

/**
 * Starts the postmaster on `launch.dataDir` and waits until it answers a query.
 * @throws with the log's tail when it does not come up.
 */
export async function launchPostgres(
  launch: PostgresLaunch,
): Promise<{ service: ServiceProcess; port: number }> {
  const logFile = join(launch.baseDir, 'postgres.log');
  let service: ServiceProcess | undefined;
  const start = async (candidate: number) => {
    const args = ['-D', launch.dataDir, '-p', String(candidate), '-k', launch.baseDir];
    for (const [name, value] of Object.entries(launch.settings)) args.push('-c', `${name}=${value}`);
    service = spawnService({
      command: join(launch.binDir, 'postgres'),
      args,
      cwd: launch.baseDir,
      logFile,
      ...(launch.owner ? { owner: launch.owner } : {}),
      // SIGTERM is postgres's "smart" shutdown, which waits forever for clients a test left open.
      stopSignals: ['SIGINT', 'SIGQUIT', 'SIGKILL'],
      emergencySignal: 'SIGQUIT',
    });
    const running = service;
    const timeoutMs = launch.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
    await waitUntil(
      () => postgresAnswers(candidate),
      running,
      timeoutMs,
      () => tail(logFile),
    ).catch(async (error: Error) => {
      await running.stop();
      throw new Error(`postgres on port ${candidate} ${error.message}`);
    });
  };
  const port = launch.port ?? (await withFreshPorts(start));
  if (launch.port !== undefined) await start(launch.port);
  return { service: service!, port };
}

/** One raw RESP round trip: avoids a client library's reconnect logic while the server boots. */
function redisAnswers(port: number, password: string | undefined): Promise<boolean> {
  const command = (...parts: string[]) =>
    `*${parts.length}\r\n${parts.map((part) => `$${Buffer.byteLength(part)}\r\n${part}\r\n`).join('')}`;
  return new Promise((resolve) => {
    const socket = connect({ host: LOOPBACK, port });
    let received = '';
    const finish = (answered: boolean) => {
      socket.destroy();
      resolve(answered);
    };
    socket.setTimeout(1000, () => finish(false));
    socket.once('error', () => finish(false));
    socket.once('connect', () => {
      socket.write((password === undefined ? '' : command('AUTH', password)) + command('PING'));
    });
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
      if (received.includes('+PONG\r\n')) finish(true);
      else if (received.startsWith('-') && received.includes('\r\n')) finish(false);
    });
  });
}

async function postgresAnswers(port: number): Promise<boolean> {
  try {
    await withClient(port, 'postgres', (client) => client.query('SELECT 1'));
    return true;
  } catch {
    return false;
  }
}

/** Runs `use` with a client of the superuser on the loopback server at `port`, then closes it. */
export async function withClient<T>(
  port: number,
  database: string,
  use: (client: Client) => Promise<T>,
): Promise<T> {
  const client = new Client({
    host: LOOPBACK,
    port,
    user: 'postgres',
    database,
    connectionTimeoutMillis: 2000,
  });
  // An 'error' emitted by a dying connection must not crash the process that is only probing.
  client.on('error', () => undefined);
  try {
    await client.connect();
    return await use(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}
