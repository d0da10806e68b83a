import { createSqlParser } from '../../functions/adapters/postgres/sql-parser';
import { EXACT_LIMIT } from '../../functions/core/queries/duration-histogram';
import type { UnparsedSummary } from '../../functions/core/queries/log/log-types';
import type { LogQueryStats } from '../../functions/core/queries/log-aggregate';
import type { SqlParser } from '../../functions/core/queries/sql-parser-port';
import { InputError } from '../../functions/shared/errors';
import type { Command, CommandIO } from './command';
import { logFileSize, logFormatOption, readLogWorkload } from './log-workload';
import { queriesAnalyzeSpec } from './specs';

/** Files at least this large get a progress bar (when stderr is a terminal). */
const PROGRESS_MIN_BYTES = 8 * 1024 * 1024;
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
  out.push('     calls    total ms     mean ms       p95 ms      max ms  query');
  for (const q of queries) {
    const p95 = `${q.p95RelativeError > 0 ? '≈' : ' '}${q.p95Ms.toFixed(2)}`;
    const cells = [q.totalMs.toFixed(2), q.meanMs.toFixed(2), p95, q.maxMs.toFixed(2)].map((v, i) =>
      v.padStart(i === 2 ? 12 : 11),
    );
    out.push(
      `${String(q.calls).padStart(10)} ${cells.join(' ')}  ${q.query.replace(/\s+/g, ' ').slice(0, 100)}`,
    );
  }
  const sketched = queries.find((q) => q.p95RelativeError > 0);
  if (sketched) {
    out.push(
      '',
      `≈ p95 from a histogram, within ±${sketched.p95RelativeError * 100} % of the exact value (queries with more than ${EXACT_LIMIT} calls); the others are exact`,
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
      const format = logFormatOption(values.format);
      const top = positiveInteger(values.top, '--top', 10);
      const prefix = typeof values.prefix === 'string' ? values.prefix : undefined;
      const total = logFileSize(file);
      const progress = total >= PROGRESS_MIN_BYTES && deps.interactive();
      let read: Awaited<ReturnType<typeof readLogWorkload>>;
      try {
        read = await readLogWorkload(
          file,
          { format, ...(prefix === undefined ? {} : { prefix }) },
          await deps.parser(),
          progress ? (done) => io.stderr(renderProgress(done, total)) : undefined,
        );
      } finally {
        if (progress) io.stderr('\n');
      }
      const { workload, unparsedLines } = read;
      const queries = workload.queries.slice(0, top);
      const unparsed = unparsedLines.count + workload.rejected.count;
      if (values.json === true) {
        const rows = queries.map(
          ({ fingerprint, query, calls, totalMs, meanMs, p95Ms, p95RelativeError, maxMs }) => ({
            fingerprint,
            query,
            calls,
            totalMs,
            meanMs,
            p95Ms,
            p95RelativeError,
            maxMs,
          }),
        );
        io.stdout(
          `${JSON.stringify({ statements: workload.statements, unparsed, queries: rows }, null, 2)}\n`,
        );
      } else {
        io.stdout(humanReport(workload.statements, queries, unparsedLines, workload.rejected));
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
