import type * as z from 'zod';

// Apart from the platform schema, so a Lambda that validates one setting does not build them all.

/** Renders one line per problem: `path: what was expected, got what`. */
export function formatConfigIssues(issues: readonly z.core.$ZodIssue[], input: unknown): string[] {
  return issues.map((issue) => {
    const path = formatPath(issue.path);
    if (issue.code === 'unrecognized_keys') {
      return `${path}: unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    }
    const message = issue.message
      .replace(/^Invalid (input|option|discriminator value)[:.] ?/, '')
      .replace(/^E(xpected)/, 'e$1')
      .replace(/, received \w+$/, '');
    if (/, got /.test(message)) return `${path}: ${message}`;
    return `${path}: ${message}, got ${describeValue(valueAt(input, issue.path))}`;
  });
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  return path
    .map((key, index) => (typeof key === 'number' ? `[${key}]` : `${index > 0 ? '.' : ''}${String(key)}`))
    .join('');
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value: unknown = input;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
