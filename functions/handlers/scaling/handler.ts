import type { Context } from 'aws-lambda';
import { formatExplanation } from '../../core/scaling/explain';
import type { ScalingOutcome, ScalingRequest } from '../../core/scaling/service';
import { InputError } from '../../shared/errors';
import { isEventBridgeEvent, type ParsedRequest, parseDirectInvoke, parseEventBridgeEvent } from './events';
import { type HoldWriter, holdAfterScaleOut } from './holds';
import { type MetricsSink, recordScalingMetrics } from './metrics';

/** The slice of the Powertools logger used here. */
export interface ScalingLog {
  info(message: string, extra: Record<string, unknown>): void;
  warn(message: string, extra: Record<string, unknown>): void;
  error(message: string, extra: Record<string, unknown>): void;
}

/** What the handler works with, built once per container (see dependencies.ts). */
export interface ScalingHandlerDeps {
  readonly groupName: string;
  /** One scaling run (the service with its adapters bound). */
  run(request: ScalingRequest, now: number): Promise<ScalingOutcome>;
  /** Holds the fleet's symptom alerts after a scale-out. */
  readonly holds: HoldWriter;
  /** How long the hold after a scale-out lasts: the group's warm-up. */
  readonly warmupSeconds: number;
  readonly metrics: MetricsSink;
  readonly log: ScalingLog;
  readonly now: () => number;
}

/** What a run did, as the admin API and the logs see it. */
export type ScalingResponse =
  | ({ readonly ok: true; readonly explanationText?: string } & ScalingOutcome)
  | { readonly ok: false; readonly error: string; readonly message: string };

/** A run that could not decide, or whose SetDesiredCapacity failed; it fails the invocation so the Errors alarm sees it. */
export class ScalingRunError extends Error {
  override readonly name = 'ScalingRunError';
}

/**
 * The scaling function: EventBridge schedules and alarm state changes, and the admin API's direct
 * invoke `{ "dryRun": boolean, "reason": string }`. A bad direct invoke gets `{ ok: false }` with
 * the field named; a bad event, a failed run or a failed action fails the invocation (with
 * retries off, it lands in the failure queue for a person to read).
 */
export function createScalingHandler(deps: ScalingHandlerDeps) {
  return async (event: unknown, context: Pick<Context, 'awsRequestId'>): Promise<ScalingResponse> => {
    const direct = !isEventBridgeEvent(event);
    let parsed: ParsedRequest;
    try {
      parsed = direct ? parseDirectInvoke(event, context.awsRequestId) : parseEventBridgeEvent(event);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      deps.log.warn('scaling request rejected', { error: error.message });
      if (!direct) throw error;
      return { ok: false, error: error.name, message: error.message };
    }
    const outcome = await deps.run({ ...parsed, runId: context.awsRequestId }, deps.now());
    recordScalingMetrics(deps.metrics, deps.groupName, outcome);
    log(deps, parsed, outcome);
    await holdAfterScaleOut(outcome, {
      writer: deps.holds,
      warmupSeconds: deps.warmupSeconds,
      groupName: deps.groupName,
      runId: context.awsRequestId,
      now: deps.now(),
      log: deps.log,
    });

    const failure = failureOf(outcome);
    if (failure !== undefined) {
      if (!direct) throw new ScalingRunError(failure);
      return { ok: false, error: 'ScalingRunError', message: failure };
    }
    return outcome.status === 'decided'
      ? { ok: true, ...outcome, explanationText: formatExplanation(outcome.decision.explanation) }
      : { ok: true, ...outcome };
  };
}

function failureOf(outcome: ScalingOutcome): string | undefined {
  if (outcome.status === 'failed')
    return `scaling run ${outcome.eventKey} made no decision: ${outcome.error}`;
  if (outcome.status === 'decided' && outcome.action === 'failed') {
    return `scaling run ${outcome.eventKey} decided ${outcome.decision.current} → ${outcome.decision.desired} but could not act: ${outcome.actionError}`;
  }
  return undefined;
}

function log(deps: ScalingHandlerDeps, request: ParsedRequest, outcome: ScalingOutcome): void {
  const context = { eventKey: request.eventKey, trigger: request.trigger, reason: request.reason };
  switch (outcome.status) {
    case 'duplicate':
    case 'busy':
      deps.log.info(`scaling run skipped: ${outcome.status}`, context);
      return;
    case 'failed':
      deps.log.error('scaling run failed before deciding', {
        ...context,
        error: outcome.error,
        skipped: outcome.skipped,
        problems: outcome.problems,
      });
      return;
    case 'decided': {
      const worrying =
        outcome.action === 'failed' || outcome.problems.length > 0 || outcome.skipped.length > 0;
      (worrying ? deps.log.warn : deps.log.info).call(deps.log, outcome.decision.explanation.summary, {
        ...context,
        action: outcome.action,
        actionError: outcome.actionError,
        current: outcome.decision.current,
        desired: outcome.decision.desired,
        direction: outcome.decision.direction,
        saturated: outcome.decision.saturated,
        dryRun: outcome.decision.dryRun,
        policySource: outcome.policySource,
        skipped: outcome.skipped,
        problems: outcome.problems,
        notified: outcome.notified,
        explanation: outcome.decision.explanation,
      });
    }
  }
}
