import type { CompiledPrefix } from './line-prefix';
import { type LogRecord, noteUnparsed, type UnparsedSummary } from './log-types';

/** Severities that complete the message before them rather than start a new one. */
const ATTACHED = new Set(['DETAIL', 'HINT', 'CONTEXT', 'STATEMENT', 'QUERY', 'LOCATION']);

/**
 * Groups stderr lines into records: a prefixed line starts a message, tab-indented lines continue
 * it (multi-line statements), and DETAIL/HINT/... lines of the same backend attach to it. A record is
 * handed out only once the next message starts, because a `parameters:` DETAIL may still follow.
 */
export class StderrReader {
  private current: LogRecord | undefined;
  // Continuations append to the detail once a DETAIL line was seen.
  private continuing: 'message' | 'detail' | 'ignored' = 'message';

  constructor(
    private readonly prefix: CompiledPrefix,
    private readonly unparsed: UnparsedSummary,
  ) {}

  /** The record this line completes, if any. */
  line(text: string, lineNumber: number): LogRecord | undefined {
    if (text.charCodeAt(0) === 9) {
      this.continuation(text, lineNumber);
      return undefined;
    }
    if (text.length === 0) return undefined;
    const record = this.prefix.match(text, lineNumber);
    if (!record) {
      noteUnparsed(
        this.unparsed,
        lineNumber,
        `does not start with log_line_prefix "${this.prefix.prefix}"`,
        text,
      );
      return undefined;
    }
    const current = this.current;
    if (current && ATTACHED.has(record.severity) && record.pid === current.pid) {
      if (record.severity === 'DETAIL' && current.detail === undefined) {
        current.detail = record.message;
        this.continuing = 'detail';
      } else {
        this.continuing = 'ignored';
      }
      return undefined;
    }
    this.current = record;
    this.continuing = 'message';
    return current;
  }

  /** The record still open at the end of the input. */
  end(): LogRecord | undefined {
    const current = this.current;
    this.current = undefined;
    return current;
  }

  private continuation(text: string, lineNumber: number): void {
    const current = this.current;
    if (!current) {
      noteUnparsed(this.unparsed, lineNumber, 'continuation line with no message before it', text);
      return;
    }
    if (this.continuing === 'message') current.message += `\n${text.slice(1)}`;
    else if (this.continuing === 'detail') current.detail += `\n${text.slice(1)}`;
  }
}
