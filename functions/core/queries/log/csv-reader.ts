import { type LogRecord, noteUnparsed, type UnparsedSummary } from './log-types';

// csvlog columns (PostgreSQL 13–16 add columns at the end, so only the first 23 are required).
const COLUMN = {
  time: 0,
  user: 1,
  database: 2,
  pid: 3,
  severity: 11,
  message: 13,
  detail: 14,
  application: 22,
};
const MIN_COLUMNS = 23;
const SEVERITIES = /^(DEBUG[1-5]?|LOG|INFO|NOTICE|WARNING|ERROR|FATAL|PANIC)$/;
// A record still open after this many lines is a stray quote, not a statement.
const MAX_RECORD_LINES = 10_000;

/** Splits one complete RFC 4180 record; `undefined` when a quote is misplaced. */
export function splitCsvRecord(record: string): string[] | undefined {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (record.charCodeAt(i) === 34) {
      let value = '';
      let from = i + 1;
      for (;;) {
        const quote = record.indexOf('"', from);
        if (quote < 0) return undefined;
        value += record.slice(from, quote);
        if (record.charCodeAt(quote + 1) === 34) {
          value += '"';
          from = quote + 2;
          continue;
        }
        i = quote + 1;
        break;
      }
      fields.push(value);
    } else {
      const comma = record.indexOf(',', i);
      const end = comma < 0 ? record.length : comma;
      const value = record.slice(i, end);
      if (value.includes('"')) return undefined;
      fields.push(value);
      i = end;
    }
    if (i >= record.length) return fields;
    if (record.charCodeAt(i) !== 44) return undefined;
    i += 1;
  }
}

function countQuotes(text: string): number {
  let count = 0;
  for (let at = text.indexOf('"'); at >= 0; at = text.indexOf('"', at + 1)) count += 1;
  return count;
}

/** Reads csvlog line by line, joining the physical lines of records with embedded newlines. */
export class CsvReader {
  private pending: string[] = [];
  private pendingStart = 0;
  private quotes = 0;

  constructor(private readonly unparsed: UnparsedSummary) {}

  /** The record this physical line completes, if any. */
  line(text: string, lineNumber: number): LogRecord | undefined {
    if (this.pending.length === 0) {
      if (text.length === 0) return undefined;
      this.pendingStart = lineNumber;
      this.quotes = 0;
    }
    this.pending.push(text);
    this.quotes += countQuotes(text);
    if (this.quotes % 2 === 1) {
      if (this.pending.length < MAX_RECORD_LINES) return undefined;
      return this.fail('a quoted field never closes');
    }
    const joined = this.pending.length === 1 ? text : this.pending.join('\n');
    this.pending = [];
    return this.record(joined, this.pendingStart);
  }

  /** Reports a record left open at the end of the input (a file cut mid-record). */
  end(): undefined {
    if (this.pending.length > 0) this.fail('the file ends inside a quoted field');
    return undefined;
  }

  private fail(reason: string): undefined {
    noteUnparsed(this.unparsed, this.pendingStart, reason, this.pending[0] ?? '');
    this.pending = [];
    return undefined;
  }

  private record(text: string, line: number): LogRecord | undefined {
    const fields = splitCsvRecord(text);
    if (!fields || fields.length < MIN_COLUMNS || !SEVERITIES.test(fields[COLUMN.severity]!)) {
      noteUnparsed(this.unparsed, line, 'not a csvlog record', text);
      return undefined;
    }
    const optional = (index: number) => (fields[index] === '' ? undefined : fields[index]);
    const record: { -readonly [K in keyof LogRecord]: LogRecord[K] } = {
      line,
      severity: fields[COLUMN.severity]!,
      message: fields[COLUMN.message]!,
    };
    const values = {
      detail: optional(COLUMN.detail),
      timestamp: optional(COLUMN.time),
      pid: optional(COLUMN.pid),
      user: optional(COLUMN.user),
      database: optional(COLUMN.database),
      application: optional(COLUMN.application),
    };
    for (const [key, value] of Object.entries(values) as Array<[keyof typeof values, string | undefined]>) {
      if (value !== undefined) record[key] = value;
    }
    return record;
  }
}
