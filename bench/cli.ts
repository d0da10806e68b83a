/**
 * The CLI as a user meets it: process wall time of the `misybot-ha` bin (the compiled JavaScript
 * that `npm ci` builds), start-up included, each against baselines in the same run:
 *
 * 1. `misybot-ha --help` against a bare `node -e 0` (the floor: Node's own start-up) and the
 *    same CLI run from TypeScript through tsx (what the bin did before it was compiled);
 *    target ≤ 200 ms.
 * 2. `queries analyze` on a ≈ 9 MB pgbench log against pgBadger on the same file; target ≥ 10×.
 *
 * Run: npm run bench:cli [-- --transactions N --help-runs N --analyze-runs N]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { generatePgbenchLog, pgbadgerCommand } from './pgbench-log';
import { median } from './stats';

const root = resolve(__dirname, '..');
const BIN = join(root, 'bin/misybot-ha.cjs');
const TSX = join(root, 'node_modules/.bin/tsx');
const SOURCE = join(root, 'bin/misybot-ha.ts');

type Invocation = readonly [command: string, args: readonly string[]];

/** Wall time of one process from spawn to exit, in milliseconds; its stdout is read and dropped. */
function wallMs([command, args]: Invocation): number {
  const started = process.hrtime.bigint();
  const run = spawnSync(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 28 });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (run.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} exited ${run.status}: ${run.stderr.toString().slice(0, 500)}`,
    );
  }
  return ms;
}

/** Runs the invocations round-robin `runs` times, so load drifts hit all of them alike. */
function interleaved(invocations: Record<string, Invocation>, runs: number): Record<string, number> {
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(invocations).map((k) => [k, []]));
  for (let run = 0; run < runs; run += 1) {
    for (const [name, invocation] of Object.entries(invocations)) times[name]!.push(wallMs(invocation));
  }
  return Object.fromEntries(Object.entries(times).map(([name, ms]) => [name, median(ms)]));
}

function sameReport(file: string): boolean {
  const args = ['queries', 'analyze', '--log', file, '--json', '--top', '50'];
  const compiled = execFileSync(BIN, args, { maxBuffer: 1 << 28 }).toString();
  const source = execFileSync(TSX, [SOURCE, ...args], { maxBuffer: 1 << 28 }).toString();
  return compiled === source;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      transactions: { type: 'string', default: '6600' },
      'help-runs': { type: 'string', default: '15' },
      'analyze-runs': { type: 'string', default: '5' },
    },
  });
  execFileSync('node', [join(root, 'scripts/build-cli.mjs')], { stdio: 'inherit' });

  const help = interleaved(
    {
      node: ['node', ['-e', '0']],
      bin: [BIN, ['--help']],
      tsx: [TSX, [SOURCE, '--help']],
    },
    Number(values['help-runs']),
  );
  console.log(`misybot-ha --help, process wall, median of ${values['help-runs']} (interleaved):`);
  console.log(`  node -e 0 (floor)           ${help.node!.toFixed(0).padStart(6)} ms`);
  console.log(`  bin (compiled JavaScript)   ${help.bin!.toFixed(0).padStart(6)} ms  (target ≤ 200 ms)`);
  console.log(
    `  from source through tsx     ${help.tsx!.toFixed(0).padStart(6)} ms  (the bin before it was compiled)`,
  );

  const dir = mkdtempSync(join(tmpdir(), 'misybot-bench-cli-'));
  try {
    const file = await generatePgbenchLog(dir, Number(values.transactions));
    const analyze = ['queries', 'analyze', '--log', file, '--json'];
    const analysis = interleaved(
      {
        pgbadger: pgbadgerCommand(file, join(dir, 'pgbadger.json')),
        bin: [BIN, analyze],
        tsx: [TSX, [SOURCE, ...analyze]],
      },
      Number(values['analyze-runs']),
    );
    const mb = statSync(file).size / 1e6;
    const ratio = (name: string) => (analysis.pgbadger! / analysis[name]!).toFixed(1).padStart(5);
    console.log(
      `queries analyze on a ${mb.toFixed(1)} MB pgbench log, process wall, median of ${values['analyze-runs']} (interleaved):`,
    );
    console.log(`  pgBadger 12 (baseline, -j 1) ${(analysis.pgbadger! / 1000).toFixed(2).padStart(6)} s`);
    console.log(
      `  bin (compiled JavaScript)    ${(analysis.bin! / 1000).toFixed(2).padStart(6)} s  ${ratio('bin')} × faster (target ≥ 10 ×)`,
    );
    console.log(
      `  from source through tsx      ${(analysis.tsx! / 1000).toFixed(2).padStart(6)} s  ${ratio('tsx')} × faster`,
    );
    console.log(`  compiled and source reports identical: ${sameReport(file)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
