import { execFileSync } from 'node:child_process';
import { delimiter, join, resolve } from 'node:path';
import { runEsbuildDirectly } from '../../../local/assembly/direct-esbuild';

const root = resolve(__dirname, '..', '..', '..');

test('NodejsFunction is told esbuild is on PATH, and the project’s own esbuild comes first on PATH', () => {
  const path = process.env.PATH;
  try {
    expect(runEsbuildDirectly(root)).toBe(true);
    // aws-cdk-lib's exports hide its internals: the file itself, as the speed-up reaches it.
    const internals = join(root, 'node_modules', 'aws-cdk-lib', 'aws-lambda-nodejs', 'lib', 'bundling.js');
    const { Bundling } = require(internals) as {
      Bundling: { esbuildInstallation?: { isWorkspacePackage: boolean; version: string } };
    };
    const { version } = require('esbuild') as { version: string };
    expect(Bundling.esbuildInstallation).toEqual({ isWorkspacePackage: false, version });
    expect(process.env.PATH?.split(delimiter)[0]).toBe(join(root, 'node_modules', '.bin'));
    expect(execFileSync('esbuild', ['--version'], { encoding: 'utf8' }).trim()).toBe(version);
  } finally {
    process.env.PATH = path;
  }
});

test('nothing changes for a project without esbuild installed', () => {
  const path = process.env.PATH;
  expect(runEsbuildDirectly(join(root, 'test', 'local', 'assembly'))).toBe(false);
  expect(process.env.PATH).toBe(path);
});
