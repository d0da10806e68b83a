import type { RE2JS } from 're2js';

/**
 * Regular expressions in silence matchers, matched by RE2 (re2js): time linear in the label's
 * length whatever the pattern, where a backtracking engine takes exponential time on patterns such
 * as `(?:(?:[a-z]|-)+)+X`. RE2 has no backreferences or lookaround, and its cost per character
 * grows with the compiled program, so counted repetitions that expand a pattern past
 * {@link MAX_PATTERN_PROGRAM} instructions are refused too (`[a-z]{0,30}` is 64, `[a-z]{0,1000}` 2,004).
 */

/** The largest compiled program accepted: keeps any match on a 1 KB label well under a millisecond. */
export const MAX_PATTERN_PROGRAM = 64;

/** The most compiled patterns kept per process; silences are few, label values are not patterns. */
const CACHE_LIMIT = 512;

const compiled = new Map<string, RE2JS>();

let engine: typeof RE2JS | undefined;

/**
 * re2js builds its Unicode tables when it loads (~14 ms of CPU), which every cold start of a
 * function that may read a silence would pay; it loads with the first pattern instead.
 */
function re2(): typeof RE2JS {
  engine ??= (require('re2js') as typeof import('re2js')).RE2JS;
  return engine;
}

function compile(source: string): RE2JS {
  const cached = compiled.get(source);
  if (cached) return cached;
  const pattern = re2().compile(`^(?:${source})$`);
  if (compiled.size >= CACHE_LIMIT) compiled.delete(compiled.keys().next().value as string);
  compiled.set(source, pattern);
  return pattern;
}

/** Why `source` is not an accepted label pattern, or `undefined` when it is. */
export function labelPatternProblem(source: string): string | undefined {
  let pattern: RE2JS;
  try {
    pattern = compile(source);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return `must be an RE2 regular expression (no backreferences or lookaround): ${detail}`;
  }
  const size = pattern.programSize();
  if (size > MAX_PATTERN_PROGRAM) {
    compiled.delete(source);
    return `is too complex: it compiles to ${size} steps (at most ${MAX_PATTERN_PROGRAM}); use fewer or smaller counted repetitions`;
  }
  return undefined;
}

/** True when `source` is accepted by {@link labelPatternProblem}. */
export function isLabelPattern(source: string): boolean {
  return labelPatternProblem(source) === undefined;
}

/**
 * True when the whole of `value` matches `source` (anchored at both ends).
 * @throws {Error} when `source` is not an RE2 regular expression; validated silences never are.
 */
export function matchesLabelPattern(source: string, value: string): boolean {
  return compile(source).matches(value);
}
