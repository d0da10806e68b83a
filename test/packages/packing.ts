import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The repository root. */
export const REPO_ROOT = resolve(__dirname, '../..');
/** The packages, in dependency order (the cache depends on the metrics package). */
export const PACKAGE_NAMES = ['balancing', 'metrics', 'cache'] as const;
export type PackageName = (typeof PACKAGE_NAMES)[number];

/**
 * The environment of a child npm: without the `npm_*` variables an enclosing `npm test` sets
 * (workspace, prefix, lifecycle), which would make it act on the repository instead of the directory
 * it runs in.
 */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.toLowerCase().startsWith('npm_')) env[name] = value;
  }
  return { ...env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
}

/** Runs npm in `cwd`; rejects with npm's own output when it fails. */
export async function npm(cwd: string, args: readonly string[]): Promise<string> {
  try {
    const { stdout } = await run('npm', [...args], { cwd, env: childEnv(), maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`npm ${args.join(' ')} failed in ${cwd}:\n${stderr ?? ''}${stdout ?? ''}`, {
      cause: error,
    });
  }
}

/** A fresh directory outside the repository, so nothing in it resolves to the workspace's packages. */
export function scratchDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/**
 * Packs every package with `npm pack` (which builds it through its `prepack` script) into `dir`.
 * @returns the tarball path per package.
 */
export async function packAll(dir: string): Promise<Record<PackageName, string>> {
  // Not `--json`: the build's own output shares stdout with it.
  await npm(REPO_ROOT, [
    'pack',
    '--pack-destination',
    dir,
    ...PACKAGE_NAMES.flatMap((name) => ['--workspace', `packages/${name}`]),
  ]);
  const files = readdirSync(dir);
  const tarballs = {} as Record<PackageName, string>;
  for (const name of PACKAGE_NAMES) {
    const file = files.find((f) => new RegExp(`^misybot-ha-${name}-\\d+\\.\\d+\\.\\d+.*\\.tgz$`).test(f));
    if (!file) throw new Error(`npm pack left no tarball of @misybot-ha/${name} in ${dir}`);
    tarballs[name] = join(dir, file);
  }
  return tarballs;
}

/**
 * Installs `specs` (tarball paths or `name@version`) into `dir`. `--prefer-offline`: everything the
 * packages need is in npm's cache after the repository's own `npm ci`; the registry is asked only
 * for what is missing.
 */
export async function install(dir: string, specs: readonly string[]): Promise<void> {
  await npm(dir, ['install', '--prefer-offline', '--no-package-lock', ...specs]);
}

/** Copies the consumer fixture into a scratch directory. */
export function consumerProject(): string {
  const dir = scratchDir('misybot-consumer-');
  cpSync(join(__dirname, 'fixtures/consumer'), dir, { recursive: true });
  return dir;
}

/** Total size in bytes of the files under `dir` (apparent size, what `du --apparent-size -b` adds up). */
export function treeBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += treeBytes(path);
    else if (entry.isFile()) total += statSync(path).size;
  }
  return total;
}

/**
 * Installs `specs` alone into an empty project (optional peers are not installed) and returns the
 * size of its `node_modules`.
 */
export async function installedBytes(specs: readonly string[]): Promise<number> {
  const dir = scratchDir('misybot-size-');
  try {
    writeFileSync(join(dir, 'package.json'), '{"name":"size-probe","version":"1.0.0","private":true}\n');
    await install(dir, specs);
    return treeBytes(join(dir, 'node_modules'));
  } finally {
    removeDir(dir);
  }
}
