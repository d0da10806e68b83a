import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * `npm start` as a user meets it: wall time from the command to its readiness line, and from
 * Ctrl-C (SIGINT to the process group, as a terminal sends it) to the exit with every child
 * stopped. First the first start after `npm ci` (an empty assembly cache, so it synthesizes),
 * then two later starts reusing that assembly. Baseline in the same run: the first command the
 * README had before, `npx cdk synth --quiet` (which synthesizes every time). The load average
 * is printed with each figure: the machine is shared.
 */

const root = resolve(__dirname, '..');

interface Start {
  readonly readyMs: number;
  /** When the synthesized assembly was there (the deploy began), from the command. */
  readonly assemblyMs: number | undefined;
  readonly stopMs: number;
  readonly load: number;
}

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

function start(cacheDir: string): Promise<Start> {
  const load = loadavg()[0]!;
  const started = performance.now();
  return new Promise((done, fail) => {
    // Its own process group, so SIGINT reaches every process as a terminal's Ctrl-C does.
    const child = spawn('npm', ['start'], {
      cwd: root,
      detached: true,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, PORT: '0', MISYBOT_ASSEMBLY_CACHE: cacheDir },
    });
    let readyMs: number | undefined;
    let assemblyMs: number | undefined;
    let stopAt = 0;
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (assemblyMs === undefined && output.includes('deploying the template')) {
        assemblyMs = performance.now() - started;
      }
      if (readyMs === undefined && output.includes('ready: status page')) {
        readyMs = performance.now() - started;
        stopAt = performance.now();
        process.kill(-child.pid!, 'SIGINT');
      }
    });
    child.on('error', fail);
    child.on('exit', () =>
      readyMs === undefined
        ? fail(new Error(`npm start exited before it was ready:\n${output.slice(-2000)}`))
        : done({ readyMs, assemblyMs, stopMs: performance.now() - stopAt, load }),
    );
  });
}

async function main(): Promise<void> {
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const cacheDir = mkdtempSync(join(tmpdir(), 'misybot-bench-start-'));
  try {
    const first = await start(cacheDir);
    const later = [await start(cacheDir), await start(cacheDir)];
    const synthLoad = loadavg()[0]!;
    const synth = await timed('npx', ['cdk', 'synth', '--quiet'], { CDK_DISABLE_VERSION_CHECK: 'true' });
    const line = (name: string, run: Start) =>
      `${name}: ready in ${seconds(run.readyMs)} (${(run.readyMs / synth).toFixed(2)}× cdk synth)` +
      `${run.assemblyMs === undefined ? '' : `, assembly there at ${seconds(run.assemblyMs)}`}` +
      `, stopped in ${seconds(run.stopMs)}; load average ${run.load.toFixed(1)}\n`;
    process.stdout.write(line('first start (empty assembly cache)', first));
    for (const [index, run] of later.entries()) process.stdout.write(line(`later start #${index + 1}`, run));
    process.stdout.write(
      `baseline: npx cdk synth --quiet ${seconds(synth)}; load average ${synthLoad.toFixed(1)}\n`,
    );
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
}

main().catch((error: Error) => {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
});
