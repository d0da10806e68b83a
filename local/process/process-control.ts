import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import {
  accessSync,
  chownSync,
  closeSync,
  constants,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { reapIfAbandoned } from './reaper';

/** A uid/gid pair a service must run as (postgres refuses to run as root). */
export interface Owner {
  uid: number;
  gid: number;
}

/** A running service process, stopped by escalating signals. */
export interface ServiceProcess {
  readonly pid: number;
  /** Resolves once the process has exited, whatever the cause. */
  readonly exited: Promise<void>;
  isRunning(): boolean;
  /** Sends each signal in turn, moving to the next when the process outlives `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

// Temp dirs made here, with the function that tells the reaper they are gone.
const releaseDir = new Map<string, () => void>();

/** Asks the kernel for a free loopback port; the small race until the service binds it is accepted. */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no port assigned'))));
    });
  });
}

/** Returns `name` resolved against PATH, or throws `missingMessage` (which names the package to install). */
export function findOnPath(name: string, missingMessage: string): string {
  for (const dir of (process.env.PATH ?? '').split(delimiter).concat(['/usr/bin', '/usr/sbin'])) {
    if (dir !== '' && isExecutable(join(dir, name))) return join(dir, name);
  }
  throw new Error(missingMessage);
}

/** True when `path` exists and may be executed by this process. */
export function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The `postgres` system user when running as root (CI), undefined when already unprivileged. */
export function unprivilegedOwner(user: string, missingMessage: string): Owner | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const id = (flag: string) => Number(execFileSync('id', [flag, user], { encoding: 'utf8' }).trim());
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    throw new Error(missingMessage);
  }
}

/** Creates a private temp dir, removed by `removeTempDir` or, failing that, once this process has ended. */
export function makeTempDir(prefix: string, owner?: Owner): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  releaseDir.set(dir, reapIfAbandoned({ dir }));
  if (owner) chownSync(dir, owner.uid, owner.gid);
  return dir;
}

/** Deletes a dir made by `makeTempDir`. */
export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  releaseDir.get(dir)?.();
  releaseDir.delete(dir);
}

/** The last lines of a log file, to make a startup failure explain itself. */
export function tail(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log written)';
  }
}

/** Options for {@link spawnService}. */
export interface SpawnOptions {
  command: string;
  args: string[];
  cwd: string;
  /** stdout and stderr are appended here: no pipes, so nothing can fill up and block the service. */
  logFile: string;
  owner?: Owner;
  /** Signals tried in order by `stop()`; the last should be SIGKILL. */
  stopSignals: NodeJS.Signals[];
  /** Sent by the reaper if this process ends with the service still running. */
  emergencySignal: NodeJS.Signals;
}

/** Spawns a long-running service with stdin closed, so it behaves the same under CI with no terminal. */
export function spawnService(options: SpawnOptions): ServiceProcess {
  const fd = openSync(options.logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(options.command, options.args, {
      cwd: options.cwd,
      stdio: ['ignore', fd, fd],
      ...(options.owner ? { uid: options.owner.uid, gid: options.owner.gid } : {}),
    });
  } finally {
    closeSync(fd);
  }
  // A server a test forgot to stop must not keep jest alive (it would hang the run): unreferenced, it
  // lets the process end, and the reaper then kills it.
  child.unref();
  const release =
    child.pid === undefined
      ? () => undefined
      : reapIfAbandoned({ pid: child.pid, signal: options.emergencySignal });
  let running = true;
  const exited = new Promise<void>((resolve) => {
    const finish = () => {
      running = false;
      release();
      resolve();
    };
    child.once('exit', finish);
    child.once('error', finish);
  });
  return {
    pid: child.pid ?? -1,
    exited,
    isRunning: () => running,
    async stop(graceMs = 5000) {
      // Referenced again so this process lives long enough to see the exit it is waiting for.
      child.ref();
      for (const signal of options.stopSignals) {
        if (!running) return;
        child.kill(signal);
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
        clearTimeout(timer);
      }
      await exited;
    },
  };
}

/** Polls `probe` until it returns true, failing early with `diagnose()` if the service died meanwhile. */
export async function waitUntil(
  probe: () => Promise<boolean>,
  service: ServiceProcess,
  timeoutMs: number,
  diagnose: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!service.isRunning()) throw new Error(`exited during startup\n${diagnose()}`);
    if (await probe()) return;
    await delay(25);
  }
  throw new Error(`not ready after ${timeoutMs} ms\n${diagnose()}`);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Retries a start on a new port when the first one was taken between probing and binding it. */
export async function withFreshPorts(start: (port: number) => Promise<void>): Promise<number> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const port = await freeLoopbackPort();
    try {
      await start(port);
      return port;
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

/** Runs a command to completion and returns its stdout; a failure carries the command's own output. */
export async function run(
  command: string,
  args: string[],
  options: { cwd?: string; uid?: number; gid?: number } = {},
): Promise<string> {
  try {
    const { stdout } = await promisify(execFile)(command, args, { ...options, encoding: 'utf8' });
    return stdout;
  } catch (error) {
    const failure = error as Error & { stdout?: string; stderr?: string };
    throw new Error(`${command} failed: ${failure.message}\n${failure.stderr ?? ''}${failure.stdout ?? ''}`);
  }
}
