/**
 * A real PostgreSQL log for the log-analysis benchmarks: pgbench against a private server with
 * `log_min_duration_statement = 0`, and how pgBadger (the baseline) is run on it.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startPostgres } from '../local/process/services';

/** The `log_line_prefix` of the generated log; pgBadger must be told it, misybot-ha detects it. */
export const PGBENCH_LOG_PREFIX = '%t [%p]: [%l-1] user=%u,db=%d,app=%a,client=%h ';
const BIN = '/usr/lib/postgresql/15/bin';
const PGBADGER = '/usr/bin/pgbadger';

/**
 * Runs `transactions` pgbench transactions (4 clients, scale 1) and writes the server's log to
 * `dir/pgbench.log`; about 1.36 MB per 1,000 transactions.
 * @returns the log's path.
 */
export async function generatePgbenchLog(dir: string, transactions: number): Promise<string> {
  const pg = await startPostgres({
    settings: { log_min_duration_statement: 0, logging_collector: true, log_line_prefix: PGBENCH_LOG_PREFIX },
  });
  try {
    const env = { ...process.env, PGHOST: pg.host, PGPORT: String(pg.port), PGUSER: pg.user };
    execFileSync(join(BIN, 'pgbench'), ['-i', '-s', '1', '-q', pg.database], { env, stdio: 'ignore' });
    const perClient = Math.ceil(transactions / 4);
    execFileSync(join(BIN, 'pgbench'), ['-c', '4', '-t', String(perClient), pg.database], {
      env,
      stdio: 'ignore',
    });
    // Give the logging collector a moment to write what the backends sent it.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const file = join(dir, 'pgbench.log');
    const logs = readdirSync(pg.logDir)
      .filter((name) => name.endsWith('.log'))
      .sort();
    writeFileSync(file, logs.map((name) => readFileSync(join(pg.logDir, name), 'utf8')).join(''));
    return file;
  } finally {
    await pg.stop();
  }
}

/** The pgBadger 12 command line for the generated log: one job, JSON report to `out`. */
export function pgbadgerCommand(file: string, out: string): [string, string[]] {
  return [
    PGBADGER,
    ['-j', '1', '-q', '-f', 'stderr', '--prefix', PGBENCH_LOG_PREFIX, '-x', 'json', '-o', out, file],
  ];
}
