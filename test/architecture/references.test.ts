import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';

/**
 * The repository describes itself: no file points outside it (a clone has nothing beside it), and
 * the paths the documentation names exist, so docs/architecture.md stays a map of the code as it
 * is rather than as it was.
 */

const repoRoot = resolve(__dirname, '..', '..');
// Stryker's sandbox (a partial copy of the repository) and reports are not the repository's files.
const SKIPPED = new Set([
  'node_modules',
  'cdk.out',
  'coverage',
  '.git',
  'package-lock.json',
  '.stryker-tmp',
  'reports',
]);
const TEXT = /\.(ts|cjs|mjs|js|json|md|sh|yml|yaml)$|^run$|^\.gitignore$/;

function trackedFiles(dir = ''): string[] {
  return readdirSync(join(repoRoot, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = dir ? `${dir}/${entry.name}` : entry.name;
    if (SKIPPED.has(entry.name) || entry.name.startsWith('.architecture-probe-')) return [];
    if (entry.isDirectory()) return trackedFiles(path);
    return entry.isFile() && TEXT.test(entry.name) ? [path] : [];
  });
}

const files = trackedFiles();
const markdown = files.filter((file) => file.endsWith('.md'));
const insideRepo = (path: string) => path === repoRoot || path.startsWith(repoRoot + sep);

/** GitHub's anchor for a heading. */
const slug = (heading: string) =>
  heading
    .toLowerCase()
    .replace(/[^\w\- ]/g, '')
    .replace(/ /g, '-');

describe('references', () => {
  it('finds the files it checks', () => {
    expect(files).toEqual(
      expect.arrayContaining(['README.md', 'docs/architecture.md', 'lib/state-table.ts']),
    );
  });

  it('no file points to a path outside the repository', () => {
    const escaping = files.flatMap((file) => {
      const text = readFileSync(join(repoRoot, file), 'utf8');
      return [...text.matchAll(/(?<![\w./-])((?:\.\.\/)+)[\w.-]/g)]
        .map((match) => match[1]!)
        .filter((ups) => !insideRepo(resolve(repoRoot, dirname(file), ups)))
        .map((ups) => `${file}: ${ups}`);
    });
    expect(escaping).toEqual([]);
  });

  test.each(markdown)('%s links only to files and headings that exist', (file) => {
    const text = readFileSync(join(repoRoot, file), 'utf8');
    const broken = [...text.matchAll(/\]\(([^)\s]+)\)/g)]
      .map((match) => match[1]!)
      .filter((target) => !/^[a-z]+:/.test(target))
      .filter((target) => {
        const [path, anchor] = target.split('#') as [string, string | undefined];
        const linked = path ? resolve(repoRoot, dirname(file), path) : join(repoRoot, file);
        if (!insideRepo(linked) || !existsSync(linked)) return true;
        if (anchor === undefined || !linked.endsWith('.md')) return false;
        const headings = [...readFileSync(linked, 'utf8').matchAll(/^#+ (.+)$/gm)].map((h) => slug(h[1]!));
        return !headings.includes(anchor);
      });
    expect(broken).toEqual([]);
  });

  test.each(markdown)('%s names only repository paths that exist', (file) => {
    const text = readFileSync(join(repoRoot, file), 'utf8');
    const named = [
      ...text.matchAll(/`((?:functions|lib|bin|test|bench|docs|config|packages|\.ci)\/[^`\s]*)`/g),
    ]
      .map((match) => match[1]!)
      .filter((path) => !/[<*{]/.test(path))
      .map((path) => path.replace(/[:#].*$/, ''));
    expect(named.filter((path) => !existsSync(join(repoRoot, path)))).toEqual([]);
  });

  // Found by what they declare, not by path, so a file that moves fails this test until the map
  // follows it.
  test.each([
    ['the scaling decision', 'functions/core/scaling', /^export function decide\(/m],
    ['the failover state machine', 'functions/core/failover', /^export function decide\(/m],
    ['the ALB construct', 'lib', /^export class PlatformLoadBalancer\b/m],
    ['the state table construct', 'lib', /^export class StateTable\b/m],
  ])('docs/architecture.md says where %s is', (_what, dir, declaration) => {
    const declaring = files.filter(
      (file) => file.startsWith(`${dir}/`) && declaration.test(readFileSync(join(repoRoot, file), 'utf8')),
    );
    expect(declaring).toHaveLength(1);
    expect(readFileSync(join(repoRoot, 'docs/architecture.md'), 'utf8')).toContain(`\`${declaring[0]}\``);
  });
});
