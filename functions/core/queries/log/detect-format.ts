import { splitCsvRecord } from './csv-reader';
import { type CompiledPrefix, compileLinePrefix } from './line-prefix';
import { type LogFormat, SUPPORTED_LOG_FORMATS } from './log-types';

/**
 * Prefixes tried when none is given: the RDS/Aurora default, the Debian and upstream defaults, and
 * the ones pgBadger's documentation recommends.
 */
export const KNOWN_PREFIXES: readonly string[] = [
  '%t:%r:%u@%d:[%p]:',
  '%m:%r:%u@%d:[%p]:',
  '%t [%p]: [%l-1] user=%u,db=%d,app=%a,client=%h ',
  '%m [%p]: [%l-1] user=%u,db=%d,app=%a,client=%h ',
  '%t [%p]: user=%u,db=%d,app=%a,client=%h ',
  '%t [%p]: [%l-1] user=%u,db=%d ',
  '%t [%p]: [%l-1] ',
  '%t [%p-%l] %q%u@%d ',
  '%m [%p] %q%u@%d ',
  '%m [%p] ',
  '%t [%p] ',
];

/** The input matches none of the formats the parser reads. */
export class UnknownLogFormatError extends Error {
  override readonly name = 'UnknownLogFormatError';
}

/** What {@link detectLogFormat} found. */
export interface DetectedFormat {
  readonly format: LogFormat;
  /** Set for stderr. */
  readonly prefix?: CompiledPrefix;
}

const SAMPLE_LINES = 200;
const CSV_START = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} [^,]*,/;

/** The first CSV record: physical lines joined until the quotes balance (fields may hold newlines). */
function firstCsvRecord(lines: readonly string[], start: number): string {
  let record = '';
  for (let i = start; i < lines.length; i += 1) {
    record = i === start ? lines[i]! : `${record}\n${lines[i]}`;
    if ((record.match(/"/g)?.length ?? 0) % 2 === 0) return record;
  }
  return record;
}

/** Picks the prefix that reads the most sample lines; on a tie the one with more escapes. */
export function detectPrefix(lines: readonly string[]): CompiledPrefix | undefined {
  const heads = lines.filter((line) => line.length > 0 && line.charCodeAt(0) !== 9);
  let best: { prefix: CompiledPrefix; hits: number } | undefined;
  for (const text of KNOWN_PREFIXES) {
    const prefix = compileLinePrefix(text);
    const hits = heads.filter((line, index) => prefix.match(line, index + 1) !== undefined).length;
    if (hits === 0) continue;
    if (!best || hits > best.hits || (hits === best.hits && prefix.escapes > best.prefix.escapes)) {
      best = { prefix, hits };
    }
  }
  // A prefix that reads under half the lines is a coincidence, not the file's format.
  return best && best.hits * 2 >= heads.length ? best.prefix : undefined;
}

/**
 * Detects the format from the start of a file. For stderr, `prefix` (the server's
 * `log_line_prefix`) is used when given; otherwise the known prefixes are tried.
 * @throws {UnknownLogFormatError} naming the formats supported.
 */
export function detectLogFormat(sample: string, prefix?: string): DetectedFormat {
  const lines = sample
    .split('\n', SAMPLE_LINES)
    .map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
  // The last line of a sample is usually cut mid-way.
  if (lines.length > 1) lines.pop();
  const first = lines.find((line) => line.trim() !== '') ?? '';
  if (first.startsWith('{')) {
    try {
      const parsed = JSON.parse(first) as Record<string, unknown>;
      if (typeof parsed.error_severity === 'string') return { format: 'jsonlog' };
    } catch {
      // Not JSON after all: fall through to the other formats.
    }
  }
  if (
    CSV_START.test(first) &&
    (splitCsvRecord(firstCsvRecord(lines, lines.indexOf(first)))?.length ?? 0) >= 23
  ) {
    return { format: 'csvlog' };
  }
  if (prefix !== undefined) {
    const compiled = compileLinePrefix(prefix);
    if (lines.some((line, index) => compiled.match(line, index + 1)))
      return { format: 'stderr', prefix: compiled };
    throw new UnknownLogFormatError(
      `no line of the log starts with log_line_prefix "${prefix}" followed by a severity (LOG:, ERROR:, ...)`,
    );
  }
  const detected = detectPrefix(lines);
  if (detected) return { format: 'stderr', prefix: detected };
  throw new UnknownLogFormatError(
    `unrecognised log format: the log is none of ${SUPPORTED_LOG_FORMATS.join(', ')} ` +
      `(stderr tried with the log_line_prefix values ${KNOWN_PREFIXES.map((p) => `"${p}"`).join(', ')})`,
  );
}
