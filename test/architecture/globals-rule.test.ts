import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/**
 * What the layer rules cannot see, because no import is involved: functions/core may not touch the
 * `process` or `fetch` globals and lib may not read `process.env` (docs/architecture.md, "Layers
 * and the dependency rule"). Biome enforces both; these cases prove its configuration does.
 */

const repoRoot = resolve(__dirname, '..', '..');
const biome = join(repoRoot, 'node_modules', '.bin', 'biome');

interface Diagnostic {
  category: string;
  severity: string;
  message: string;
  location: { path: string };
}

// Biome 2.6's --stdin-file-path mode prints no diagnostics at all, so it cannot prove a rule. Probes
// are written to disk instead, beside a copy of the project's biome.json so the path overrides
// resolve exactly as they do in the repository.
let project: string;

beforeAll(() => {
  project = mkdtempSync(join(tmpdir(), 'misybot-biome-'));
  copyFileSync(join(repoRoot, 'biome.json'), join(project, 'biome.json'));
});

afterAll(() => {
  rmSync(project, { recursive: true, force: true });
});

function lint(relativePath: string, source: string): Diagnostic[] {
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
    return report.diagnostics.filter((diagnostic) => diagnostic.category.startsWith('lint/'));
  } finally {
    rmSync(file);
  }
}

const readsEnv = 'export const stage = process.env.MISYBOT_STAGE;\n';
const exits = 'export const stop = () => process.exit(1);\n';
const fetches = "export const probe = () => fetch('https://example.com/health');\n";

describe('globals Biome forbids by layer', () => {
  test.each([
    ['reads process.env', readsEnv],
    ['calls process.exit', exits],
    ['calls fetch', fetches],
  ])('functions/core may not use a global that %s', (_label, source) => {
    expect(lint('functions/core/probe.ts', source)).toEqual([
      expect.objectContaining({
        category: 'lint/style/noRestrictedGlobals',
        severity: 'error',
        location: expect.objectContaining({ path: 'functions/core/probe.ts' }),
      }),
    ]);
  });

  it('lib may not read process.env', () => {
    expect(lint('lib/probe.ts', readsEnv)).toEqual([
      expect.objectContaining({ category: 'lint/style/noProcessEnv', severity: 'error' }),
    ]);
  });

  test.each([
    ['functions/adapters/probe.ts', fetches],
    ['functions/handlers/probe/settings.ts', readsEnv],
    ['bin/probe.ts', readsEnv],
  ])('%s may use them', (path, source) => {
    expect(lint(path, source)).toEqual([]);
  });
});
