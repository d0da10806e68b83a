import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, ScheduledEvent } from 'aws-lambda';
import type { EventLedger } from '../../core/coordination';
import { type ComponentEventDeps, publishComponentChanges } from '../../core/health/component-events';
import { COMPONENT_STATUS_VALUE, HEALTH_METRICS } from '../../core/health/health-metrics';
import { firstTickAfter } from '../../core/health/rounds';
import { type HealthDeps, type RoundReport, runHealthInvocation } from '../../core/health/service';
import { InputError } from '../../shared/errors';
import type { HealthSettings } from './settings';

/** Everything the handler needs, built once per execution environment (see dependencies.ts). */
export interface HealthHandlerDeps {
  readonly settings: HealthSettings;
  readonly health: HealthDeps;
  readonly componentEvents: ComponentEventDeps;
  readonly ledger: EventLedger;
  readonly logger: Logger;
  readonly metrics: Metrics;
}

/** What one invocation did. */
export interface HealthInvocationSummary {
  readonly invocationId: string;
  /** True when the event was already handled (a redelivery): nothing ran. */
  readonly duplicate: boolean;
  readonly rounds: number;
  readonly skipped: number;
  readonly transitions: number;
  readonly alertsSent: number;
  readonly eventsPublished: number;
}

// EventBridge retries delivery for up to 24 hours; a claim kept longer covers every redelivery.
const LEDGER_RETENTION_MS = 26 * 3600_000;

/**
 * The scheduled health check: claims the event id, then runs the rounds of the period after the
 * event's scheduled `time`, on wall-clock ticks (round ids are the ticks, so a redelivery repeats
 * nothing), emitting each round's metrics and component events as the round ends. An event without
 * a readable `time` checks from the next tick on.
 */
export function createHealthHandler(deps: HealthHandlerDeps) {
  const { settings, logger, metrics } = deps;
  return async (event: ScheduledEvent, context: Context): Promise<HealthInvocationSummary> => {
    if (typeof event?.id !== 'string' || event.id === '') {
      throw new InputError('the event has no id: the health check runs from an EventBridge schedule');
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
    if (
      !(await deps.ledger.claim(`health-check#${invocationId}`, deps.health.clock.now(), LEDGER_RETENTION_MS))
    ) {
      logger.warn('Event already handled; not running its rounds again', { invocationId });
      return { ...summary, duplicate: true };
    }
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
      summary.rounds++;
      summary.transitions += report.transitions.length;
      summary.alertsSent += report.alerts.sent.length;
      summary.eventsPublished += events.published.length;
      logRound(logger, report, events.published.length);
      const errors = [...report.errors, ...report.alerts.errors, ...events.errors];
      if (errors.length > 0) logger.error('Health round problems', { roundId: report.roundId, errors });
    };
    const scheduledAt = Date.parse(event.time);
    const result = await runHealthInvocation(deps.health, settings.config, {
      invocationId,
      remainingMs,
      ...(Number.isFinite(scheduledAt)
        ? { firstTick: firstTickAfter(scheduledAt, settings.periodMs, settings.intervalMs) }
        : {}),
      rounds: settings.rounds,
      intervalMs: settings.intervalMs,
      labels: settings.labels,
      onRound,
    });
    summary.skipped = result.skipped;
    // Stored here and flushed by the logMetrics middleware when the invocation ends.
    metrics.addMetric(HEALTH_METRICS.roundsSkipped, MetricUnit.Count, result.skipped);
    if (result.skipped > 0) {
      logger.warn('Rounds not run: their window had passed or the invocation ran out of time', {
        invocationId,
        skipped: result.skipped,
      });
    }
    return { ...summary, duplicate: false };
  };
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
