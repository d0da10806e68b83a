import { createReadStream, statSync } from 'node:fs';
import { createSqlParser } from '../../functions/adapters/postgres/sql-parser';
import { UnknownLogFormatError } from '../../functions/core/queries/log/detect-format';
import { LogPrefixError } from '../../functions/core/queries/log/line-prefix';
import { createLogParser } from '../../functions/core/queries/log/log-parser';
import {
  type LogFormat,
  SUPPORTED_LOG_FORMATS,
  type UnparsedSummary,
} from '../../functions/core/queries/log/log-types';
import { LogAggregator, type LogQueryStats } from '../../functions/core/queries/log-aggregate';
import type { SqlParser } from '../../functions/core/queries/sql-parser-port';
import { StatementClassifier } from '../../functions/core/queries/statement-classifier';
import { InputError } from '../../functions/shared/errors';
import type { Command, CommandIO } from './command';
import { queriesAnalyzeSpec } from './specs';

/** Files at least this large get a progress bar (when stderr is a terminal). */
const PROGRESS_MIN_BYTES = 8 * 1024 * 1024;
const CHUNK_BYTES = 1024 * 1024;
const BAR_WIDTH = 30;

/** A one-line progress bar, redrawn in place with `\r`. */
export function renderProgress(doneBytes: number, totalBytes: number): string {
  const fraction = totalBytes > 0 ? Math.min(1, doneBytes / totalBytes) : 1;
  const filled = Math.round(fraction * BAR_WIDTH);
  const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
  return `\r[${'='.repeat(filled)}${' '.repeat(BAR_WIDTH - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}% ${mb(doneBytes)}/${mb(totalBytes)} MiB`;
}

function positiveInteger(value: string | boolean | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (typeof value !== 'string' || !Number.isInteger(parsed) || parsed < 1) {
    throw new InputError(`${flag} must be a positive integer, got "${String(value)}"`);
  }
  return parsed;
}

function formatOf(value: string | boolean | undefined): LogFormat | 'auto' {
  const allowed = ['auto', ...SUPPORTED_LOG_FORMATS];
  if (value === undefined) return 'auto';
  if (typeof value !== 'string' || !allowed.includes(value)) {
    throw new InputError(`--format must be one of ${allowed.join(', ')}, got "${String(value)}"`);
  }
  return value as LogFormat | 'auto';
}

function sizeOf(file: string): number {
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

function humanReport(
  statements: number,
  queries: LogQueryStats[],
  lines: UnparsedSummary,
  rejected: UnparsedSummary,
): string {
  const out = [
    `${statements} statements, ${queries.length} shown, ${lines.count + rejected.count} unparsed`,
    '',
  ];
  out.push('     calls    total ms     mean ms      p95 ms      max ms  query');
  for (const q of queries) {
    const cells = [q.totalMs, q.meanMs, q.p95Ms, q.maxMs].map((v) => v.toFixed(2).padStart(11));
    out.push(
      `${String(q.calls).padStart(10)} ${cells.join(' ')}  ${q.query.replace(/\s+/g, ' ').slice(0, 100)}`,
    );
  }
  for (const [title, summary] of [
    ['Unparsable log lines', lines],
    ['Statements the Postgres parser rejected', rejected],
  ] as const) {
    if (summary.count === 0) continue;
    out.push('', `${title}: ${summary.count}`);
    for (const sample of summary.samples) out.push(`  line ${sample.line}: ${sample.reason}: ${sample.text}`);
    if (summary.count > summary.samples.length)
      out.push(`  ... and ${summary.count - summary.samples.length} more`);
  }
  return `${out.join('\n')}\n`;
}

/** What the analyze command needs from its surroundings; injectable for tests. */
export interface QueriesAnalyzeDeps {
  readonly parser: () => Promise<SqlParser>;
  /** Whether stderr is a terminal that can show a progress bar. */
  readonly interactive: () => boolean;
}

/** Builds the `queries analyze` command. */
export function createQueriesAnalyzeCommand(deps: QueriesAnalyzeDeps): Command {
  return {
    ...queriesAnalyzeSpec,
    async run({ values }, io: CommandIO) {
      const file = values.log;
      if (typeof file !== 'string' || file === '')
        throw new InputError('--log FILE is required: the Postgres log to analyse');
      const format = formatOf(values.format);
      const top = positiveInteger(values.top, '--top', 10);
      const prefix = typeof values.prefix === 'string' ? values.prefix : undefined;
      const total = sizeOf(file);
      const logParser = createLogParser({ format, ...(prefix === undefined ? {} : { prefix }) });
      const aggregator = new LogAggregator(new StatementClassifier(await deps.parser()));
      const progress = total >= PROGRESS_MIN_BYTES && deps.interactive();
      let done = 0;
      try {
        for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: CHUNK_BYTES })) {
          for (const entry of logParser.push(chunk as string)) aggregator.add(entry);
          done += Buffer.byteLength(chunk as string);
          if (progress) io.stderr(renderProgress(done, total));
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
      } finally {
        if (progress) io.stderr('\n');
      }
      const workload = aggregator.result();
      const queries = workload.queries.slice(0, top);
      const unparsed = logParser.unparsed.count + workload.rejected.count;
      if (values.json === true) {
        const rows = queries.map(({ fingerprint, query, calls, totalMs, meanMs, maxMs }) => ({
          fingerprint,
          query,
          calls,
          totalMs,
          meanMs,
          maxMs,
        }));
        io.stdout(
          `${JSON.stringify({ statements: workload.statements, unparsed, queries: rows }, null, 2)}\n`,
        );
      } else {
        io.stdout(humanReport(workload.statements, queries, logParser.unparsed, workload.rejected));
      }
      return 0;
    },
  };
}

/** `misybot-ha queries analyze`. */
export const queriesAnalyzeCommand: Command = createQueriesAnalyzeCommand({
  parser: createSqlParser,
  interactive: () => process.stderr.isTTY === true,
});
