import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  consumerProject,
  install,
  installedBytes,
  PACKAGE_NAMES,
  packAll,
  REPO_ROOT,
  removeDir,
  scratchDir,
} from './packing';

const run = promisify(execFile);
const TSC = join(REPO_ROOT, 'node_modules/typescript/bin/tsc');
const MAX_INSTALL_BYTES = 5 * 1024 * 1024;

/** The versions the repository itself is locked to, so the consumer installs them from npm's cache. */
function lockedVersion(name: string): string {
  const lock = JSON.parse(readFileSync(join(REPO_ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { version?: string }>;
  };
  const version = lock.packages[`node_modules/${name}`]?.version;
  if (!version) throw new Error(`${name} is not in package-lock.json`);
  return `${name}@${version}`;
}

async function node(cwd: string, file: string): Promise<unknown> {
  const { stdout } = await run(process.execPath, [file], { cwd });
  return JSON.parse(stdout);
}

async function tsc(cwd: string, project: string): Promise<void> {
  try {
    await run(process.execPath, [TSC, '-p', project], { cwd });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`tsc -p ${project} failed:\n${stdout ?? ''}${stderr ?? ''}`, { cause: error });
  }
}

describe('the packed packages in a service of their own', () => {
  jest.setTimeout(300_000);
  let packDir: string;
  let project: string;
  let tarballs: Record<(typeof PACKAGE_NAMES)[number], string>;

  beforeAll(async () => {
    packDir = scratchDir('misybot-pack-');
    tarballs = await packAll(packDir);
    project = consumerProject();
    // ioredis only: the cache must load and type-check without the other optional peer.
    await install(project, [
      ...PACKAGE_NAMES.map((name) => tarballs[name]),
      lockedVersion('ioredis'),
      lockedVersion('@types/node'),
    ]);
  });

  afterAll(() => {
    if (project) removeDir(project);
    if (packDir) removeDir(packDir);
  });

  it('ships only the built files, the README and the CHANGELOG', async () => {
    for (const name of PACKAGE_NAMES) {
      const { stdout } = await run('tar', ['tzf', tarballs[name]]);
      expect(stdout.trim().split('\n').sort()).toEqual([
        'package/CHANGELOG.md',
        'package/README.md',
        'package/dist/index.cjs',
        'package/dist/index.d.cts',
        'package/dist/index.d.mts',
        'package/dist/index.mjs',
        'package/package.json',
      ]);
    }
  });

  it('loads from plain CommonJS through the require condition, without redis installed', async () => {
    expect(await node(project, 'app.cjs')).toEqual({
      format: 'cjs',
      resolved: PACKAGE_NAMES.map((name) => `@misybot-ha/${name}/dist/index.cjs`),
      picks: ['a', 'a', 'b', 'a', 'a', 'a', 'b', 'a'],
    });
  });

  it('loads from plain ESM through the import condition', async () => {
    expect(await node(project, 'app.mjs')).toEqual({
      format: 'esm',
      resolved: PACKAGE_NAMES.map((name) => `@misybot-ha/${name}/dist/index.mjs`),
    });
  });

  it('type-checks under node16 resolution, ESM and CommonJS, with strict consumer flags', async () => {
    await tsc(project, 'tsconfig.node16.json');
  });

  it('type-checks under bundler resolution with strict consumer flags', async () => {
    await tsc(project, 'tsconfig.bundler.json');
  });

  it("builds options that node-redis' and ioredis' own types accept", async () => {
    await install(project, [lockedVersion('redis')]);
    await tsc(project, 'tsconfig.peers.json');
  });

  it.each(PACKAGE_NAMES)('installs @misybot-ha/%s in at most 5 MB without its peers', async (name) => {
    // The cache's dependency on the metrics package comes from its tarball, not the registry.
    const specs = name === 'cache' ? [tarballs.cache, tarballs.metrics] : [tarballs[name]];
    expect(await installedBytes(specs)).toBeLessThanOrEqual(MAX_INSTALL_BYTES);
  });
});
