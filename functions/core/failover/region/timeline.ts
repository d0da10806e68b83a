import type { RegionDecision } from './decide';
import type { RegionObservation, RegionStep, RegionTimeline } from './types';

/** The timeline an operation starts with, before its first action. */
export function openTimeline(
  id: string,
  decision: RegionDecision,
  request: { readonly reason: string; readonly requestedBy: string },
  now: number,
): RegionTimeline {
  return {
    id,
    kind: decision.kind!,
    automatic: decision.automatic,
    from: decision.from,
    to: decision.to,
    reason: request.reason,
    requestedBy: request.requestedBy,
    // An automatic failover's trouble began with the first unhealthy reading; a command's with the command.
    detectedAt: decision.automatic ? (decision.state.activeUnhealthySince ?? now) : now,
    decidedAt: now,
    ...(decision.dataLossConfirmed ? { dataLossConfirmedBy: request.requestedBy } : {}),
    steps: [],
    status: 'running',
  };
}

/**
 * Adds a finished step. The database promotion fixes the RPO: 0 for a switchover (Aurora waits
 * for the secondary to catch up), otherwise the last RPO lag read, or unknown when none was
 * fresh. Traffic verified on the target fixes the RTO.
 */
export function recordStep(
  timeline: RegionTimeline,
  step: RegionStep,
  observation: RegionObservation,
): RegionTimeline {
  const next: RegionTimeline = { ...timeline, steps: [...timeline.steps, step] };
  if (!step.outcome.ok) return next;
  const { action } = step;
  if (
    action.kind === 'wait-database-writer' &&
    action.region === timeline.to &&
    next.databasePromotedAt === undefined
  ) {
    const promotion = timeline.steps.find(
      (s) => s.action.kind === 'switchover-database' || s.action.kind === 'failover-database',
    );
    const rpoSeconds =
      promotion?.action.kind === 'switchover-database' ? 0 : observation.rpoLagSeconds?.value;
    return {
      ...next,
      databasePromotedAt: step.finishedAt,
      ...(rpoSeconds !== undefined ? { rpoSeconds } : {}),
    };
  }
  if (
    action.kind === 'verify-traffic' &&
    action.region === timeline.to &&
    next.trafficMovedAt === undefined
  ) {
    return {
      ...next,
      trafficMovedAt: step.finishedAt,
      rtoSeconds: Math.round((step.finishedAt - timeline.detectedAt) / 1000),
    };
  }
  return next;
}

/** Closes the timeline. */
export function closeTimeline(timeline: RegionTimeline, ok: boolean, now: number): RegionTimeline {
  return { ...timeline, status: ok ? 'completed' : 'failed', finishedAt: now };
}

/** A human-readable account of the timeline, for alerts and the CLI. */
export function renderTimeline(timeline: RegionTimeline): string {
  const t = (at: number) => `+${Math.round((at - timeline.detectedAt) / 1000)} s`;
  const lines = [
    `${timeline.kind} ${timeline.from} → ${timeline.to} (${timeline.automatic ? 'automatic' : `by ${timeline.requestedBy}`}): ${timeline.reason}`,
    `detected ${new Date(timeline.detectedAt).toISOString()}, decided ${t(timeline.decidedAt)}`,
    ...timeline.steps.map(
      (step) =>
        `${t(step.startedAt)}…${t(step.finishedAt)} ${step.action.kind} ${step.outcome.ok ? 'ok' : `FAILED (${step.outcome.message})`}`,
    ),
    `status ${timeline.status}; RTO ${timeline.rtoSeconds ?? 'n/a'} s; RPO ${timeline.rpoSeconds ?? 'unknown'} s${
      timeline.dataLossConfirmedBy ? `; data loss accepted by ${timeline.dataLossConfirmedBy}` : ''
    }`,
  ];
  return lines.join('\n');
}
