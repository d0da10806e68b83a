import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

/**
 * `npm start` as a user meets it: wall time from the command to its readiness line (the synthesized
 * assembly cached, as from the second start on), and from Ctrl-C (SIGINT to the process group, as a
 * terminal sends it) to the exit with every child stopped. Baseline in the same run: the first
 * command the README had before, `npx cdk synth --quiet` (which synthesizes every time).
 */

const root = resolve(__dirname, '..');

function timed(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<number> {
  const started = performance.now();
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd: root, stdio: 'ignore', env: { ...process.env, ...env } });
    child.on('error', fail);
    child.on('exit', (code) =>
      code === 0 ? done(performance.now() - started) : fail(new Error(`${command} exited ${code}`)),
    );
  });
}

function start(): Promise<{ readyMs: number; stopMs: number }> {
  const started = performance.now();
  return new Promise((done, fail) => {
    // Its own process group, so SIGINT reaches every process as a terminal's Ctrl-C does.
    const child = spawn('npm', ['start'], {
      cwd: root,
      detached: true,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, PORT: '0' },
    });
    let readyMs: number | undefined;
    let stopAt = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      if (readyMs === undefined && chunk.toString().includes('ready: status page')) {
        readyMs = performance.now() - started;
        stopAt = performance.now();
        process.kill(-child.pid!, 'SIGINT');
      }
    });
    child.on('error', fail);
    child.on('exit', () =>
      readyMs === undefined
        ? fail(new Error('npm start exited before it was ready'))
        : done({ readyMs, stopMs: performance.now() - stopAt }),
    );
  });
}

async function main(): Promise<void> {
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  // A first start synthesizes when the sources changed; the measured ones reuse that assembly.
  await start();
  const runs = [await start(), await start()];
  const synth = await timed('npx', ['cdk', 'synth', '--quiet'], { CDK_DISABLE_VERSION_CHECK: 'true' });
  for (const [index, run] of runs.entries()) {
    process.stdout.write(
      `npm start #${index + 1}: ready in ${seconds(run.readyMs)} (${(run.readyMs / synth).toFixed(2)}× cdk synth), stopped in ${seconds(run.stopMs)}\n`,
    );
  }
  process.stdout.write(`baseline: npx cdk synth --quiet ${seconds(synth)}\n`);
}

main().catch((error: Error) => {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
});
