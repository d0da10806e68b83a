import type { StructuredLog } from '../log';
import type { SingleMetricSink } from '../metrics-sink';
import type { RunProblem, RunRecord } from './record';

/**
 * EMF metric names in the `MisyBot/HA` namespace, with the function's `service` dimension (which
 * Powertools adds to every metric). `lib/observability/run-alarms.ts` alarms on {@link RunMetric.lockReleaseFailures}.
 */
export const RunMetric = {
  /** One per run, with dimension `Status` (`acted`, `decided`, `failed`, `skipped`). */
  runs: 'ControlRuns',
  /** Runs whose event was released for redelivery (failed, or busy). */
  retried: 'ControlRunsRetried',
  /** A lease that could not be released after the run: it lapses at its end, blocking runs until then. */
  lockReleaseFailures: 'LockReleaseFailures',
  /** An event record that could not be released or completed. */
  eventRecordFailures: 'EventRecordFailures',
} as const;

const PROBLEM_METRIC: Record<RunProblem['kind'], string> = {
  'lock-release': RunMetric.lockReleaseFailures,
  'event-release': RunMetric.eventRecordFailures,
  'event-completion': RunMetric.eventRecordFailures,
};

/** The message of every run record's log line, to search the logs by. */
export const RUN_RECORD_MESSAGE = 'run record';

/**
 * Writes how a run ended: one structured log line (`run record`, at `error` for a failure, `warn`
 * for a retried event, a coordination problem or what the engine calls `worrying`, `info`
 * otherwise) with the engine's `details`, and its metrics. Logging cannot fail, so no run ends
 * without its record.
 */
export function writeRunRecord(
  log: StructuredLog,
  metrics: SingleMetricSink,
  record: RunRecord,
  details: Record<string, unknown> = {},
  worrying = false,
): void {
  const warn = worrying || record.event === 'retry' || record.problems.length > 0;
  const level = record.status === 'failed' ? 'error' : warn ? 'warn' : 'info';
  log[level](RUN_RECORD_MESSAGE, { ...details, run: record });
  metrics.singleMetric().addDimension('Status', record.status).addMetric(RunMetric.runs, 'Count', 1);
  if (record.event === 'retry') metrics.singleMetric().addMetric(RunMetric.retried, 'Count', 1);
  for (const problem of record.problems) {
    metrics.singleMetric().addMetric(PROBLEM_METRIC[problem.kind], 'Count', 1);
  }
}

/**
 * The record of an invocation refused before it could run (an event the function cannot read).
 * `retried`: the invocation fails, so the platform redelivers and then parks the event.
 */
export function rejectedRun(
  fn: string,
  runId: string,
  reason: string,
  at: number,
  retried: boolean,
): RunRecord {
  return {
    fn,
    eventKey: `${fn}:rejected:${runId}`,
    runId,
    status: 'failed',
    reason: `rejected: ${reason}`,
    event: retried ? 'retry' : 'done',
    problems: [],
    at,
  };
}
