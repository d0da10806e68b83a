import type { StructuredLog } from '../log';
import type { SingleMetricSink } from '../metrics-sink';
import { describeError, type RunRecord } from '../runs/record';
import { rejectedRun, writeRunRecord } from '../runs/run-log';
import type { FailoverHolds } from './holds';
import { recordFailoverMetrics } from './metrics';
import { ComponentNotConfiguredError } from './ports';
import { runFailoverEvent } from './runs';
import type { FailoverDeps, FailoverEvent, FailoverResult } from './service';
import type { FailoverCoreSettings } from './settings';
import { describeAction, describeRecords } from './timeline';
import { type FailoverTrigger, resolveTrigger } from './triggers';
import type { Component } from './types';

/** What one invocation of the failover function works with. */
export interface FailoverInvocation {
  /** The engine's ports, owned by the invocation (its request id). */
  readonly deps: FailoverDeps;
  readonly holds: FailoverHolds;
  readonly settings: FailoverCoreSettings;
  /** The components this deployment has resources for. */
  readonly configured: readonly Component[];
  /** When the invocation times out, epoch ms. */
  readonly deadline: number;
  readonly log: StructuredLog;
  readonly metrics: SingleMetricSink;
}

/** An operator's command: refused for a component without resources, or the engine's result. */
export type CommandRun =
  | { readonly kind: 'refused'; readonly error: ComponentNotConfiguredError }
  | { readonly kind: 'ran'; readonly result: FailoverResult };

/** What the EventBridge triggers of one invocation did; `retry` lists the ones whose work is not done. */
export interface TriggersRun {
  readonly results: readonly FailoverResult[];
  readonly retry: readonly { readonly component: Component; readonly reason: string }[];
}

/**
 * Runs an operator's command (failover, failback, drill) on its component, unless the deployment
 * has no resources for it. Every run ends in a run record and the failover metrics.
 */
export async function runFailoverCommand(
  invocation: FailoverInvocation,
  event: Extract<FailoverEvent, { kind: 'command' }>,
): Promise<CommandRun> {
  const { deps, log, metrics } = invocation;
  if (!invocation.configured.includes(event.component)) {
    const error = new ComponentNotConfiguredError(event.component);
    writeRunRecord(log, metrics, rejectedRun('failover', deps.owner, error.message, deps.clock(), false));
    return { kind: 'refused', error };
  }
  const note = `${event.command} by ${event.requestedBy}${event.dryRun ? ' (dry run)' : ''}: ${event.reason}`;
  return { kind: 'ran', result: await run(invocation, 'command', note, event) };
}

/**
 * Runs the engine on each trigger of one EventBridge event, the components concurrently, because
 * a database failover can take minutes and must not delay the cache's. A trigger is a symptom:
 * {@link resolveTrigger} observes the component before the engine sees it. A trigger whose
 * observation failed claimed nothing, so the redelivery observes again.
 */
export async function runFailoverTriggers(
  invocation: FailoverInvocation,
  source: string,
  triggers: readonly FailoverTrigger[],
): Promise<TriggersRun> {
  const { deps, log, metrics } = invocation;
  const runs = await Promise.all(
    triggers.map(async (trigger) => {
      let resolved: Awaited<ReturnType<typeof resolveTrigger>>;
      try {
        resolved = await resolveTrigger(trigger, deps.observer, deps.clock);
      } catch (error) {
        const record: RunRecord = {
          fn: 'failover',
          eventKey: `failover#${trigger.component}#${trigger.id}`,
          runId: deps.owner,
          status: 'failed',
          reason: `could not observe ${trigger.component}: ${describeError(error)}`,
          event: 'retry',
          problems: [],
          at: deps.clock(),
        };
        writeRunRecord(log, metrics, record, {
          origin: source,
          eventId: trigger.id,
          component: trigger.component,
        });
        return { component: trigger.component, retry: record.reason };
      }
      const result = await run(invocation, source, resolved.note, resolved.event);
      const retry = result.record.event === 'retry' ? result.record.reason : undefined;
      return { component: trigger.component, result, retry };
    }),
  );
  return {
    results: runs.flatMap((r) => ('result' in r && r.result ? [r.result] : [])),
    retry: runs.flatMap((r) => (r.retry === undefined ? [] : [{ component: r.component, reason: r.retry }])),
  };
}

/** One engine run, with its run record (a worrying one at warn) and its metrics. */
async function run(
  invocation: FailoverInvocation,
  origin: string,
  note: string,
  event: FailoverEvent,
): Promise<FailoverResult> {
  const { deps, holds, settings, deadline, log, metrics } = invocation;
  const result = await runFailoverEvent(deps, holds, event, settings, deadline);
  const worrying =
    result.verdict === 'blocked' ||
    result.verdict === 'failed' ||
    result.notifications.some((n) => !n.delivered);
  writeRunRecord(log, metrics, result.record, details(origin, note, result), worrying);
  recordFailoverMetrics(metrics, result);
  return result;
}

/** What the run record's log line says about the engine's result. */
function details(origin: string, note: string, result: FailoverResult): Record<string, unknown> {
  return {
    origin,
    note,
    eventId: result.eventId,
    component: result.component,
    status: result.status,
    verdict: result.verdict,
    reason: result.reason,
    phase: result.phase,
    incidentId: result.incidentId,
    plan: result.plan.map(describeAction),
    checks: result.checks,
    executed: describeRecords(result.executed),
    notifications: result.notifications,
  };
}
