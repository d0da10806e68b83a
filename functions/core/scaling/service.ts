import { type Concluded, runGuarded } from '../runs/guarded-run';
import type { RunRecord } from '../runs/record';
import { attempt, evaluate } from './evaluate';
import type { ScalingAction, ScalingDeps, ScalingTrigger, SkippedRead } from './ports';
import type { ScalingDecision } from './types';

export { lookbackSeconds, ScalingReadError, stabilisationSeconds } from './evaluate';

/** One request to evaluate the group, from a schedule, an alarm or an operator. */
export interface ScalingRequest {
  /** Unique per delivered event; a redelivery carries the same key. */
  readonly eventKey: string;
  /** Unique per invocation: the lease owner. */
  readonly runId: string;
  readonly trigger: ScalingTrigger;
  /** Why the run happens, in words (kept with the decision). */
  readonly reason: string;
  /** When the invocation times out (epoch ms): the event record is in progress until then at most. */
  readonly deadline: number;
  /** Asks for a dry run; a request can add dry-run but never lift the policy's or the deployment's. */
  readonly dryRun?: boolean;
}

/** What a run did. */
export type ScalingOutcome =
  | {
      /** The work did not run here: a duplicate, or the group's lease was held (see the record). */
      readonly status: 'skipped';
      readonly eventKey: string;
      readonly reason: string;
    }
  | {
      readonly status: 'failed';
      readonly eventKey: string;
      readonly error: string;
      readonly skipped: readonly SkippedRead[];
      readonly problems: readonly string[];
    }
  | {
      readonly status: 'decided';
      readonly eventKey: string;
      readonly decision: ScalingDecision;
      readonly action: ScalingAction;
      readonly actionError?: string;
      readonly policySource: 'override' | 'default';
      /** Reads that were skipped or partial; the decision was made without them. */
      readonly skipped: readonly SkippedRead[];
      readonly notified: readonly ('info' | 'warning')[];
      /** Failures after the decision (alert hold, notification, record) that did not change it. */
      readonly problems: readonly string[];
    };

/** What a run that did its work concluded. */
export type EvaluatedOutcome = Exclude<ScalingOutcome, { status: 'skipped' }>;

/** A run: what it did, and the record it ended in. */
export interface ScalingRun {
  readonly outcome: ScalingOutcome;
  readonly record: RunRecord;
}

const DEFAULT_LEASE_MS = 120_000;

/**
 * One run of the scaling function on one event, under the control plane's guarantees (see
 * `runGuarded`): the event runs once to completion, a failed run releases it for the retry, a
 * busy group lease is waited for and then released for the retry, and every run ends in a record.
 * A run that could not coordinate (claim, lease) also leaves a failure in the engine's history.
 */
export async function runScaling(deps: ScalingDeps, request: ScalingRequest): Promise<ScalingRun> {
  const { settings } = deps;
  const guarded = await runGuarded(
    deps.run,
    {
      fn: 'scaling',
      eventKey: request.eventKey,
      runId: request.runId,
      deadline: request.deadline,
      lock: { name: `scaling#${settings.groupName}`, leaseMs: settings.leaseMs ?? DEFAULT_LEASE_MS },
    },
    async () => conclude(await evaluate(deps, request, deps.run.clock())),
  );
  const { record } = guarded;
  if (guarded.value !== undefined) return { outcome: guarded.value, record };
  if (record.status !== 'failed') {
    return { outcome: { status: 'skipped', eventKey: request.eventKey, reason: record.reason }, record };
  }
  const problems: string[] = [];
  await attempt(problems, 'failure record', () =>
    deps.state.recordFailure(settings.groupName, {
      time: record.at,
      eventKey: request.eventKey,
      trigger: request.trigger,
      reason: request.reason,
      error: record.reason,
      skipped: [],
    }),
  );
  const outcome: ScalingOutcome = {
    status: 'failed',
    eventKey: request.eventKey,
    error: record.reason,
    skipped: [],
    problems,
  };
  return { outcome, record };
}

/** The run record's view of an outcome: a failed read or action releases the event for a retry. */
function conclude(outcome: EvaluatedOutcome): Concluded<ScalingOutcome> {
  switch (outcome.status) {
    case 'failed':
      return { status: 'failed', reason: `no decision: ${outcome.error}`, retry: true, value: outcome };
    case 'decided': {
      const { decision } = outcome;
      const change = `${decision.current} → ${decision.desired}`;
      if (outcome.action === 'failed')
        return {
          status: 'failed',
          reason: `decided ${change}: ${outcome.actionError}`,
          retry: true,
          value: outcome,
        };
      const status = outcome.action === 'scaled' ? 'acted' : 'decided';
      return { status, reason: decision.explanation.summary, retry: false, value: outcome };
    }
  }
}
