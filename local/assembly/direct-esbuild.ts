import { existsSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';

/** The part of aws-cdk-lib's internal `Bundling` class this speed-up relies on. */
interface EsbuildDetection {
  esbuildInstallation?: { readonly isWorkspacePackage: boolean; readonly version: string };
}

/**
 * `NodejsFunction` runs esbuild as `npx --no-install esbuild` when esbuild is installed in the
 * project, so every function bundled pays npm's start-up (0.3 s on an idle machine, 3 s at load
 * average 18, nine functions). Told that esbuild is on PATH, and with the project's
 * `node_modules/.bin` first on PATH, it runs the same binary directly. The output is the same
 * bundle; only the local synthesis of `npm start` does this (`cdk synth` in CI is unchanged).
 * Nothing changes when aws-cdk-lib's internals are not as expected: it is only a speed-up.
 * @returns whether esbuild now runs directly.
 */
export function runEsbuildDirectly(projectRoot: string): boolean {
  const bin = join(projectRoot, 'node_modules', '.bin');
  const cdkRoot = dirname(require.resolve('aws-cdk-lib/package.json', { paths: [projectRoot] }));
  const internals = join(cdkRoot, 'aws-lambda-nodejs', 'lib', 'bundling.js');
  if (!existsSync(join(bin, 'esbuild')) || !existsSync(internals)) return false;
  const { Bundling } = require(internals) as { Bundling?: EsbuildDetection };
  if (!Bundling || !('esbuildInstallation' in Bundling)) return false;
  const { version } = require(require.resolve('esbuild', { paths: [projectRoot] })) as { version: string };
  process.env.PATH = [bin, process.env.PATH ?? ''].join(delimiter);
  Bundling.esbuildInstallation = { isWorkspacePackage: false, version };
  return true;
}
