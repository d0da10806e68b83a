import type { StructuredLog } from '../log';
import type { MetricsSink, SingleMetricSink } from '../metrics-sink';
import { type GuardedRunDeps, runGuarded } from '../runs/guarded-run';
import { writeRunRecord } from '../runs/run-log';
import { type ComponentEventDeps, publishComponentChanges } from './component-events';
import type { HealthCheckConfig } from './health-config';
import { COMPONENT_STATUS_VALUE, HEALTH_METRICS } from './health-metrics';
import { firstTickAfter } from './rounds';
import { type HealthDeps, type RoundReport, runHealthInvocation } from './service';

/**
 * What the health check publishes to: run records and the function's metrics, plus one EMF
 * document per round (Powertools `Metrics.publishStoredMetrics`), so each round keeps its timestamp.
 */
export type HealthMetricsSink = SingleMetricSink &
  Pick<MetricsSink, 'addMetric' | 'addDimension'> & { publishStoredMetrics(): void };

/** The ports one health-check invocation works with. */
export interface HealthCheckDeps {
  readonly health: HealthDeps;
  readonly componentEvents: ComponentEventDeps;
  /** The event record (the function takes no lease: conditional writes guard every state). */
  readonly run: GuardedRunDeps;
  readonly log: StructuredLog;
  readonly metrics: HealthMetricsSink;
}

/** Which checks run, how often, over which period. */
export interface HealthSchedule {
  readonly config: HealthCheckConfig;
  readonly rounds: number;
  readonly intervalMs: number;
  /** The schedule's period: the rounds check the period after the event's scheduled time. */
  readonly periodMs: number;
  readonly labels: Readonly<Record<string, string>>;
}

/** One scheduled event, as the handler parsed it. */
export interface HealthCheckRequest {
  readonly invocationId: string;
  /** The event's scheduled `time` (ISO 8601); unreadable means "from the next tick on". */
  readonly scheduledTime: string | undefined;
  /** The run's id (the Lambda request id). */
  readonly runId: string;
  readonly remainingMs: number;
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

/** The invocation's summary; `retry` says why its rounds could not run to the end (the event is released). */
export interface HealthCheckRun {
  readonly summary: HealthInvocationSummary;
  readonly retry: string | undefined;
}

/**
 * Runs a scheduled event once (a redelivery repeats nothing; a run that failed releases it),
 * checking the period after the event's scheduled time on wall-clock ticks (round ids are the
 * ticks), emitting each round's metrics and component events as the round ends, and ending in a
 * run record.
 */
export async function runHealthCheck(
  deps: HealthCheckDeps,
  schedule: HealthSchedule,
  request: HealthCheckRequest,
): Promise<HealthCheckRun> {
  const { invocationId, remainingMs } = request;
  const counts = { rounds: 0, skipped: 0, transitions: 0, alertsSent: 0, eventsPublished: 0 };
  const guarded = await runGuarded(
    deps.run,
    {
      fn: 'health-check',
      eventKey: `health-check#${invocationId}`,
      runId: request.runId,
      deadline: deps.health.clock.now() + remainingMs,
    },
    async () => {
      const scheduledAt =
        request.scheduledTime === undefined ? Number.NaN : Date.parse(request.scheduledTime);
      const firstTick = Number.isFinite(scheduledAt)
        ? firstTickAfter(scheduledAt, schedule.periodMs, schedule.intervalMs)
        : undefined;
      counts.skipped = await runRounds(deps, schedule, { invocationId, remainingMs, firstTick }, counts);
      const acted = counts.alertsSent + counts.eventsPublished > 0;
      const reason = `${counts.rounds} round(s), ${counts.skipped} skipped, ${counts.transitions} transition(s), ${counts.alertsSent} alert(s), ${counts.eventsPublished} event(s)`;
      return { status: acted ? 'acted' : 'decided', reason, retry: false, value: counts.skipped };
    },
  );
  writeRunRecord(deps.log, deps.metrics, guarded.record, { invocationId });
  return {
    summary: { invocationId, ...counts, duplicate: guarded.value === undefined },
    retry: guarded.record.event === 'retry' ? guarded.record.reason : undefined,
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
  deps: HealthCheckDeps,
  schedule: HealthSchedule,
  { invocationId, remainingMs, firstTick }: RoundPlan,
  counts: RoundCounts,
): Promise<number> {
  const { log, metrics } = deps;
  log.info('Health check invocation', {
    invocationId,
    remainingMs,
    rounds: schedule.rounds,
    intervalMs: schedule.intervalMs,
    checks: schedule.config.checks.length,
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
    logRound(log, report, events.published.length);
    const errors = [...report.errors, ...report.alerts.errors, ...events.errors];
    if (errors.length > 0) log.error('Health round problems', { roundId: report.roundId, errors });
  };
  const result = await runHealthInvocation(deps.health, schedule.config, {
    invocationId,
    remainingMs,
    ...(firstTick === undefined ? {} : { firstTick }),
    rounds: schedule.rounds,
    intervalMs: schedule.intervalMs,
    labels: schedule.labels,
    onRound,
  });
  // Stored here and flushed by the logMetrics middleware when the invocation ends.
  metrics.addMetric(HEALTH_METRICS.roundsSkipped, 'Count', result.skipped);
  if (result.skipped > 0) {
    log.warn('Rounds not run: their window had passed or the invocation ran out of time', {
      invocationId,
      skipped: result.skipped,
    });
  }
  return result.skipped;
}

function logRound(log: StructuredLog, report: RoundReport, eventsPublished: number): void {
  log.info('Health round', {
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
export function emitRoundMetrics(metrics: HealthMetricsSink, report: RoundReport): void {
  for (const result of report.results) {
    if (result.status === 'unknown') continue;
    metrics.addDimension('Check', result.checkId);
    metrics.addMetric(HEALTH_METRICS.checkUp, 'Count', result.status === 'up' ? 1 : 0);
    metrics.addMetric(HEALTH_METRICS.checkLatency, 'Milliseconds', result.latencyMs);
    metrics.publishStoredMetrics();
  }
  for (const component of report.components) {
    if (component.status === 'unknown') continue;
    metrics.addDimension('Component', component.component);
    metrics.addMetric(HEALTH_METRICS.componentStatus, 'Count', COMPONENT_STATUS_VALUE[component.status]);
    metrics.publishStoredMetrics();
  }
  metrics.addMetric(HEALTH_METRICS.rounds, 'Count', 1);
  metrics.addMetric(HEALTH_METRICS.roundDuration, 'Milliseconds', report.durationMs);
  metrics.publishStoredMetrics();
}
