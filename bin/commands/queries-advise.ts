import { Client } from 'pg';
import { MissingExtensionError } from '../../functions/adapters/postgres/errors';
import { HypopgPlanner } from '../../functions/adapters/postgres/hypopg-planner';
import { createSqlParser } from '../../functions/adapters/postgres/sql-parser';
import { PostgresStatisticsReader } from '../../functions/adapters/postgres/statistics-reader';
import {
  adviseDatabase,
  type DatabaseAdvice,
  DEFAULT_DATABASE_ADVICE_SETTINGS,
} from '../../functions/core/queries/advisor/advise-database';
import { InputError } from '../../functions/shared/errors';
import type { Command } from './command';
import { queriesAdviseSpec } from './specs';

/** The URL with its password masked, for messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<unparsable URL>';
  }
}

function nonNegative(value: string | boolean | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (typeof value !== 'string' || value.trim() === '' || !Number.isFinite(parsed) || parsed < 0) {
    throw new InputError(`${flag} must be a non-negative number, got "${String(value)}"`);
  }
  return parsed;
}

function kib(bytes: number): string {
  return bytes >= 1024 * 1024
    ? `${(bytes / 1024 / 1024).toFixed(1)} MiB`
    : `${(bytes / 1024).toFixed(0)} KiB`;
}

function humanReport(advice: DatabaseAdvice): string {
  const out: string[] = [`Index recommendations: ${advice.recommendations.length}`];
  for (const r of advice.recommendations) {
    out.push(
      `  ${r.sql};`,
      `    saves ~${r.estimatedSavingsMs.toFixed(0)} ms, planner cost ${r.costBefore.toFixed(0)} → ${r.costAfter.toFixed(0)}`,
      ...r.queries.map((q) => `    serves: ${q.replace(/\s+/g, ' ').slice(0, 110)}`),
    );
  }
  out.push('', `Unused indexes: ${advice.unusedIndexes.length}`);
  for (const u of advice.unusedIndexes)
    out.push(`  ${u.schema}.${u.name} on ${u.table} (${kib(u.sizeBytes)}): ${u.sql}`);
  out.push('', `Duplicate indexes: ${advice.duplicateIndexes.length}`);
  for (const d of advice.duplicateIndexes) {
    out.push(
      `  ${d.schema}.${d.name} (${d.columns.join(', ')}) is covered by ${d.coveredBy} (${kib(d.sizeBytes)}): ${d.sql}`,
    );
  }
  if (advice.skipped.length > 0) {
    out.push('', `Queries not considered: ${advice.skipped.length}`);
    for (const s of advice.skipped) out.push(`  ${s.query.replace(/\s+/g, ' ').slice(0, 80)}: ${s.reason}`);
  }
  return `${out.join('\n')}\n`;
}

/** `misybot-ha queries advise`: Dexter-style index advice for a live database; never creates an index. */
export const queriesAdviseCommand: Command = {
  ...queriesAdviseSpec,
  async run({ values }, io) {
    const url = values['database-url'];
    if (typeof url !== 'string' || url === '') {
      throw new InputError(
        '--database-url URL is required, e.g. postgres://user:password@host:5432/database',
      );
    }
    const minCalls = nonNegative(
      values['min-calls'],
      '--min-calls',
      DEFAULT_DATABASE_ADVICE_SETTINGS.minCalls,
    );
    const minMeanMs = nonNegative(
      values['min-mean-ms'],
      '--min-mean-ms',
      DEFAULT_DATABASE_ADVICE_SETTINGS.minMeanMs,
    );
    const client = new Client({
      connectionString: url,
      connectionTimeoutMillis: 10_000,
      application_name: 'misybot-ha advise',
    });
    // A server that drops the connection must surface as the failed query's error, not crash the CLI.
    client.on('error', () => undefined);
    try {
      await client.connect();
    } catch (error) {
      throw new InputError(
        `cannot connect to ${redactUrl(url)}: ${(error as Error).message}; check the URL, credentials and that the server accepts connections`,
        { cause: error },
      );
    }
    let advice: DatabaseAdvice;
    try {
      const planner = new HypopgPlanner(client);
      const stats = new PostgresStatisticsReader(client);
      // Fail fast, before any analysis, when either extension is missing.
      await stats.statements();
      await planner.ensureAvailable();
      advice = await adviseDatabase(
        { stats, planner, parser: await createSqlParser() },
        { minCalls, minMeanMs },
      );
    } catch (error) {
      if (error instanceof MissingExtensionError) throw new InputError(error.message, { cause: error });
      throw new InputError(`advising on ${redactUrl(url)} failed: ${(error as Error).message}`, {
        cause: error,
      });
    } finally {
      await client.end().catch(() => undefined);
    }
    if (values.json === true) {
      const recommendations = advice.recommendations.map(
        ({ table, columns, sql, queries, costBefore, costAfter, estimatedSavingsMs }) => ({
          table,
          columns,
          sql,
          queries,
          costBefore,
          costAfter,
          estimatedSavingsMs,
        }),
      );
      const body = {
        recommendations,
        unusedIndexes: advice.unusedIndexes,
        duplicateIndexes: advice.duplicateIndexes,
      };
      io.stdout(`${JSON.stringify(body, null, 2)}\n`);
    } else {
      io.stdout(humanReport(advice));
    }
    return 0;
  },
};
