import { FailoverHolds, type HoldWriter } from '../../core/failover/holds';
import { ComponentNotConfiguredError } from '../../core/failover/ports';
import { runFailoverEvent } from '../../core/failover/runs';
import type { FailoverDeps, FailoverEvent, FailoverResult } from '../../core/failover/service';
import { describeAction, describeRecords } from '../../core/failover/timeline';
import { resolveTrigger } from '../../core/failover/triggers';
import type { Component } from '../../core/failover/types';
import type { StructuredLog } from '../../core/log';
import type { SingleMetricSink } from '../../core/metrics-sink';
import { describeError, type RunRecord } from '../../core/runs/record';
import { rejectedRun, writeRunRecord } from '../../core/runs/run-log';
import { InputError } from '../../shared/errors';
import type { FailoverFunctionConfig } from './config';
import { type Invocation, parseInvocation, type Trigger } from './events';
import { recordFailoverMetrics } from './metrics';

/** What the invocation carries besides the event. */
export interface FailoverContext {
  readonly awsRequestId: string;
  getRemainingTimeInMillis(): number;
}

/** Everything the handler works with, built once per container (see dependencies.ts). */
export interface FailoverWiring {
  readonly config: FailoverFunctionConfig;
  /** The service's dependencies but the run's owner, which is the invocation's request id. */
  readonly deps: Omit<FailoverDeps, 'owner'>;
  /** Holds the health engine's symptom alerts while a component switches. */
  readonly holds: HoldWriter;
  readonly metrics: SingleMetricSink;
  readonly log: StructuredLog;
}

/** The admin API's answer: the plan, the guards, the incident id; or why nothing was done. */
export type CommandResponse =
  | ({ readonly ok: true } & FailoverResult)
  | { readonly ok: false; readonly error: string; readonly message: string; readonly component?: Component };

/** What an EventBridge invocation did, per component. */
export type TriggerResponse =
  | { readonly source: string; readonly results: readonly FailoverResult[] }
  | { readonly ignored: string };

/** One or more components' work is not done; the invocation fails so Lambda delivers the event again. */
export class FailoverTriggerError extends Error {
  override readonly name = 'FailoverTriggerError';
}

/** An operator's command whose work is not done (busy, failed); Lambda retries the asynchronous invoke. */
export class FailoverCommandError extends Error {
  override readonly name = 'FailoverCommandError';
}

const errorText = (error: unknown) =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

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

/**
 * The failover function: EventBridge triggers (health verdicts, alarm state changes, the
 * schedule) and direct invocations by the admin API. Components of one invocation are handled
 * concurrently, because a database failover can take minutes and must not delay the cache's.
 */
export function createFailoverHandler(wiring: FailoverWiring) {
  const { config, log, metrics } = wiring;
  const holds = new FailoverHolds(
    wiring.holds,
    config.componentMap,
    config.settings.operationLeaseSeconds,
    log,
  );

  async function run(
    deps: FailoverDeps,
    deadline: number,
    origin: string,
    note: string,
    event: FailoverEvent,
  ) {
    const result = await runFailoverEvent(deps, holds, event, config.settings, deadline);
    const worrying =
      result.verdict === 'blocked' ||
      result.verdict === 'failed' ||
      result.notifications.some((n) => !n.delivered);
    writeRunRecord(log, metrics, result.record, details(origin, note, result), worrying);
    recordFailoverMetrics(metrics, result);
    return result;
  }

  async function command(
    deps: FailoverDeps,
    deadline: number,
    invocation: Extract<Invocation, { kind: 'command' }>,
  ): Promise<CommandResponse> {
    const { event } = invocation;
    if (!config.configured.includes(event.component)) {
      const error = new ComponentNotConfiguredError(event.component);
      writeRunRecord(log, metrics, rejectedRun('failover', deps.owner, error.message, deps.clock(), false));
      return { ok: false, error: error.name, message: error.message, component: event.component };
    }
    const note = `${event.command} by ${event.requestedBy}${event.dryRun ? ' (dry run)' : ''}: ${event.reason}`;
    const result = await run(deps, deadline, 'command', note, event);
    // The admin API waits for a dry run and reads busy from the result; the command itself is an
    // asynchronous invoke, which only a failed invocation brings back.
    if (result.record.event === 'retry' && !event.dryRun) {
      throw new FailoverCommandError(
        `failover command ${event.id} on ${event.component}: ${result.record.reason}`,
      );
    }
    if (result.status === 'failed') {
      return { ok: false, error: 'FailoverRunError', message: result.reason, component: event.component };
    }
    return { ok: true, ...result };
  }

  async function triggered(
    deps: FailoverDeps,
    deadline: number,
    source: string,
    triggers: readonly Trigger[],
  ) {
    const results = await Promise.all(
      triggers.map(async (trigger) => {
        let resolved: Awaited<ReturnType<typeof resolveTrigger>>;
        try {
          resolved = await resolveTrigger(trigger, deps.observer, deps.clock);
        } catch (error) {
          // Nothing was claimed: the redelivery observes again.
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
          return { trigger, retry: record.reason };
        }
        const result = await run(deps, deadline, source, resolved.note, resolved.event);
        return {
          trigger,
          result,
          ...(result.record.event === 'retry' ? { retry: result.record.reason } : {}),
        };
      }),
    );
    const retried = results.filter((r) => r.retry !== undefined);
    if (retried.length > 0) {
      const summary = retried.map((r) => `${r.trigger.component} (${r.retry})`).join('; ');
      throw new FailoverTriggerError(`failover ${source} trigger not done for ${summary}`);
    }
    return { source, results: results.flatMap((r) => ('result' in r && r.result ? [r.result] : [])) };
  }

  return async (raw: unknown, context: FailoverContext): Promise<CommandResponse | TriggerResponse> => {
    const deps: FailoverDeps = { ...wiring.deps, owner: context.awsRequestId };
    const deadline = deps.clock() + context.getRemainingTimeInMillis();
    let invocation: Invocation;
    try {
      invocation = parseInvocation(raw, config);
    } catch (error) {
      // A direct invoke is told; an EventBridge event fails, so it is parked for a person to read.
      const direct = error instanceof InputError;
      writeRunRecord(
        log,
        metrics,
        rejectedRun('failover', deps.owner, errorText(error), deps.clock(), !direct),
      );
      if (!direct) throw error;
      return { ok: false, error: error.name, message: error.message };
    }
    if (invocation.kind === 'ignored') {
      log.info('failover trigger ignored', { reason: invocation.reason });
      return { ignored: invocation.reason };
    }
    if (invocation.kind === 'command') return command(deps, deadline, invocation);
    return triggered(deps, deadline, invocation.source, invocation.triggers);
  };
}
