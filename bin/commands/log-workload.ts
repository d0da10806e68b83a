import { createReadStream, statSync } from 'node:fs';
import { UnknownLogFormatError } from '../../functions/core/queries/log/detect-format';
import { LogPrefixError } from '../../functions/core/queries/log/line-prefix';
import { createLogParser } from '../../functions/core/queries/log/log-parser';
import {
  type LogFormat,
  SUPPORTED_LOG_FORMATS,
  type UnparsedSummary,
} from '../../functions/core/queries/log/log-types';
import { LogAggregator, type LogWorkload } from '../../functions/core/queries/log-aggregate';
import type { SqlParser } from '../../functions/core/queries/sql-parser-port';
import { StatementClassifier } from '../../functions/core/queries/statement-classifier';
import { InputError } from '../../functions/shared/errors';

const CHUNK_BYTES = 1024 * 1024;

/** How to read a Postgres log: its format (or `auto`) and, for stderr logs, the line prefix. */
export interface LogReading {
  readonly format: LogFormat | 'auto';
  readonly prefix?: string;
}

/** A log's workload and the lines no reader understood. */
export interface ReadLog {
  readonly workload: LogWorkload;
  readonly unparsedLines: UnparsedSummary;
}

/** `--format` as a {@link LogReading} format. @throws {InputError} naming the allowed values. */
export function logFormatOption(value: string | boolean | undefined): LogFormat | 'auto' {
  const allowed = ['auto', ...SUPPORTED_LOG_FORMATS];
  if (value === undefined) return 'auto';
  if (typeof value !== 'string' || !allowed.includes(value)) {
    throw new InputError(`--format must be one of ${allowed.join(', ')}, got "${String(value)}"`);
  }
  return value as LogFormat | 'auto';
}

/** The size of `--log FILE`. @throws {InputError} when it is missing, unreadable or not a file. */
export function logFileSize(file: string): number {
  try {
    const stats = statSync(file);
    if (!stats.isFile())
      throw new InputError(`--log ${file} is not a regular file: pass the path of a Postgres log file`);
    return stats.size;
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(
      `cannot read --log ${file}: ${(error as Error).message}; check the path and permissions`,
      {
        cause: error,
      },
    );
  }
}

/**
 * Streams a Postgres log through the log parser and the aggregator, 1 MiB at a time, calling
 * `progress` with the bytes read so far.
 * @throws {InputError} when the format cannot be told or the prefix does not match, saying which flag to pass.
 */
export async function readLogWorkload(
  file: string,
  reading: LogReading,
  parser: SqlParser,
  progress?: (doneBytes: number) => void,
): Promise<ReadLog> {
  const logParser = createLogParser({
    format: reading.format,
    ...(reading.prefix === undefined ? {} : { prefix: reading.prefix }),
  });
  const aggregator = new LogAggregator(new StatementClassifier(parser));
  let done = 0;
  try {
    for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: CHUNK_BYTES })) {
      for (const entry of logParser.push(chunk as string)) aggregator.add(entry);
      done += Buffer.byteLength(chunk as string);
      progress?.(done);
    }
    for (const entry of logParser.end()) aggregator.add(entry);
  } catch (error) {
    if (error instanceof UnknownLogFormatError || error instanceof LogPrefixError) {
      throw new InputError(
        `${file}: ${error.message}. Pass --format csvlog or --format jsonlog, or --format stderr with ` +
          `--prefix set to the server's log_line_prefix (SHOW log_line_prefix)`,
        { cause: error },
      );
    }
    throw new InputError(`cannot read --log ${file}: ${(error as Error).message}`, { cause: error });
  }
  return { workload: aggregator.result(), unparsedLines: logParser.unparsed };
}
