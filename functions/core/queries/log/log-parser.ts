import { CsvReader } from './csv-reader';
import { detectLogFormat, detectPrefix, UnknownLogFormatError } from './detect-format';
import { EntryAssembler } from './entry-assembler';
import { JsonReader } from './json-reader';
import { type CompiledPrefix, compileLinePrefix } from './line-prefix';
import { emptyUnparsed, type LogEntry, type LogFormat, type LogParser, type LogRecord } from './log-types';
import { StderrReader } from './stderr-reader';

/** How to read a log; `auto` detects the format (and the stderr prefix) from the first chunk. */
export interface LogParserOptions {
  readonly format: LogFormat | 'auto';
  /** The server's `log_line_prefix`, for stderr; detected when omitted. */
  readonly prefix?: string;
}

/** How much text the format is detected from. */
const SAMPLE_CHARS = 64 * 1024;

interface RecordReader {
  line(text: string, lineNumber: number): LogRecord | undefined;
  end(): LogRecord | undefined;
}

/**
 * Creates a streaming parser. Chunks may split lines (and CSV records) anywhere; the format is
 * settled on the first 64 KiB (or the whole input, if shorter).
 * @throws {UnknownLogFormatError} from the first `push` when the format cannot be recognised.
 */
export function createLogParser(options: LogParserOptions): LogParser {
  const unparsed = emptyUnparsed();
  const assembler = new EntryAssembler(unparsed);
  let reader: RecordReader | undefined;
  let carry = '';
  let lineNumber = 0;

  const choose = (sample: string): RecordReader => {
    let format = options.format;
    let prefix: CompiledPrefix | undefined;
    if (format === 'auto') {
      const detected = detectLogFormat(sample, options.prefix);
      format = detected.format;
      prefix = detected.prefix;
    } else if (format === 'stderr') {
      const lines = sample.split('\n', 200);
      if (options.prefix === undefined) {
        prefix = detectPrefix(lines);
        if (!prefix) throw new UnknownLogFormatError('no known log_line_prefix matches this stderr log');
      } else {
        const compiled = compileLinePrefix(options.prefix);
        // A prefix that reads none of the first lines is the wrong one, not a log full of garbage.
        if (!lines.some((line, index) => compiled.match(line, index + 1))) {
          throw new UnknownLogFormatError(
            `no line of the log starts with log_line_prefix "${options.prefix}" followed by a severity (LOG:, ERROR:, ...)`,
          );
        }
        prefix = compiled;
      }
    }
    if (format === 'csvlog') return new CsvReader(unparsed);
    if (format === 'jsonlog') return new JsonReader(unparsed);
    return new StderrReader(prefix!, unparsed);
  };

  const feed = (active: RecordReader, text: string, out: LogEntry[]) => {
    lineNumber += 1;
    const line = text.charCodeAt(text.length - 1) === 13 ? text.slice(0, -1) : text;
    const record = active.line(line, lineNumber);
    if (record) {
      const entry = assembler.accept(record);
      if (entry) out.push(entry);
    }
  };

  /** Feeds every complete line of `text`; returns the unfinished last line. */
  const feedLines = (active: RecordReader, text: string, out: LogEntry[]): string => {
    let from = 0;
    for (let newline = text.indexOf('\n'); newline >= 0; newline = text.indexOf('\n', from)) {
      feed(active, text.slice(from, newline), out);
      from = newline + 1;
    }
    return text.slice(from);
  };

  return {
    unparsed,
    push(chunk) {
      const out: LogEntry[] = [];
      if (chunk.length === 0) return out;
      const text = carry + chunk;
      // Detection needs whole lines: hold the start back until the sample is big enough.
      if (!reader && text.length < SAMPLE_CHARS) {
        carry = text;
        return out;
      }
      reader ??= choose(text);
      carry = feedLines(reader, text, out);
      return out;
    },
    end() {
      const out: LogEntry[] = [];
      if (carry.length > 0) {
        reader ??= choose(carry);
        const rest = feedLines(reader, carry, out);
        if (rest.length > 0) feed(reader, rest, out);
        carry = '';
      }
      const last = reader?.end();
      const entry = last && assembler.accept(last);
      if (entry) out.push(entry);
      return out;
    },
  };
}
