import { request } from 'node:http';
import { join } from 'node:path';
import {
  findOnPath,
  makeTempDir,
  removeTempDir,
  type ServiceProcess,
  spawnService,
  tail,
  waitUntil,
  withFreshPorts,
} from '../process/process-control';

/** The command that installs the emulator, named in every error about it missing. */
export const MOTO_INSTALL = 'pip install "moto[server]"';

/** A running moto server. */
export interface MotoServer {
  /** `http://127.0.0.1:port`. */
  readonly url: string;
  readonly port: number;
  /** Stops the server and deletes its log; idempotent. */
  stop(): Promise<void>;
}

/**
 * The `moto_server` executable (moto 5 with its server extra).
 * @throws naming {@link MOTO_INSTALL} when it is not installed.
 */
export function motoServerBinary(): string {
  return findOnPath(
    'moto_server',
    `moto_server not found on PATH: the end-to-end suite emulates AWS with moto; install it with ${MOTO_INSTALL} (Python 3.9+)`,
  );
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = request(
      { host: '127.0.0.1', port, path: '/moto-api/', method: 'GET', timeout: 1000 },
      (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      },
    );
    probe.on('error', () => resolve(false));
    probe.on('timeout', () => probe.destroy());
    probe.end();
  });
}

/**
 * Starts a private moto server on a free loopback port: an emulated AWS account, empty, for one
 * platform. Its log goes to a temp dir deleted by `stop()`.
 */
export async function startMotoServer(
  options: { readonly startTimeoutMs?: number } = {},
): Promise<MotoServer> {
  const binary = motoServerBinary();
  const dir = makeTempDir('misybot-moto-');
  const logFile = join(dir, 'moto.log');
  let server: ServiceProcess | undefined;
  const stop = async () => {
    await server?.stop(2000);
    removeTempDir(dir);
  };
  try {
    const port = await withFreshPorts(async (candidate) => {
      const current = spawnService({
        command: binary,
        args: ['-H', '127.0.0.1', '-p', String(candidate)],
        cwd: dir,
        logFile,
        stopSignals: ['SIGTERM', 'SIGKILL'],
        emergencySignal: 'SIGKILL',
      });
      server = current;
      await waitUntil(
        () => answers(candidate),
        current,
        options.startTimeoutMs ?? 20_000,
        () => tail(logFile),
      ).catch(async (error: Error) => {
        await current.stop(1000);
        throw new Error(`moto_server on port ${candidate} ${error.message}`);
      });
    });
    return { url: `http://127.0.0.1:${port}`, port, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
