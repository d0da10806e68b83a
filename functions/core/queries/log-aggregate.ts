import { DurationHistogram } from './duration-histogram';
import type { LogEntry } from './log/log-types';
import { emptyUnparsed, noteUnparsed, type UnparsedSummary } from './log/log-types';
import { isRejected, type StatementClassifier } from './statement-classifier';

/** One normalised query's executions in a log. */
export interface LogQueryStats {
  readonly fingerprint: string;
  /** The normalised text (constants as `$n`) of the first execution seen. */
  readonly query: string;
  readonly calls: number;
  readonly totalMs: number;
  readonly meanMs: number;
  readonly maxMs: number;
  /** The nearest-rank p95: exact up to 512 calls, within `p95RelativeError` beyond. */
  readonly p95Ms: number;
  /** 0 when `p95Ms` is exact; else the most it may be off, as a fraction of the exact value (0.01). */
  readonly p95RelativeError: number;
  /** The slowest execution, with its bind parameters when the log had them. */
  readonly slowest: { readonly line: number; readonly statement: string; readonly parameters?: string };
}

/** What a log holds: statements counted, statements the parser rejected, and the per-query figures. */
export interface LogWorkload {
  readonly statements: number;
  readonly rejected: UnparsedSummary;
  /** Sorted by total time, descending. */
  readonly queries: LogQueryStats[];
}

interface Accumulator {
  fingerprint: string;
  query: string;
  calls: number;
  totalMs: number;
  maxMs: number;
  slowest: LogEntry;
  histogram: DurationHistogram;
}

/**
 * Folds log entries into per-fingerprint figures. Extended-protocol `parse` and `bind` steps are
 * part of an execution that its `execute` line times, so only `statement` and `execute` count.
 */
export class LogAggregator {
  private readonly byFingerprint = new Map<string, Accumulator>();
  private readonly rejected = emptyUnparsed();
  private statements = 0;

  constructor(private readonly classifier: StatementClassifier) {}

  /** Adds one entry. */
  add(entry: LogEntry): void {
    if (entry.kind !== 'statement' && entry.kind !== 'execute') return;
    this.statements += 1;
    const classified = this.classifier.classify(entry.statement);
    if (isRejected(classified)) {
      noteUnparsed(
        this.rejected,
        entry.line,
        `the Postgres parser rejected it: ${classified.error}`,
        entry.statement,
      );
      return;
    }
    let acc = this.byFingerprint.get(classified.fingerprint);
    if (!acc) {
      acc = {
        fingerprint: classified.fingerprint,
        query: classified.normalized,
        calls: 0,
        totalMs: 0,
        maxMs: -1,
        slowest: entry,
        histogram: new DurationHistogram(),
      };
      this.byFingerprint.set(classified.fingerprint, acc);
    }
    acc.calls += 1;
    acc.totalMs += entry.durationMs;
    acc.histogram.add(entry.durationMs);
    if (entry.durationMs > acc.maxMs) {
      acc.maxMs = entry.durationMs;
      acc.slowest = entry;
    }
  }

  /** The figures so far. */
  result(): LogWorkload {
    const queries = [...this.byFingerprint.values()].map((acc): LogQueryStats => {
      const p95 = acc.histogram.percentile(0.95)!;
      return {
        fingerprint: acc.fingerprint,
        query: acc.query,
        calls: acc.calls,
        totalMs: acc.totalMs,
        meanMs: acc.totalMs / acc.calls,
        maxMs: acc.maxMs,
        p95Ms: p95.valueMs,
        p95RelativeError: p95.relativeError,
        slowest: {
          line: acc.slowest.line,
          statement: acc.slowest.statement,
          ...(acc.slowest.parameters === undefined ? {} : { parameters: acc.slowest.parameters }),
        },
      };
    });
    queries.sort((a, b) => b.totalMs - a.totalMs || a.fingerprint.localeCompare(b.fingerprint));
    return { statements: this.statements, rejected: this.rejected, queries };
  }
}
