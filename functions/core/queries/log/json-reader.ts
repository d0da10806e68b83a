import { type LogRecord, noteUnparsed, type UnparsedSummary } from './log-types';

/** The jsonlog keys (PostgreSQL 15) a record keeps. */
const KEYS = {
  timestamp: 'timestamp',
  pid: 'pid',
  user: 'user',
  database: 'dbname',
  application: 'application_name',
  detail: 'detail',
} as const;

/** Reads jsonlog: one JSON object per line, as PostgreSQL 15+ writes it. */
export class JsonReader {
  constructor(private readonly unparsed: UnparsedSummary) {}

  /** The record on this line, if it is one. */
  line(text: string, lineNumber: number): LogRecord | undefined {
    if (text.length === 0) return undefined;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      noteUnparsed(this.unparsed, lineNumber, 'not a JSON object (cut short or corrupt)', text);
      return undefined;
    }
    if (typeof value !== 'object' || value === null) {
      noteUnparsed(this.unparsed, lineNumber, 'not a JSON object', text);
      return undefined;
    }
    const object = value as Record<string, unknown>;
    const severity = object.error_severity;
    const message = object.message;
    if (typeof severity !== 'string' || typeof message !== 'string') {
      noteUnparsed(this.unparsed, lineNumber, 'JSON without error_severity and message', text);
      return undefined;
    }
    const record: { -readonly [K in keyof LogRecord]: LogRecord[K] } = {
      line: lineNumber,
      severity,
      message,
    };
    for (const [field, key] of Object.entries(KEYS) as Array<[keyof typeof KEYS, string]>) {
      const found = object[key];
      if (typeof found === 'string' && found !== '') record[field] = found;
      else if (typeof found === 'number') record[field] = String(found);
    }
    return record;
  }

  /** Nothing stays open between lines in jsonlog. */
  end(): undefined {
    return undefined;
  }
}
