#!/usr/bin/env node
// Compiles the CLI (bin/misybot-ha.ts) to JavaScript in dist/cli, so the `misybot-ha` bin runs
// without tsx or any devDependency. `npm ci` runs this through the `prepare` script.
//
// ESM with code splitting: `--help` loads only the entry chunk, and each command loads its own
// chunk (zod, pg, the SQL parser) when it runs. The dependencies are bundled in; libpg-query
// reads its WebAssembly from the directory of the script that loaded it, so the .wasm is copied
// beside the chunks. Usage: node scripts/build-cli.mjs [--outdir DIR]
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { outdir: { type: 'string', default: join(root, 'dist/cli') } } });
const outdir = resolve(values.outdir);

// Bundled CommonJS dependencies (pg, libpg-query) call require() and read __dirname, which ES
// modules do not have: each chunk defines them for its own location.
const commonJsShim = [
  "import { createRequire as __createRequire } from 'node:module';",
  "import { dirname as __pathDirname } from 'node:path';",
  "import { fileURLToPath as __fileURLToPath } from 'node:url';",
  'const require = __createRequire(import.meta.url);',
  'const __filename = __fileURLToPath(import.meta.url);',
  'const __dirname = __pathDirname(__filename);',
].join('\n');

rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });
await build({
  entryPoints: { 'misybot-ha': join(root, 'bin/misybot-ha.ts') },
  outdir,
  outExtension: { '.js': '.mjs' },
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  sourcemap: 'linked',
  banner: { js: commonJsShim },
  logLevel: 'warning',
});
const wasm = createRequire(join(root, 'package.json')).resolve('libpg-query/wasm/libpg-query.wasm');
copyFileSync(wasm, join(outdir, 'libpg-query.wasm'));
