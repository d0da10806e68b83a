#!/usr/bin/env node
// The CLI runs as JavaScript compiled into dist/cli by `npm run build:cli`, which `npm ci` runs
// through `prepare`: no TypeScript toolchain and no devDependency at run time.
const { existsSync } = require('node:fs');
const { join } = require('node:path');
const { pathToFileURL } = require('node:url');

const entry = join(__dirname, '..', 'dist', 'cli', 'misybot-ha.mjs');
// The `queries` commands call the WebAssembly Postgres parser once per query shape, a few dozen
// times per log, yet V8 still recompiles its 264 KB grammar function with TurboFan: seconds of
// CPU that compete with the analysis and never pay off (`bench:cli` halves with the flag). V8
// flags cannot be set once Node runs, so these commands run in a child started with it.
const WASM_BASELINE_ONLY = '--liftoff-only';

if (!existsSync(entry)) {
  process.stderr.write(
    'misybot-ha: the CLI is not built yet; run `npm run build:cli` (npm ci runs it too)\n',
  );
  process.exitCode = 2;
} else if (process.argv[2] === 'queries' && !process.execArgv.includes(WASM_BASELINE_ONLY)) {
  const args = [...process.execArgv, WASM_BASELINE_ONLY, entry, ...process.argv.slice(2)];
  const child = require('node:child_process').spawnSync(process.execPath, args, { stdio: 'inherit' });
  if (child.signal) process.kill(process.pid, child.signal);
  process.exitCode = child.status ?? 1;
} else {
  import(pathToFileURL(entry).href);
}
