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
    // An external map carries no comment; this one points Node at the map in the layer.
    ...(settings.sourceMaps ? { footer: { js: `//# sourceMappingURL=${LAYER_MAP}` } } : {}),
  };
}

/** The NodejsFunction bundling of `settings`; `mapsDir` receives the source map when they are on. */
export function bundlingOptionsOf(settings: BundleSettings, mapsDir?: string): BundlingOptions {
  const esbuild = esbuildOptionsOf(settings);
  const hooks = afterBundling([
    ...settings.bundledFiles.map((file) => (outputDir: string) => `cp ${quote(file)} ${quote(outputDir)}/`),
    ...(mapsDir
      ? [
          (outputDir: string) =>
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
    externalModules: [],
    forceDockerBundling: false,
    ...(hooks ? { commandHooks: hooks } : {}),
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

function afterBundling(commands: ReadonlyArray<(outputDir: string) => string>): ICommandHooks | undefined {
  if (commands.length === 0) return undefined;
  return {
    beforeBundling: () => [],
    beforeInstall: () => [],
    afterBundling: (_inputDir, outputDir) => commands.map((command) => command(outputDir)),
  };
}

function quote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
