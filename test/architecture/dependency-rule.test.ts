import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/**
 * Proves the layer rules of .dependency-cruiser.cjs (docs/architecture.md, "Layers and the
 * dependency rule"): each edge is written as a probe file inside the layer it starts from and the
 * whole set is cruised once with the project's own configuration. A forbidden edge must be
 * rejected by its case's rule, with the rule's message printed beside it; an allowed one must pass.
 */

const repoRoot = resolve(__dirname, '..', '..');
const depcruise = join(repoRoot, 'node_modules', '.bin', 'depcruise');
const configFile = join(repoRoot, '.dependency-cruiser.cjs');
const config = require(configFile) as { forbidden: Array<{ name: string; comment: string }> };
const PROBE_PREFIX = '.architecture-probe-';

/** A file of the repository (imported by a relative path) or a bare module specifier. */
type ImportForm = 'import' | 'import type' | 'import()' | 'require';

type Target = { readonly file: string } | string;

interface Case {
  readonly from: string;
  readonly to: Target;
  /** The rule that must reject the edge; `null` for an edge the rules allow. */
  readonly rule: string | null;
  /** How the probe imports its target. @default 'import' */
  readonly form?: ImportForm;
}

const NOT_SOURCE_DIRS = new Set(['test', 'tests', '__tests__', 'node_modules', 'dist']);
const isSource = (name: string) => name.endsWith('.ts') && !/\.(d|test|spec|config)\.ts$/.test(name);

/** The first source file under `dir`, so the cases survive files moving inside a layer. */
function moduleIn(dir: string): { file: string } {
  const walk = (relativeDir: string): string | undefined => {
    const entries = readdirSync(join(repoRoot, relativeDir), { withFileTypes: true })
      .filter((entry) => !entry.name.startsWith('.') && !NOT_SOURCE_DIRS.has(entry.name))
      .sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      const path = `${relativeDir}/${entry.name}`;
      if (entry.isFile() && isSource(entry.name)) return path;
      if (entry.isDirectory()) {
        const found = walk(path);
        if (found) return found;
      }
    }
    return undefined;
  };
  const file = walk(dir);
  if (!file) throw new Error(`no TypeScript file under ${dir}`);
  return { file };
}

const libraryRoots = ['functions/libraries', 'packages'].filter((dir) => existsSync(join(repoRoot, dir)));
const aCore = moduleIn('functions/core');
const anAdapter = moduleIn('functions/adapters');
const aHandler = moduleIn('functions/handlers');
const aLibrary = moduleIn(libraryRoots[0] ?? 'functions/libraries');
const aConstruct = moduleIn('lib');
const aPlatformConstruct = moduleIn('lib/platform');
const aControlPlaneConstruct = moduleIn('lib/control-plane');
const anObservabilityConstruct = moduleIn('lib/observability');
const anEntryPoint = moduleIn('bin');
const powertools = { file: 'functions/shared/powertools.ts' };
const env = { file: 'functions/shared/env.ts' };
const configSchema = { file: 'functions/shared/config/index.ts' };
const errors = { file: 'functions/shared/errors.ts' };
const loadFile = { file: 'functions/shared/config/load-file.ts' };

const coreCases: Case[] = [
  ...[anAdapter, aHandler, aLibrary, powertools, env].map((to) => ({
    from: 'functions/core',
    to,
    rule: 'core-imports-only-the-domain',
  })),
  ...(['import type', 'import()', 'require'] as const).map((form) => ({
    from: 'functions/core',
    to: anAdapter,
    rule: 'core-imports-only-the-domain',
    form,
  })),
  { from: 'functions/core', to: 'node:child_process', rule: 'core-does-no-io', form: 'require' as const },
  { from: 'functions/core', to: 'pg', rule: 'core-imports-only-the-domain', form: 'import()' as const },
  ...[
    '@aws-sdk/client-sns',
    'aws-lambda',
    '@middy/core',
    '@aws-lambda-powertools/logger',
    'pg',
    'redis',
    'ioredis',
    'libpg-query',
  ].map((to) => ({ from: 'functions/core', to, rule: 'core-imports-only-the-domain' })),
  ...[
    'node:child_process',
    'node:dns/promises',
    'node:tls',
    'node:fs',
    'node:fs/promises',
    'node:net',
    'node:http',
    'node:https',
    'fs',
  ].map((to) => ({ from: 'functions/core', to, rule: 'core-does-no-io' })),
  // load-file.ts sits in functions/shared/config, which core may import, but it reads the disk.
  { from: 'functions/core', to: loadFile, rule: 'core-does-no-io' },
  { from: 'functions/core', to: loadFile, rule: 'only-bin-reads-the-config-file' },
  { from: 'functions/core', to: aConstruct, rule: 'functions-do-not-import-the-app' },
  ...[aCore, configSchema, errors, 'zod'].map((to) => ({ from: 'functions/core', to, rule: null })),
];

const adapterCases: Case[] = [
  { from: 'functions/adapters', to: aHandler, rule: 'adapters-do-not-import-handlers' },
  { from: 'functions/adapters', to: powertools, rule: 'adapters-take-their-logger-and-settings' },
  { from: 'functions/adapters', to: env, rule: 'adapters-take-their-logger-and-settings' },
  { from: 'functions/adapters', to: aConstruct, rule: 'functions-do-not-import-the-app' },
  { from: 'functions/adapters', to: anEntryPoint, rule: 'functions-do-not-import-the-app' },
  ...[aCore, anAdapter, configSchema, errors, '@aws-sdk/client-sns', 'pg', 'node:net'].map((to) => ({
    from: 'functions/adapters',
    to,
    rule: null,
  })),
];

const handlerCases: Case[] = [
  { from: 'functions/handlers', to: aHandler, rule: 'handlers-do-not-import-each-other' },
  { from: 'functions/handlers', to: aConstruct, rule: 'functions-do-not-import-the-app' },
  { from: 'functions/handlers', to: anEntryPoint, rule: 'functions-do-not-import-the-app' },
  ...[aCore, anAdapter, aLibrary, powertools, env, configSchema, '@middy/core'].map((to) => ({
    from: 'functions/handlers',
    to,
    rule: null,
  })),
];

const sharedCases: Case[] = [
  ...[aCore, anAdapter, aHandler, aLibrary].map((to) => ({
    from: 'functions/shared',
    to,
    rule: 'shared-imports-no-layer',
  })),
  ...[errors, 'zod', '@aws-lambda-powertools/logger'].map((to) => ({
    from: 'functions/shared',
    to,
    rule: null,
  })),
];

const libraryCases: Case[] = libraryRoots.flatMap((root) => [
  ...[aCore, anAdapter, aHandler, configSchema, errors].map((to) => ({
    from: root,
    to,
    rule: 'libraries-stand-alone',
  })),
  { from: root, to: aConstruct, rule: 'functions-do-not-import-the-app' },
  ...['redis', 'node:crypto'].map((to) => ({ from: root, to, rule: null })),
]);

const cdkCases: Case[] = [
  ...[anAdapter, aHandler, aLibrary, powertools, env, anEntryPoint].map((to) => ({
    from: 'lib',
    to,
    rule: 'cdk-app-imports-only-config-and-contracts',
  })),
  ...['@aws-sdk/client-sns', 'pg', 'libpg-query', '@middy/core'].map((to) => ({
    from: 'lib',
    to,
    rule: 'cdk-app-loads-no-runtime-package',
  })),
  // A construct that imported a handler would drag the Lambda's runtime into `cdk synth`.
  { from: 'lib', to: aHandler, rule: 'cdk-app-loads-no-runtime-package' },
  { from: 'lib', to: loadFile, rule: 'only-bin-reads-the-config-file' },
  ...[aControlPlaneConstruct, anObservabilityConstruct].map((to) => ({
    from: 'lib/platform',
    to,
    rule: 'platform-constructs-know-no-control-plane',
  })),
  ...[aPlatformConstruct, anObservabilityConstruct].map((to) => ({
    from: 'lib/control-plane',
    to,
    rule: null,
  })),
  ...[configSchema, errors, aCore, aConstruct, 'aws-cdk-lib', 'node:path'].map((to) => ({
    from: 'lib',
    to,
    rule: null,
  })),
];

const aLocalModule = moduleIn('local');
const aService = moduleIn('services');

const entryPointCases: Case[] = [loadFile, aConstruct, anAdapter, aCore, aLocalModule].map((to) => ({
  from: 'bin',
  to,
  rule: null,
}));

const localCases: Case[] = [
  ...['lib', 'functions/handlers', 'functions/adapters', 'services', ...libraryRoots].map((from) => ({
    from,
    to: aLocalModule,
    rule: 'the-product-does-not-import-local',
  })),
  ...[aLibrary, aService, aLocalModule, 'node:child_process'].map((to) => ({
    from: 'local',
    to,
    rule: null,
  })),
];

const cases: Case[] = [
  ...coreCases,
  ...adapterCases,
  ...handlerCases,
  ...sharedCases,
  ...libraryCases,
  ...cdkCases,
  ...entryPointCases,
  ...localCases,
];

const describeTarget = (to: Target): string => (typeof to === 'string' ? to : to.file);

interface Violation {
  readonly rule: string;
  readonly from: string;
  readonly to: string;
  readonly message: string;
}

const probeDirs = new Map<string, string>();
const probeOf = new Map<Case, string>();
let violations: Violation[] = [];

/** depcruise's err-long report: one block per violation, a header line then the rule's message. */
function parseReport(report: string): Violation[] {
  return report.split(/\n\s*\n/).flatMap((block) => {
    const header = /^\s*error ([\w-]+): (\S+) → (\S+)\n([\s\S]*)$/.exec(block);
    if (!header) return [];
    const [, rule, from, to, rest] = header as unknown as [string, string, string, string, string];
    const message = rest
      .split('\n')
      .filter((line) => !/^\s{6}/.test(line)) // the reachability path, indented deeper than the message
      .join(' ');
    return [{ rule, from, to, message: normalise(message) }];
  });
}

const normalise = (text: string): string => text.replace(/\s+/g, ' ').trim();

function probeSource(probe: string, { to, form = 'import' }: Case): string {
  // Probes sit one folder below their layer, so a relative path always starts with '../'.
  const spec =
    typeof to === 'string'
      ? to
      : relative(dirname(join(repoRoot, probe)), join(repoRoot, to.file)).replace(/\.ts$/, '');
  switch (form) {
    case 'import type':
      return `import type { Probe } from '${spec}';\nexport type Proof = Probe;\n`;
    case 'import()':
      return `export const load = () => import('${spec}');\n`;
    case 'require':
      return `export const loaded = require('${spec}');\n`;
    default:
      return `import '${spec}';\n`;
  }
}

beforeAll(() => {
  for (const from of new Set(cases.map((c) => c.from))) {
    probeDirs.set(from, relative(repoRoot, mkdtempSync(join(repoRoot, from, PROBE_PREFIX))));
  }
  cases.forEach((c, index) => {
    const probe = `${probeDirs.get(c.from)}/case-${index}.ts`;
    writeFileSync(join(repoRoot, probe), probeSource(probe, c));
    probeOf.set(c, probe);
  });
  const result = spawnSync(
    depcruise,
    ['--config', configFile, '--output-type', 'err-long', ...probeOf.values()],
    {
      cwd: repoRoot,
      encoding: 'utf8',
      timeout: 120_000,
    },
  );
  if (result.error) throw result.error;
  violations = parseReport(result.stdout);
  if (violations.length === 0)
    throw new Error(`depcruise reported nothing:\n${result.stdout}${result.stderr}`);
}, 180_000);

afterAll(() => {
  for (const dir of probeDirs.values()) rmSync(join(repoRoot, dir), { recursive: true, force: true });
});

describe('layer rules (.dependency-cruiser.cjs)', () => {
  const forbidden = cases.filter((c) => c.rule !== null);
  const allowed = cases.filter((c) => c.rule === null);

  test.each(
    forbidden.map((c) => [c.from, `${describeTarget(c.to)}${c.form ? ` by ${c.form}` : ''}`, c.rule, c]),
  )('%s may not import %s (%s)', (_from, _to, rule, c) => {
    const probe = probeOf.get(c as Case)!;
    const found = violations.filter((v) => v.from === probe && v.rule === rule);
    expect(found).not.toHaveLength(0);
    const { comment } = config.forbidden.find((r) => r.name === rule)!;
    for (const violation of found) expect(violation.message).toContain(normalise(comment));
  });

  test.each(allowed.map((c) => [c.from, describeTarget(c.to), c]))('%s may import %s', (_from, _to, c) => {
    const probe = probeOf.get(c as Case)!;
    expect(violations.filter((v) => v.from === probe)).toEqual([]);
  });

  it('has a case proving every rule', () => {
    const proven = new Set(forbidden.map((c) => c.rule));
    expect(config.forbidden.map((r) => r.name).filter((name) => !proven.has(name))).toEqual([]);
  });

  it('names only folders and files that exist in its messages', () => {
    const named = config.forbidden
      .flatMap((r) => r.comment.match(/\b(?:functions|lib|bin|docs|packages)(?:\/[\w.-]+)*(?![\w-])/g) ?? [])
      .map((path) => path.replace(/\.+$/, ''));
    expect(named.length).toBeGreaterThan(10);
    expect([...new Set(named)].filter((path) => !existsSync(join(repoRoot, path)))).toEqual([]);
  });
});
