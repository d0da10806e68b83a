import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** What the synthesized platform depends on: a change to any of these makes a new assembly. */
const INPUTS = [
  // The CDK app's entry point; the CLI and `npm start` beside it are not part of the template.
  'bin/app.ts',
  'lib',
  'functions',
  'config',
  'local/assembly',
  'cdk.json',
  'package-lock.json',
  'tsconfig.json',
];
const KEEP = 2;

function files(root: string, path: string): string[] {
  const full = join(root, path);
  if (!existsSync(full)) return [];
  if (statSync(full).isFile()) return [path];
  return readdirSync(full)
    .sort()
    .flatMap((entry) => files(root, join(path, entry)));
}

/** A digest of the sources the platform is synthesized from (paths and contents). */
export function sourceDigest(projectRoot: string, extra = ''): string {
  const hash = createHash('sha256').update(extra);
  for (const path of INPUTS.flatMap((input) => files(projectRoot, input))) {
    hash
      .update(path)
      .update('\0')
      .update(readFileSync(join(projectRoot, path)));
  }
  return hash.digest('hex').slice(0, 16);
}

/** What {@link synthesizedAssembly} may be told. */
export interface SynthOptions {
  readonly projectRoot: string;
  /** Where assemblies are kept between runs. @default `<project>/node_modules/.cache/misybot-local` */
  readonly cacheDir?: string;
  /** `-c config=FILE`; absent synthesizes the embedded default configuration. */
  readonly configFile?: string;
  /**
   * Variants of the configuration, each a stack of its own (`<name>-ha-<key>`), by partial
   * configuration: `{ autofailback: { failover: { autoFailback: true } } }`.
   */
  readonly variants?: Readonly<Record<string, unknown>>;
  /** Called with progress lines (the synth takes a while on a cold cache). */
  readonly onProgress?: (line: string) => void;
}

/**
 * The platform synthesized from the current sources with `cdk synth` (the stacks `bin/app.ts`
 * makes, plus any variants, through `platform-variants-app.ts`), as CI and a deploy do:
 * reused when an assembly of the same sources (and configuration) is cached, synthesized into
 * the cache otherwise. Only the two newest assemblies are kept.
 * @returns the cloud assembly directory.
 */
export async function synthesizedAssembly(options: SynthOptions): Promise<string> {
  const { projectRoot } = options;
  const cacheDir = options.cacheDir ?? join(projectRoot, 'node_modules', '.cache', 'misybot-local');
  const config = options.configFile ? readFileSync(options.configFile, 'utf8') : '';
  const variants = JSON.stringify(options.variants ?? {});
  const outDir = join(cacheDir, `assembly-${sourceDigest(projectRoot, `${config}\0${variants}`)}`);
  if (existsSync(join(outDir, 'manifest.json'))) return outDir;
  mkdirSync(cacheDir, { recursive: true });
  const building = `${outDir}.building-${process.pid}`;
  rmSync(building, { recursive: true, force: true });
  const args = [
    'synth',
    '--quiet',
    '--app',
    // tsx itself, not `npx tsx`: npm's start-up is 0.5 s of CPU for nothing here.
    `${join('node_modules', '.bin', 'tsx')} ${join('local', 'assembly', 'platform-variants-app.ts')}`,
    '--output',
    building,
    '-c',
    `variants=${variants}`,
    ...(options.configFile ? ['-c', `config=${options.configFile}`] : []),
  ];
  options.onProgress?.(`synthesizing the platform (cdk ${args.join(' ')})`);
  await new Promise<void>((resolve, reject) => {
    const child = spawn(join(projectRoot, 'node_modules', '.bin', 'cdk'), args, {
      cwd: projectRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, CDK_DISABLE_VERSION_CHECK: 'true' },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`cdk synth failed (exit ${code}):\n${output.slice(-4000)}`)),
    );
  });
  renameSync(building, outDir);
  const assemblies = readdirSync(cacheDir)
    .filter((entry) => entry.startsWith('assembly-') && !entry.includes('.building'))
    .map((entry) => ({ entry, at: statSync(join(cacheDir, entry)).mtimeMs }))
    .sort((a, b) => b.at - a.at);
  for (const { entry } of assemblies.slice(KEEP))
    rmSync(join(cacheDir, entry), { recursive: true, force: true });
  return outDir;
}
