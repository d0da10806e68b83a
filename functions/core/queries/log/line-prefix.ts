import type { LogRecord } from './log-types';

/** Fields a `log_line_prefix` escape can carry and a {@link LogRecord} keeps. */
type PrefixField = 'timestamp' | 'pid' | 'user' | 'database' | 'application';

/** A compiled `log_line_prefix`: splits a stderr line into prefix fields, severity and message. */
export interface CompiledPrefix {
  readonly prefix: string;
  /** How many escapes the prefix holds: a tie-breaker when several prefixes read a file. */
  readonly escapes: number;
  /** `undefined` when the line does not start with this prefix followed by a severity. */
  match(line: string, lineNumber: number): LogRecord | undefined;
}

/** Thrown for a `log_line_prefix` that holds an escape Postgres does not define. */
export class LogPrefixError extends Error {
  override readonly name = 'LogPrefixError';
}

const TIME = '\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d';
const ZONE = '(?: [A-Za-z0-9+\\-]+)?';
const TEXT = '(.*?)';

// Session-only escapes expand to nothing in background processes, so each pattern accepts "".
const ESCAPES: Record<string, { pattern: string; field?: PrefixField }> = {
  a: { pattern: TEXT, field: 'application' },
  u: { pattern: TEXT, field: 'user' },
  d: { pattern: TEXT, field: 'database' },
  r: { pattern: TEXT },
  h: { pattern: TEXT },
  L: { pattern: TEXT },
  b: { pattern: TEXT },
  i: { pattern: TEXT },
  p: { pattern: '(\\d+)', field: 'pid' },
  P: { pattern: '(\\d*)' },
  t: { pattern: `(${TIME}${ZONE})`, field: 'timestamp' },
  m: { pattern: `(${TIME}\\.\\d{3}${ZONE})`, field: 'timestamp' },
  n: { pattern: '(\\d+\\.\\d{3})', field: 'timestamp' },
  s: { pattern: `(${TIME}${ZONE})` },
  l: { pattern: '(\\d+)' },
  c: { pattern: '([0-9a-f]*\\.?[0-9a-f]*)' },
  v: { pattern: '([\\d/]*)' },
  x: { pattern: '(\\d*)' },
  e: { pattern: '([0-9A-Z]{5})' },
  Q: { pattern: '(-?\\d*)' },
};

const SEVERITY =
  '(DEBUG[1-5]?|LOG|INFO|NOTICE|WARNING|ERROR|FATAL|PANIC|DETAIL|HINT|CONTEXT|STATEMENT|QUERY|LOCATION):  ';

function escapeLiteral(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Compiles a `log_line_prefix` (every escape of the PostgreSQL 15/16 docs, `%q`, padding such as
 * `%-10u`, and `%%`) into one anchored regular expression.
 * @throws {LogPrefixError} for an unknown escape or a prefix ending in a lone `%`.
 */
export function compileLinePrefix(prefix: string): CompiledPrefix {
  const fields: Array<PrefixField | undefined> = [];
  let pattern = '';
  let literal = '';
  let escapes = 0;
  let optionalTail = false;
  for (let i = 0; i < prefix.length; i += 1) {
    const char = prefix[i]!;
    if (char !== '%') {
      literal += char;
      continue;
    }
    const spec = /^%(-?\d+)?(.)/.exec(prefix.slice(i));
    if (!spec) throw new LogPrefixError(`log_line_prefix "${prefix}" ends with a lone %`);
    i += spec[0].length - 1;
    const code = spec[2]!;
    if (code === '%') {
      literal += '%';
      continue;
    }
    pattern += escapeLiteral(literal);
    literal = '';
    if (code === 'q') {
      // Background processes stop printing the prefix at %q: everything after it is optional.
      pattern += '(?:';
      optionalTail = true;
      continue;
    }
    const known = ESCAPES[code];
    if (!known)
      throw new LogPrefixError(`log_line_prefix "${prefix}" uses %${code}, which Postgres does not define`);
    const padded = spec[1] !== undefined;
    pattern += padded ? ` *${known.pattern} *` : known.pattern;
    fields.push(known.field);
    escapes += 1;
  }
  pattern += escapeLiteral(literal);
  if (optionalTail) pattern += ')?';
  const regex = new RegExp(`^${pattern}${SEVERITY}`);
  const messageGroup = fields.length + 1;

  return {
    prefix,
    escapes,
    match(line, lineNumber) {
      const found = regex.exec(line);
      if (!found) return undefined;
      const record: { -readonly [K in keyof LogRecord]: LogRecord[K] } = {
        line: lineNumber,
        severity: found[messageGroup]!,
        message: line.slice(found[0].length),
      };
      for (let g = 0; g < fields.length; g += 1) {
        const field = fields[g];
        const value = found[g + 1];
        if (field && value) record[field] = value;
      }
      return record;
    },
  };
}
