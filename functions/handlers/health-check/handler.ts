import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { Context, ScheduledEvent } from 'aws-lambda';
import type { ComponentEventDeps } from '../../core/health/component-events';
import { type HealthInvocationSummary, runHealthCheck } from '../../core/health/invocation';
import type { HealthDeps } from '../../core/health/service';
import type { GuardedRunDeps } from '../../core/runs/guarded-run';
import { rejectedRun, writeRunRecord } from '../../core/runs/run-log';
import { InputError } from '../../shared/errors';
import type { HealthSettings } from './settings';

/** Everything the handler needs, built once per execution environment (see dependencies.ts). */
export interface HealthHandlerDeps {
  readonly settings: HealthSettings;
  readonly health: HealthDeps;
  readonly componentEvents: ComponentEventDeps;
  /** The event record (the function takes no lease: conditional writes guard every state). */
  readonly run: GuardedRunDeps;
  readonly logger: Logger;
  readonly metrics: Metrics;
}

/** The invocation's rounds could not run to the end; the invocation fails (its event is released). */
export class HealthRunError extends Error {
  override readonly name = 'HealthRunError';
}

/**
 * The scheduled health check: parses the EventBridge event, runs it through
 * {@link runHealthCheck} (functions/core/health/invocation.ts) and maps the outcome: a run whose
 * rounds could not end fails, so its released event comes again. An event without an id is
 * refused with a run record; one without a readable `time` checks from the next tick on.
 */
export function createHealthHandler(deps: HealthHandlerDeps) {
  const { logger, metrics } = deps;
  const ports = { ...deps, log: logger };
  return async (event: ScheduledEvent, context: Context): Promise<HealthInvocationSummary> => {
    if (typeof event?.id !== 'string' || event.id === '') {
      const error = new InputError('the event has no id: the health check runs from an EventBridge schedule');
      const at = deps.health.clock.now();
      writeRunRecord(
        logger,
        metrics,
        rejectedRun('health-check', context.awsRequestId, error.message, at, true),
      );
      throw error;
    }
    const { summary, retry } = await runHealthCheck(ports, deps.settings, {
      invocationId: event.id,
      scheduledTime: typeof event.time === 'string' ? event.time : undefined,
      runId: context.awsRequestId,
      remainingMs: context.getRemainingTimeInMillis(),
    });
    if (retry !== undefined) throw new HealthRunError(`health run ${event.id}: ${retry}`);
    return summary;
  };
}
