/**
 * A cheap lexical pass that blanks out numeric and string literals, so statements that differ only
 * in constants share one key and the real parser runs once per query shape, not once per call.
 */

/** Stands in for a literal in a mask key; cannot occur in SQL text Postgres logs. */
export const SLOT = '\u0000';

/** A statement with its literals blanked out. */
export interface MaskedStatement {
  readonly key: string;
  readonly literals: number;
  /** The highest `$n` parameter already in the text (0 when none). */
  readonly maxParameter: number;
}

function isIdentifierChar(code: number): boolean {
  return (
    (code >= 48 && code <= 57) ||
    (code >= 65 && code <= 90) ||
    (code >= 97 && code <= 122) ||
    code === 95 ||
    code === 36 ||
    code > 127
  );
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

const OPERAND_END = /[A-Za-z0-9_$)\]"'.\u0080-\uffff]/;

function isUnaryContext(sql: string, minus: number): boolean {
  let at = minus - 1;
  while (at >= 0 && (sql[at] === ' ' || sql[at] === '\t' || sql[at] === '\n' || sql[at] === '\r')) at -= 1;
  return at < 0 || !OPERAND_END.test(sql[at]!);
}

function numberEnd(sql: string, start: number): number {
  let i = start;
  while (i < sql.length) {
    const code = sql.charCodeAt(i);
    if (
      (code === 101 || code === 69) &&
      (sql[i + 1] === '-' || sql[i + 1] === '+') &&
      isDigit(sql.charCodeAt(i + 2))
    ) {
      i += 2;
    } else if (!(isIdentifierChar(code) || code === 46) || code === 36) {
      break;
    } else {
      i += 1;
    }
  }
  return i;
}

/**
 * Masks `sql`; `undefined` when the text has constructs the pass does not model (dollar quoting,
 * unterminated quotes or comments), which then always go to the real parser.
 */
export function maskLiterals(sql: string): MaskedStatement | undefined {
  let key = '';
  let copiedTo = 0;
  let literals = 0;
  let maxParameter = 0;
  let i = 0;
  const slot = (start: number, end: number) => {
    key += sql.slice(copiedTo, start) + SLOT;
    copiedTo = end;
    literals += 1;
  };
  while (i < sql.length) {
    const code = sql.charCodeAt(i);
    const previous = i === 0 ? 32 : sql.charCodeAt(i - 1);
    if (code === 39) {
      let end = i + 1;
      for (;;) {
        const quote = sql.indexOf("'", end);
        if (quote < 0) return undefined;
        if (sql.charCodeAt(quote + 1) === 39) end = quote + 2;
        else {
          end = quote + 1;
          break;
        }
      }
      // A backslash escape in E'' strings could hide a quote; leave such statements to the parser.
      if (sql.slice(i, end).includes('\\')) return undefined;
      slot(i, end);
      i = end;
    } else if (code === 34) {
      const end = sql.indexOf('"', i + 1);
      if (end < 0) return undefined;
      i = end + 1;
    } else if (code === 45 && sql.charCodeAt(i + 1) === 45) {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? sql.length : end;
    } else if (code === 47 && sql.charCodeAt(i + 1) === 42) {
      const end = sql.indexOf('*/', i + 2);
      if (end < 0 || sql.slice(i + 2, end).includes('/*')) return undefined;
      i = end + 2;
    } else if (code === 36) {
      if (!isDigit(sql.charCodeAt(i + 1)) || isIdentifierChar(previous)) return undefined;
      let end = i + 1;
      while (isDigit(sql.charCodeAt(end))) end += 1;
      maxParameter = Math.max(maxParameter, Number(sql.slice(i + 1, end)));
      i = end;
    } else if (
      (isDigit(code) || (code === 46 && isDigit(sql.charCodeAt(i + 1)))) &&
      !isIdentifierChar(previous)
    ) {
      const end = numberEnd(sql, i);
      // The grammar folds a unary minus into the constant (`+ -3` normalises to `+ $1`), so the
      // span starts at the minus when what precedes it cannot end an operand.
      slot(previous === 45 && i - 1 >= copiedTo && isUnaryContext(sql, i - 1) ? i - 1 : i, end);
      i = end;
    } else if (isIdentifierChar(code)) {
      while (i < sql.length && isIdentifierChar(sql.charCodeAt(i)) && sql.charCodeAt(i) !== 39) i += 1;
    } else {
      i += 1;
    }
  }
  return { key: key + sql.slice(copiedTo), literals, maxParameter };
}

/** The normalised text a mask implies: slot i becomes `$(maxParameter + 1 + i)`. */
export function fillSlots(masked: MaskedStatement): string {
  let next = masked.maxParameter;
  let out = '';
  let from = 0;
  for (let at = masked.key.indexOf(SLOT); at >= 0; at = masked.key.indexOf(SLOT, from)) {
    next += 1;
    out += `${masked.key.slice(from, at)}$${next}`;
    from = at + 1;
  }
  return out + masked.key.slice(from);
}
