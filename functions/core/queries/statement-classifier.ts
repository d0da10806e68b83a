import { fillSlots, maskLiterals } from './literal-mask';
import type { SqlParser } from './sql-parser-port';

/** A statement as the Postgres parser sees it. */
export interface ClassifiedStatement {
  readonly fingerprint: string;
  /** Constants replaced by `$n`. */
  readonly normalized: string;
}

/** Why the parser rejected a statement. */
export interface RejectedStatement {
  readonly error: string;
}

const MAX_CACHED = 50_000;

/**
 * Fingerprints and normalises statements with the real parser, calling it once per query shape.
 * A shape is only cached when the parser's own normalisation equals the text the literal mask
 * predicts, so a cached answer is exactly what the parser would have returned.
 */
export class StatementClassifier {
  private readonly byShape = new Map<string, ClassifiedStatement>();
  private readonly uncacheable = new Set<string>();

  constructor(private readonly parser: SqlParser) {}

  /** The fingerprint and normalised text, or the parser's error. */
  classify(sql: string): ClassifiedStatement | RejectedStatement {
    const masked = maskLiterals(sql);
    if (masked) {
      const cached = this.byShape.get(masked.key);
      if (cached) return cached;
    }
    let result: ClassifiedStatement;
    try {
      result = { fingerprint: this.parser.fingerprint(sql), normalized: this.parser.normalize(sql) };
    } catch (error) {
      return { error: error instanceof Error ? error.message : String(error) };
    }
    if (masked && !this.uncacheable.has(masked.key)) {
      if (this.byShape.size >= MAX_CACHED) this.byShape.clear();
      if (fillSlots(masked) === result.normalized) this.byShape.set(masked.key, result);
      else if (this.uncacheable.size < MAX_CACHED) this.uncacheable.add(masked.key);
    }
    return result;
  }
}

/** Narrows a classification result. */
export function isRejected(result: ClassifiedStatement | RejectedStatement): result is RejectedStatement {
  return 'error' in result;
}
