import { FailoverHolds, type HoldWriter } from '../../core/failover/holds';
import {
  type FailoverInvocation,
  runFailoverCommand,
  runFailoverTriggers,
} from '../../core/failover/invocation';
import type { FailoverDeps, FailoverResult } from '../../core/failover/service';
import type { Component } from '../../core/failover/types';
import type { StructuredLog } from '../../core/log';
import type { SingleMetricSink } from '../../core/metrics-sink';
import { rejectedRun, writeRunRecord } from '../../core/runs/run-log';
import { InputError } from '../../shared/errors';
import type { FailoverFunctionConfig } from './config';
import { type Invocation, parseInvocation } from './events';

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

/**
 * The failover function: EventBridge triggers (health verdicts, alarm state changes, the
 * schedule) and direct invocations by the admin API. It parses the event, runs the engine's
 * command or triggers (functions/core/failover/invocation.ts) and maps the outcome: a direct
 * invoke gets an answer, an event whose work is not done fails so Lambda delivers it again.
 */
export function createFailoverHandler(wiring: FailoverWiring) {
  const { config, log, metrics } = wiring;
  const holds = new FailoverHolds(
    wiring.holds,
    config.componentMap,
    config.settings.operationLeaseSeconds,
    log,
  );

  async function command(
    invocation: FailoverInvocation,
    { event }: Extract<Invocation, { kind: 'command' }>,
  ): Promise<CommandResponse> {
    const run = await runFailoverCommand(invocation, event);
    if (run.kind === 'refused') {
      return { ok: false, error: run.error.name, message: run.error.message, component: event.component };
    }
    const { result } = run;
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
    invocation: FailoverInvocation,
    { source, triggers }: Extract<Invocation, { kind: 'triggers' }>,
  ): Promise<TriggerResponse> {
    const run = await runFailoverTriggers(invocation, source, triggers);
    if (run.retry.length > 0) {
      const summary = run.retry.map((r) => `${r.component} (${r.reason})`).join('; ');
      throw new FailoverTriggerError(`failover ${source} trigger not done for ${summary}`);
    }
    return { source, results: run.results };
  }

  return async (raw: unknown, context: FailoverContext): Promise<CommandResponse | TriggerResponse> => {
    const deps: FailoverDeps = { ...wiring.deps, owner: context.awsRequestId };
    let parsed: Invocation;
    try {
      parsed = parseInvocation(raw, config);
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
    if (parsed.kind === 'ignored') {
      log.info('failover trigger ignored', { reason: parsed.reason });
      return { ignored: parsed.reason };
    }
    const invocation: FailoverInvocation = {
      deps,
      holds,
      settings: config.settings,
      configured: config.configured,
      deadline: deps.clock() + context.getRemainingTimeInMillis(),
      log,
      metrics,
    };
    return parsed.kind === 'command' ? command(invocation, parsed) : triggered(invocation, parsed);
  };
}
