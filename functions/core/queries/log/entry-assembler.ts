import {
  type LogEntry,
  type LogRecord,
  noteUnparsed,
  type StatementKind,
  type UnparsedSummary,
} from './log-types';

// "duration: 1.234 ms  statement: SELECT 1", "... execute S_1: ...", or a bare "duration: 1.234 ms".
const DURATION = /^duration: (\d+(?:\.\d+)?) ms(?: {2}(statement|execute|parse|bind) ?([^:]*): ([\s\S]*))?$/;
// log_statement output, later completed by a bare log_duration line of the same backend.
const STATEMENT = /^(statement|execute) ?([^:]*): ([\s\S]*)$/;
const PARAMETERS = /^parameters: ([\s\S]*)$/;
const MAX_PENDING_SESSIONS = 10_000;

interface PendingStatement {
  readonly kind: StatementKind;
  readonly name: string;
  readonly text: string;
}

/**
 * Turns log records (from any format) into timed statements. Understands
 * `log_min_duration_statement` lines, extended-protocol steps with their `parameters:` detail, and
 * `log_statement` + `log_duration` pairs. A `duration:` message it cannot read counts as unparsed.
 */
export class EntryAssembler {
  private readonly lastStatement = new Map<string, PendingStatement>();

  constructor(private readonly unparsed: UnparsedSummary) {}

  /** The entry the record completes, if any. */
  accept(record: LogRecord): LogEntry | undefined {
    if (record.severity !== 'LOG') return undefined;
    const message = record.message;
    if (message.startsWith('duration: ')) return this.duration(record, message);
    if (message.startsWith('statement: ') || message.startsWith('execute ')) this.remember(record, message);
    return undefined;
  }

  private duration(record: LogRecord, message: string): LogEntry | undefined {
    const found = DURATION.exec(message);
    if (!found) {
      noteUnparsed(this.unparsed, record.line, 'duration message cut short or malformed', message);
      return undefined;
    }
    const durationMs = Number(found[1]);
    if (found[2] !== undefined) {
      return entry(record, durationMs, found[2] as StatementKind, found[3]!, found[4]!);
    }
    const key = record.pid ?? '';
    const pending = this.lastStatement.get(key);
    // A bare duration belongs to the statement its backend logged last; without one it is unusable.
    if (!pending) {
      noteUnparsed(
        this.unparsed,
        record.line,
        'duration without a statement (enable log_statement)',
        message,
      );
      return undefined;
    }
    this.lastStatement.delete(key);
    return entry(record, durationMs, pending.kind, pending.name, pending.text);
  }

  private remember(record: LogRecord, message: string): void {
    const found = STATEMENT.exec(message);
    if (!found) return;
    if (this.lastStatement.size >= MAX_PENDING_SESSIONS) this.lastStatement.clear();
    this.lastStatement.set(record.pid ?? '', {
      kind: found[1] as StatementKind,
      name: found[2]!,
      text: found[3]!,
    });
  }
}

type MutableEntry = { -readonly [K in keyof LogEntry]: LogEntry[K] };

function entry(
  record: LogRecord,
  durationMs: number,
  kind: StatementKind,
  name: string,
  text: string,
): LogEntry {
  // Plain assignments, not spreads: this runs once per logged statement.
  const out: MutableEntry = { line: record.line, durationMs, kind, statement: text };
  if (name !== '') out.statementName = name;
  if (record.detail !== undefined) {
    const parameters = PARAMETERS.exec(record.detail)?.[1];
    if (parameters !== undefined) out.parameters = parameters;
  }
  if (record.timestamp !== undefined) out.timestamp = record.timestamp;
  if (record.pid !== undefined) out.pid = record.pid;
  if (record.user !== undefined) out.user = record.user;
  if (record.database !== undefined) out.database = record.database;
  if (record.application !== undefined) out.application = record.application;
  return out;
}
