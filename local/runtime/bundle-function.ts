import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';
import {
  CONTROL_FUNCTION_ESBUILD,
  esbuildOptionsOf,
  LOADED_ON_FIRST_USE,
} from '../../lib/control-plane/control-function-bundling';

/**
 * Bundles a handler module as `cdk synth` bundles a control function (`NodejsFunction` with the
 * options of `lib/control-plane/control-function-bundling.ts`: CommonJS for Node 24, minified,
 * the SDK inside, active tracing, each package loaded on first use that the bundle requires
 * beside it as `node_modules/<name>/index.js`), for a function the synthesized assembly does not hold.
 * @returns the directory holding `index.js`, as a code asset does.
 */
export async function bundleFunction(entry: string): Promise<string> {
  const outDir = mkdtempSync(join(tmpdir(), 'misybot-bundle-'));
  const { define, external, ...options } = esbuildOptionsOf({
    sourceMaps: false,
    tracing: 'active',
    bundledFiles: [],
  });
  await build({
    ...options,
    define: { ...define },
    external: [...external],
    entryPoints: [entry],
    outfile: join(outDir, 'index.js'),
    logLevel: 'silent',
  });
  const code = readFileSync(join(outDir, 'index.js'), 'utf8');
  const { bundle, platform, format, target, minify } = CONTROL_FUNCTION_ESBUILD;
  for (const name of LOADED_ON_FIRST_USE.filter((n) => code.includes(`require(${JSON.stringify(n)})`))) {
    await build({
      bundle,
      platform,
      format,
      target,
      minify,
      stdin: { contents: `module.exports = require(${JSON.stringify(name)});`, resolveDir: dirname(entry) },
      outfile: join(outDir, 'node_modules', name, 'index.js'),
      logLevel: 'silent',
    });
  }
  return outDir;
}
