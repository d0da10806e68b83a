/** The three destinations Postgres can log to (`log_destination`). */
export type LogFormat = 'stderr' | 'csvlog' | 'jsonlog';

/** Every format the parser reads, for messages that must name them. */
export const SUPPORTED_LOG_FORMATS: readonly LogFormat[] = ['stderr', 'csvlog', 'jsonlog'];

/** One log message, whatever the format: the fields the prefix (or the CSV/JSON columns) carried. */
export interface LogRecord {
  /** 1-based number of the physical line the message starts on. */
  readonly line: number;
  readonly severity: string;
  message: string;
  detail?: string;
  readonly timestamp?: string;
  readonly pid?: string;
  readonly user?: string;
  readonly database?: string;
  readonly application?: string;
}

/** How the server ran a timed statement: simple protocol, or one step of the extended protocol. */
export type StatementKind = 'statement' | 'execute' | 'parse' | 'bind';

/** One statement with its duration, from `log_min_duration_statement` (or `log_duration`). */
export interface LogEntry {
  readonly line: number;
  readonly durationMs: number;
  readonly kind: StatementKind;
  /** Prepared statement or portal name for extended-protocol steps (`<unnamed>` included). */
  readonly statementName?: string;
  readonly statement: string;
  /** Bind parameters as logged: `$1 = '42', $2 = 'x'`. */
  readonly parameters?: string;
  readonly timestamp?: string;
  readonly pid?: string;
  readonly user?: string;
  readonly database?: string;
  readonly application?: string;
}

/** A line the parser could not read, kept so a report can point at it. */
export interface UnparsedLine {
  readonly line: number;
  readonly reason: string;
  /** The start of the line, cut to keep reports small. */
  readonly text: string;
}

/** Count of unreadable lines plus the first few of them. */
export interface UnparsedSummary {
  count: number;
  readonly samples: UnparsedLine[];
}

/** A streaming log parser: feed text in any chunking, get entries as soon as they are complete. */
export interface LogParser {
  push(chunk: string): LogEntry[];
  /** Flushes what the last chunk left open. */
  end(): LogEntry[];
  readonly unparsed: UnparsedSummary;
}

const MAX_SAMPLES = 20;
const SAMPLE_CHARS = 120;

/** Records one unreadable line; keeps the first {@link MAX_SAMPLES} as samples. */
export function noteUnparsed(summary: UnparsedSummary, line: number, reason: string, text: string): void {
  summary.count += 1;
  if (summary.samples.length < MAX_SAMPLES) {
    // Binary garbage must not reach a terminal as control characters.
    const printable = text.slice(0, SAMPLE_CHARS).replace(/[^\x20-\x7e\u00a0-\uffff]/g, '\uFFFD');
    summary.samples.push({ line, reason, text: printable });
  }
}

/** An empty summary. */
export function emptyUnparsed(): UnparsedSummary {
  return { count: 0, samples: [] };
}
