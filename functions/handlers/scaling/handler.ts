import type { Context } from 'aws-lambda';
import type { StructuredLog } from '../../core/log';
import type { SingleMetricSink } from '../../core/metrics-sink';
import { rejectedRun, writeRunRecord } from '../../core/runs/run-log';
import { formatExplanation } from '../../core/scaling/explain';
import type { ScalingOutcome, ScalingRequest, ScalingRun } from '../../core/scaling/service';
import { InputError } from '../../shared/errors';
import { isEventBridgeEvent, type ParsedRequest, parseDirectInvoke, parseEventBridgeEvent } from './events';
import { recordScalingMetrics } from './metrics';

/** What the handler works with, built once per container (see dependencies.ts). */
export interface ScalingHandlerDeps {
  readonly groupName: string;
  /** One scaling run (the service with its adapters bound). */
  run(request: ScalingRequest): Promise<ScalingRun>;
  readonly metrics: SingleMetricSink;
  readonly log: StructuredLog;
  readonly now: () => number;
}

/** What a run did, as the admin API and the logs see it. */
export type ScalingResponse =
  | ({ readonly ok: true; readonly explanationText?: string } & ScalingOutcome)
  | { readonly ok: false; readonly error: string; readonly message: string };

/** The event's work is not done; the invocation fails so Lambda retries it, then parks it in the failure queue. */
export class ScalingRunError extends Error {
  override readonly name = 'ScalingRunError';
}

/**
 * The scaling function: EventBridge schedules and alarm state changes, and the admin API's direct
 * invoke `{ "dryRun": boolean, "reason": string }`. Every invocation ends in a run record. A bad
 * direct invoke, or one whose run failed, gets `{ ok: false }` naming why; an EventBridge event
 * that is bad or whose work is not done (a failed read or action, a busy group) fails the
 * invocation, so Lambda delivers it again and, after its retries, parks it in the failure queue.
 */
export function createScalingHandler(deps: ScalingHandlerDeps) {
  return async (
    event: unknown,
    context: Pick<Context, 'awsRequestId' | 'getRemainingTimeInMillis'>,
  ): Promise<ScalingResponse> => {
    const direct = !isEventBridgeEvent(event);
    const runId = context.awsRequestId;
    let parsed: ParsedRequest;
    try {
      parsed = direct ? parseDirectInvoke(event, runId) : parseEventBridgeEvent(event);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      const retried = !direct;
      writeRunRecord(
        deps.log,
        deps.metrics,
        rejectedRun('scaling', runId, error.message, deps.now(), retried),
      );
      if (retried) throw error;
      return { ok: false, error: error.name, message: error.message };
    }
    const deadline = deps.now() + context.getRemainingTimeInMillis();
    const { outcome, record } = await deps.run({ ...parsed, runId, deadline });
    writeRunRecord(deps.log, deps.metrics, record, details(parsed, outcome));
    recordScalingMetrics(deps.metrics, deps.groupName, outcome);
    if (direct) {
      const failure = failureOf(outcome);
      if (failure !== undefined) return { ok: false, error: 'ScalingRunError', message: failure };
    } else if (record.event === 'retry') {
      throw new ScalingRunError(`scaling run ${outcome.eventKey}: ${record.reason}`);
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

/** What the run record's log line says besides the record: the request and the decision's inputs. */
function details(request: ParsedRequest, outcome: ScalingOutcome): Record<string, unknown> {
  const context = { eventKey: request.eventKey, trigger: request.trigger, reason: request.reason };
  switch (outcome.status) {
    case 'skipped':
      return context;
    case 'failed':
      return { ...context, error: outcome.error, skipped: outcome.skipped, problems: outcome.problems };
    case 'decided':
      return {
        ...context,
        summary: outcome.decision.explanation.summary,
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
      };
  }
}
