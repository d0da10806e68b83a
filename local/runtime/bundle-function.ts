import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { esbuildOptionsOf } from '../../lib/control-plane/control-function-bundling';

/**
 * Bundles a handler module as `cdk synth` bundles a control function (`NodejsFunction` with the
 * options of `lib/control-plane/control-function-bundling.ts`: CommonJS for Node 24, minified,
 * the SDK inside, active tracing), for a function the synthesized assembly does not hold.
 * @returns the directory holding `index.js`, as a code asset does.
 */
export async function bundleFunction(entry: string): Promise<string> {
  const outDir = mkdtempSync(join(tmpdir(), 'misybot-bundle-'));
  const { define, ...options } = esbuildOptionsOf({ sourceMaps: false, tracing: 'active', bundledFiles: [] });
  await build({
    ...options,
    define: { ...define },
    entryPoints: [entry],
    outfile: join(outDir, 'index.js'),
    logLevel: 'silent',
  });
  return outDir;
}
