import type { SingleMetricSink } from '../metrics-sink';
import type { FailoverResult } from './service';
import type { Component } from './types';

/** EMF metric names, in the platform's `MisyBot/HA` namespace, each with a `Component` dimension. */
export const FailoverMetric = {
  /** An operation (failover, failback, drill, unpin) ran its plan. */
  started: 'FailoverStarted',
  /** The operation's outcome was verified. */
  succeeded: 'FailoverSucceeded',
  /** The operation failed or could not be verified; the engine paged. */
  failed: 'FailoverFailed',
  /** From the first action's start to the last action's end, in milliseconds. */
  switchDuration: 'FailoverSwitchDuration',
  /** A guard refused an automatic or manual operation (dry runs excluded). */
  blocked: 'FailoverBlocked',
} as const;

function emit(
  sink: SingleMetricSink,
  component: Component,
  name: string,
  unit: 'Count' | 'Milliseconds',
  value: number,
) {
  // Several components can be handled in one invocation (the schedule), so each metric is
  // flushed with its own dimension instead of sharing the invocation's buffer.
  sink.singleMetric().addDimension('Component', component).addMetric(name, unit, value);
}

/**
 * Records what one handled event amounts to. Decisions without an operation (counting checks,
 * duplicates, busy components) emit nothing: they are in the logs, and a metric per scheduled
 * observation would only cost money.
 */
export function recordFailoverMetrics(sink: SingleMetricSink, result: FailoverResult): void {
  const { component } = result;
  if (result.status === 'decided' && result.verdict === 'blocked') {
    emit(sink, component, FailoverMetric.blocked, 'Count', 1);
    return;
  }
  if (result.status !== 'executed') return;
  emit(sink, component, FailoverMetric.started, 'Count', 1);
  const succeeded = result.verdict === 'completed';
  emit(sink, component, succeeded ? FailoverMetric.succeeded : FailoverMetric.failed, 'Count', 1);
  if (result.executed.length > 0) {
    const start = Math.min(...result.executed.map((r) => r.startedAt));
    const end = Math.max(...result.executed.map((r) => r.finishedAt));
    emit(sink, component, FailoverMetric.switchDuration, 'Milliseconds', end - start);
  }
}
