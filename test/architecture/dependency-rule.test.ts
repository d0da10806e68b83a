import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const repoRoot = resolve(__dirname, '..', '..');
const biome = join(repoRoot, 'node_modules', '.bin', 'biome');

interface Diagnostic {
  category: string;
  severity: string;
  message: string;
  location: { path: string };
}

interface LintResult {
  status: number | null;
  output: string;
  lintDiagnostics: Diagnostic[];
}

// Biome 2.6's --stdin-file-path mode prints no diagnostics at all (it exits 1 for any input without
// --write, 0 with it), so it cannot prove the rule. Probes are written to disk instead, beside a copy of
// the project's biome.json so the `functions/core/**` override resolves exactly as it does in the repo.
let project: string;

beforeAll(() => {
  project = mkdtempSync(join(tmpdir(), 'misybot-biome-'));
  copyFileSync(join(repoRoot, 'biome.json'), join(project, 'biome.json'));
});

afterAll(() => {
  rmSync(project, { recursive: true, force: true });
});

function lint(relativePath: string, source: string): LintResult {
  const file = join(project, relativePath);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, source);
  try {
    const result = spawnSync(
      biome,
      ['lint', '--vcs-enabled=false', '--colors=off', '--reporter=json', relativePath],
      { cwd: project, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 },
    );
    if (result.error) throw result.error;
    const report = JSON.parse(result.stdout) as { diagnostics: Diagnostic[] };
    return {
      status: result.status,
      output: result.stdout,
      lintDiagnostics: report.diagnostics.filter((diagnostic) => diagnostic.category.startsWith('lint/')),
    };
  } finally {
    rmSync(file);
  }
}

const forbiddenImports: Array<[module: string, source: string]> = [
  [
    '@aws-sdk/client-sns',
    "import { SNSClient } from '@aws-sdk/client-sns';\nexport const probe = SNSClient;\n",
  ],
  ['aws-lambda', "import type { Handler } from 'aws-lambda';\nexport type Probe = Handler;\n"],
  ['@middy/core', "import middy from '@middy/core';\nexport const probe = middy;\n"],
  [
    '@aws-lambda-powertools/logger',
    "import { Logger } from '@aws-lambda-powertools/logger';\nexport const probe = Logger;\n",
  ],
  ['pg', "import { Pool } from 'pg';\nexport const probe = Pool;\n"],
  ['redis', "import { createClient } from 'redis';\nexport const probe = createClient;\n"],
  ['ioredis', "import Redis from 'ioredis';\nexport const probe = Redis;\n"],
  ['node:fs', "import { readFileSync } from 'node:fs';\nexport const probe = readFileSync;\n"],
  ['node:net', "import { connect } from 'node:net';\nexport const probe = connect;\n"],
  ['node:http', "import { request } from 'node:http';\nexport const probe = request;\n"],
  ['node:https', "import { request } from 'node:https';\nexport const probe = request;\n"],
];

const cases: Array<[label: string, source: string, rule: string]> = [
  ...forbiddenImports.map(([module, source]): [string, string, string] => [
    `import of ${module}`,
    source,
    'noRestrictedImports',
  ]),
  ['process.env', 'export const probe = process.env.MISYBOT_STAGE;\n', 'noProcessEnv'],
];

describe('Biome dependency rule for functions/core (DESIGN.md §2)', () => {
  test.each(cases)('rejects %s in functions/core', (_label, source, rule) => {
    const result = lint('functions/core/probe.ts', source);
    expect(result.status).not.toBe(0);
    expect(result.output).toContain(rule);
    expect(result.lintDiagnostics).toEqual([
      expect.objectContaining({
        category: `lint/style/${rule}`,
        severity: 'error',
        location: expect.objectContaining({ path: 'functions/core/probe.ts' }),
      }),
    ]);
  });

  test.each(cases)('allows %s in functions/adapters', (_label, source) => {
    const result = lint('functions/adapters/probe.ts', source);
    expect(result.lintDiagnostics).toEqual([]);
    expect(result.status).toBe(0);
  });
});
