import { FailoverHolds, type HoldWriter } from '../../core/failover/holds';
import { ComponentNotConfiguredError } from '../../core/failover/ports';
import { runFailoverEvent, runFailoverTrigger } from '../../core/failover/runs';
import type { FailoverDeps, FailoverResult } from '../../core/failover/service';
import { describeAction, describeRecords } from '../../core/failover/timeline';
import type { Component } from '../../core/failover/types';
import { InputError } from '../../shared/errors';
import type { FailoverFunctionConfig } from './config';
import { type Invocation, parseInvocation, type Trigger } from './events';
import { type MetricsSink, recordFailoverMetrics } from './metrics';

/** The slice of the Powertools logger used here. */
export interface FailoverLog {
  info(message: string, extra: Record<string, unknown>): void;
  warn(message: string, extra: Record<string, unknown>): void;
  error(message: string, extra: Record<string, unknown>): void;
}

/** Everything the handler works with, built once per container (see dependencies.ts). */
export interface FailoverWiring {
  readonly config: FailoverFunctionConfig;
  /** The service's dependencies but the run's owner, which is the invocation's request id. */
  readonly deps: Omit<FailoverDeps, 'owner'>;
  /** Holds the health engine's symptom alerts while a component switches. */
  readonly holds: HoldWriter;
  readonly metrics: MetricsSink;
  readonly log: FailoverLog;
}

/** The admin API's answer: the plan, the guards, the incident id; or why nothing was done. */
export type CommandResponse =
  | ({ readonly ok: true } & FailoverResult)
  | { readonly ok: false; readonly error: string; readonly message: string; readonly component?: Component };

/** What an EventBridge invocation did, per component. */
export type TriggerResponse =
  | { readonly source: string; readonly results: readonly FailoverResult[] }
  | { readonly ignored: string };

/** One or more components could not be handled; the invocation fails so EventBridge's delivery retries. */
export class FailoverTriggerError extends Error {
  override readonly name = 'FailoverTriggerError';
}

const errorText = (error: unknown) =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

function logResult(log: FailoverLog, origin: string, note: string, result: FailoverResult): void {
  const worrying =
    result.verdict === 'blocked' ||
    result.verdict === 'failed' ||
    result.notifications.some((n) => !n.delivered);
  (worrying ? log.warn : log.info).call(log, `failover ${result.component}: ${result.status}`, {
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
  });
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

  function report(origin: string, note: string, result: FailoverResult): FailoverResult {
    logResult(log, origin, note, result);
    recordFailoverMetrics(metrics, result);
    return result;
  }

  async function command(deps: FailoverDeps, invocation: Extract<Invocation, { kind: 'command' }>) {
    const { event } = invocation;
    if (!config.configured.includes(event.component)) {
      const error = new ComponentNotConfiguredError(event.component);
      log.warn('failover command refused', { eventId: event.id, error: error.message });
      return { ok: false, error: error.name, message: error.message, component: event.component } as const;
    }
    try {
      const note = `${event.command} by ${event.requestedBy}${event.dryRun ? ' (dry run)' : ''}: ${event.reason}`;
      const result = await runFailoverEvent(deps, holds, event, config.settings);
      return { ok: true, ...report('command', note, result) } as const;
    } catch (error) {
      // The operator gets the reason, not a stack trace; the log keeps both.
      log.error('failover command failed', { eventId: event.id, error });
      const name = error instanceof Error ? error.name : 'Error';
      const message = error instanceof Error ? error.message : String(error);
      return { ok: false, error: name, message, component: event.component } as const;
    }
  }

  async function triggered(deps: FailoverDeps, source: string, triggers: readonly Trigger[]) {
    const settled = await Promise.allSettled(
      triggers.map(async (trigger) => {
        const { result, note } = await runFailoverTrigger(deps, holds, trigger, config.settings);
        return report(source, note, result);
      }),
    );
    const failures = settled.flatMap((outcome, index) =>
      outcome.status === 'rejected' ? [{ trigger: triggers[index]!, error: outcome.reason as unknown }] : [],
    );
    for (const { trigger, error } of failures)
      log.error(`failover ${trigger.component}: trigger failed`, {
        origin: source,
        eventId: trigger.id,
        error,
      });
    if (failures.length > 0) {
      const summary = failures.map((f) => `${f.trigger.component} (${errorText(f.error)})`).join('; ');
      throw new FailoverTriggerError(`failover ${source} trigger failed for ${summary}`, {
        cause: new AggregateError(failures.map((f) => f.error)),
      });
    }
    const results = settled.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
    return { source, results };
  }

  return async (
    raw: unknown,
    context: { readonly awsRequestId: string },
  ): Promise<CommandResponse | TriggerResponse> => {
    const deps: FailoverDeps = { ...wiring.deps, owner: context.awsRequestId };
    let invocation: Invocation;
    try {
      invocation = parseInvocation(raw, config);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      log.warn('failover command rejected', { error: error.message });
      return { ok: false, error: error.name, message: error.message };
    }
    if (invocation.kind === 'ignored') {
      log.info('failover trigger ignored', { reason: invocation.reason });
      return { ignored: invocation.reason };
    }
    if (invocation.kind === 'command') return command(deps, invocation);
    return triggered(deps, invocation.source, invocation.triggers);
  };
}
