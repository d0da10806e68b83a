/**
 * Log-parsing throughput against pgBadger, on the same pgbench-generated log in the same run.
 * Run: npx tsx bench/queries.ts [--transactions N]   (default 10,000 transactions ≈ 70,000 statements)
 */
import { execFileSync } from 'node:child_process';
import { createReadStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createSqlParser } from '../functions/adapters/postgres/sql-parser';
import { createLogParser } from '../functions/core/queries/log/log-parser';
import { LogAggregator, type LogWorkload } from '../functions/core/queries/log-aggregate';
import type { SqlParser } from '../functions/core/queries/sql-parser-port';
import { StatementClassifier } from '../functions/core/queries/statement-classifier';
import { generatePgbenchLog, pgbadgerCommand } from './pgbench-log';
import { median } from './stats';

const RUNS = 3;

async function ours(file: string, parser: SqlParser): Promise<{ seconds: number; workload: LogWorkload }> {
  const started = process.hrtime.bigint();
  const logParser = createLogParser({ format: 'auto' });
  const aggregator = new LogAggregator(new StatementClassifier(parser));
  for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 1024 * 1024 })) {
    for (const entry of logParser.push(chunk as string)) aggregator.add(entry);
  }
  for (const entry of logParser.end()) aggregator.add(entry);
  const workload = aggregator.result();
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, workload };
}

interface BadgerQuery {
  count: number;
  duration: number;
}

function pgbadger(file: string, dir: string): { seconds: number; queries: Map<string, BadgerQuery> } {
  const out = join(dir, 'pgbadger.json');
  const [command, args] = pgbadgerCommand(file, out);
  const started = process.hrtime.bigint();
  execFileSync(command, args, { stdio: 'ignore' });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const report = JSON.parse(readFileSync(out, 'utf8')) as {
    normalyzed_info: Record<string, Record<string, BadgerQuery>>;
  };
  const queries = new Map<string, BadgerQuery>();
  for (const perDatabase of Object.values(report.normalyzed_info)) {
    for (const [query, stats] of Object.entries(perDatabase)) queries.set(query, stats);
  }
  return { seconds, queries };
}

/** pgBadger's own normalisation (lower case, `?` for constants) regrouped by our fingerprints. */
function badgerByFingerprint(queries: Map<string, BadgerQuery>, parser: SqlParser): Map<string, BadgerQuery> {
  const grouped = new Map<string, BadgerQuery>();
  for (const [query, stats] of queries) {
    let fingerprint: string;
    try {
      fingerprint = parser.fingerprint(query.replace(/\?/g, '0'));
    } catch {
      fingerprint = `pgbadger:${query}`;
    }
    const found = grouped.get(fingerprint) ?? { count: 0, duration: 0 };
    found.count += Number(stats.count);
    found.duration += Number(stats.duration);
    grouped.set(fingerprint, found);
  }
  return grouped;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { transactions: { type: 'string', default: '10000' } } });
  const dir = mkdtempSync(join(tmpdir(), 'misybot-bench-queries-'));
  try {
    const parser = await createSqlParser();
    const file = await generatePgbenchLog(dir, Number(values.transactions));
    const mb = statSync(file).size / 1e6;
    const runs: Array<{ seconds: number; workload: LogWorkload }> = [];
    const badgerRuns: Array<{ seconds: number; queries: Map<string, BadgerQuery> }> = [];
    for (let run = 0; run < RUNS; run += 1) {
      runs.push(await ours(file, parser));
      badgerRuns.push(pgbadger(file, dir));
    }
    const workload = runs[0]!.workload;
    const oursMBs = mb / median(runs.map((r) => r.seconds));
    const badgerMBs = mb / median(badgerRuns.map((r) => r.seconds));
    const badger = [...badgerByFingerprint(badgerRuns[0]!.queries, parser).entries()].sort(
      (a, b) => b[1].duration - a[1].duration,
    );
    const ourTop = workload.queries.slice(0, 10);
    const badgerTop = badger.slice(0, 10);
    const sameSet = ourTop.every((q) => badgerTop.some(([fingerprint]) => fingerprint === q.fingerprint));
    const sameOrder = ourTop.every((q, i) => badgerTop[i]?.[0] === q.fingerprint);
    const sameCalls = ourTop.every(
      (q) => badgerTop.find(([f]) => f === q.fingerprint)?.[1].count === q.calls,
    );

    console.log(
      `log: ${mb.toFixed(1)} MB, ${workload.statements} statements, ${workload.queries.length} queries`,
    );
    console.log(`unparsed lines: ${runs[0]!.workload.rejected.count} rejected statements`);
    console.log(`median of ${RUNS} runs each, same file, same machine:`);
    console.log(`  misybot-ha   ${oursMBs.toFixed(1).padStart(7)} MB/s`);
    console.log(`  pgBadger 12  ${badgerMBs.toFixed(1).padStart(7)} MB/s  (baseline, -j 1, JSON report)`);
    console.log(`  ratio        ${(oursMBs / badgerMBs).toFixed(1).padStart(7)} ×  (target ≥ 5 ×)`);
    console.log(
      `top-10 by total time: same queries ${sameSet}, same order ${sameOrder}, same call counts ${sameCalls}`,
    );
    for (const [i, q] of ourTop.entries()) {
      const theirs = badgerTop.findIndex(([f]) => f === q.fingerprint);
      console.log(
        `  #${i + 1} (pgBadger #${theirs + 1}) ${String(q.calls).padStart(6)} calls ${q.totalMs.toFixed(0).padStart(7)} ms  ${q.query.slice(0, 70)}`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
