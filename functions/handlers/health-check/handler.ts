import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, ScheduledEvent } from 'aws-lambda';
import { type ComponentEventDeps, publishComponentChanges } from '../../core/health/component-events';
import { COMPONENT_STATUS_VALUE, HEALTH_METRICS } from '../../core/health/health-metrics';
import { firstTickAfter } from '../../core/health/rounds';
import { type HealthDeps, type RoundReport, runHealthInvocation } from '../../core/health/service';
import { type GuardedRunDeps, runGuarded } from '../../core/runs/guarded-run';
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

/** What one invocation did. */
export interface HealthInvocationSummary {
  readonly invocationId: string;
  /** True when the event was already handled (a redelivery) or is being handled: nothing ran. */
  readonly duplicate: boolean;
  readonly rounds: number;
  readonly skipped: number;
  readonly transitions: number;
  readonly alertsSent: number;
  readonly eventsPublished: number;
}

/** The invocation's rounds could not run to the end; the invocation fails (its event is released). */
export class HealthRunError extends Error {
  override readonly name = 'HealthRunError';
}

/**
 * The scheduled health check: runs the event once (a redelivery repeats nothing; a run that
 * failed releases it), checking the period after the event's scheduled `time` on wall-clock ticks
 * (round ids are the ticks), emitting each round's metrics and component events as the round
 * ends, and ends in a run record. An event without a readable `time` checks from the next tick on.
 */
export function createHealthHandler(deps: HealthHandlerDeps) {
  const { logger, metrics } = deps;
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
    const invocationId = event.id;
    const remainingMs = context.getRemainingTimeInMillis();
    const summary = {
      invocationId,
      rounds: 0,
      skipped: 0,
      transitions: 0,
      alertsSent: 0,
      eventsPublished: 0,
    };
    const guarded = await runGuarded(
      deps.run,
      {
        fn: 'health-check',
        eventKey: `health-check#${invocationId}`,
        runId: context.awsRequestId,
        deadline: deps.health.clock.now() + remainingMs,
      },
      async () => {
        const scheduledAt = Date.parse(event.time);
        const firstTick = Number.isFinite(scheduledAt)
          ? firstTickAfter(scheduledAt, deps.settings.periodMs, deps.settings.intervalMs)
          : undefined;
        summary.skipped = await runRounds(deps, { invocationId, remainingMs, firstTick }, summary);
        const acted = summary.alertsSent + summary.eventsPublished > 0;
        const reason = `${summary.rounds} round(s), ${summary.skipped} skipped, ${summary.transitions} transition(s), ${summary.alertsSent} alert(s), ${summary.eventsPublished} event(s)`;
        return { status: acted ? 'acted' : 'decided', reason, retry: false, value: summary.skipped };
      },
    );
    writeRunRecord(logger, metrics, guarded.record, { invocationId });
    if (guarded.record.event === 'retry') {
      throw new HealthRunError(`health run ${invocationId}: ${guarded.record.reason}`);
    }
    return { ...summary, duplicate: guarded.value === undefined };
  };
}

/** Counts of one invocation's rounds, updated as each round ends. */
interface RoundCounts {
  rounds: number;
  transitions: number;
  alertsSent: number;
  eventsPublished: number;
}

/** Which rounds one invocation runs. */
interface RoundPlan {
  readonly invocationId: string;
  readonly remainingMs: number;
  /** The first round's tick; @default the next tick */
  readonly firstTick: number | undefined;
}

/** Runs the invocation's rounds; returns how many were not run (window passed, or out of time). */
async function runRounds(
  deps: HealthHandlerDeps,
  { invocationId, remainingMs, firstTick }: RoundPlan,
  counts: RoundCounts,
): Promise<number> {
  const { settings, logger, metrics } = deps;
  logger.info('Health check invocation', {
    invocationId,
    remainingMs,
    rounds: settings.rounds,
    intervalMs: settings.intervalMs,
    checks: settings.config.checks.length,
  });
  const onRound = async (report: RoundReport) => {
    emitRoundMetrics(metrics, report);
    const events = await publishComponentChanges(
      deps.componentEvents,
      report.components,
      deps.health.clock.now(),
    );
    counts.rounds++;
    counts.transitions += report.transitions.length;
    counts.alertsSent += report.alerts.sent.length;
    counts.eventsPublished += events.published.length;
    logRound(logger, report, events.published.length);
    const errors = [...report.errors, ...report.alerts.errors, ...events.errors];
    if (errors.length > 0) logger.error('Health round problems', { roundId: report.roundId, errors });
  };
  const result = await runHealthInvocation(deps.health, settings.config, {
    invocationId,
    remainingMs,
    ...(firstTick === undefined ? {} : { firstTick }),
    rounds: settings.rounds,
    intervalMs: settings.intervalMs,
    labels: settings.labels,
    onRound,
  });
  // Stored here and flushed by the logMetrics middleware when the invocation ends.
  metrics.addMetric(HEALTH_METRICS.roundsSkipped, MetricUnit.Count, result.skipped);
  if (result.skipped > 0) {
    logger.warn('Rounds not run: their window had passed or the invocation ran out of time', {
      invocationId,
      skipped: result.skipped,
    });
  }
  return result.skipped;
}

function logRound(logger: Logger, report: RoundReport, eventsPublished: number): void {
  logger.info('Health round', {
    roundId: report.roundId,
    durationMs: report.durationMs,
    down: report.results
      .filter((r) => r.status === 'down')
      .map((r) => ({ check: r.checkId, error: r.error })),
    unknown: report.results.filter((r) => r.status === 'unknown').map((r) => r.checkId),
    transitions: report.transitions,
    components: Object.fromEntries(report.components.map((c) => [c.component, c.status])),
    alertsSent: report.alerts.sent.map((n) => ({ id: n.id, kind: n.kind, severity: n.severity })),
    suppressed: report.alerts.suppressed,
    eventsPublished,
  });
}

/**
 * Emits one round's metrics at once, so each round lands in CloudWatch with its own timestamp:
 * per check `CheckUp` (1 up, 0 down) and `CheckLatency` (ms) with dimension `Check`; per
 * component `ComponentStatus` with dimension `Component`; and `HealthRounds` (1) with the
 * round's duration as the heartbeat. A probe that could not tell (`unknown`) emits nothing.
 * One EMF document per dimension value, since a document's metrics share its dimensions.
 */
export function emitRoundMetrics(metrics: Metrics, report: RoundReport): void {
  for (const result of report.results) {
    if (result.status === 'unknown') continue;
    metrics.addDimension('Check', result.checkId);
    metrics.addMetric(HEALTH_METRICS.checkUp, MetricUnit.Count, result.status === 'up' ? 1 : 0);
    metrics.addMetric(HEALTH_METRICS.checkLatency, MetricUnit.Milliseconds, result.latencyMs);
    metrics.publishStoredMetrics();
  }
  for (const component of report.components) {
    if (component.status === 'unknown') continue;
    metrics.addDimension('Component', component.component);
    metrics.addMetric(
      HEALTH_METRICS.componentStatus,
      MetricUnit.Count,
      COMPONENT_STATUS_VALUE[component.status],
    );
    metrics.publishStoredMetrics();
  }
  metrics.addMetric(HEALTH_METRICS.rounds, MetricUnit.Count, 1);
  metrics.addMetric(HEALTH_METRICS.roundDuration, MetricUnit.Milliseconds, report.durationMs);
  metrics.publishStoredMetrics();
}
