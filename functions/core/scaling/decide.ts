import { summarise } from './explain';
import { leadReading } from './leading';
import { applyLimits, boundsLimit, DECISION_LIMITS, directionOf } from './limits';
import { isWarmingUp, readMetric } from './metrics';
import { effectiveBounds, scheduledRecommendations } from './scheduled';
import { recommendStep } from './step';
import { recommendTargetTracking } from './target-tracking';
import type { DecideInput, Limit, MetricReading, PolicyRecommendation, ScalingDecision } from './types';

interface Combined {
  readonly recommendation: number;
  readonly winner: string | null;
  readonly limit?: Limit;
}

/**
 * Combines the policies' recommendations: scale out if any policy asks (to the largest ask),
 * scale in only if every voting policy asks and no policy is missing its data (to the largest,
 * i.e. most cautious, ask), otherwise keep `current`. Abstaining step policies do not vote.
 */
export function combine(recommendations: readonly PolicyRecommendation[], current: number): Combined {
  const voters = recommendations.filter((r) => r.recommendation !== null);
  const largest = (list: readonly PolicyRecommendation[]) =>
    list.reduce((best, r) => (r.recommendation! > best.recommendation! ? r : best));
  const outs = voters.filter((r) => r.recommendation! > current);
  if (outs.length > 0) {
    const winner = largest(outs);
    return { recommendation: winner.recommendation!, winner: winner.policy };
  }
  const ins = voters.filter((r) => r.recommendation! < current);
  if (ins.length === 0) return { recommendation: current, winner: null };
  const winner = largest(ins);
  const missing = recommendations.filter((r) => r.missingData);
  if (missing.length > 0) {
    return {
      recommendation: current,
      winner: null,
      limit: {
        kind: 'missing-data',
        from: winner.recommendation!,
        to: current,
        detail: `no scale-in while ${missing.map((r) => r.policy).join(', ')} lack data`,
      },
    };
  }
  if (ins.length < voters.length) {
    const holding = voters.filter((r) => r.recommendation! >= current).map((r) => r.policy);
    return {
      recommendation: current,
      winner: null,
      limit: {
        kind: 'disagreement',
        from: winner.recommendation!,
        to: current,
        detail: `scale-in needs every policy to agree; ${holding.join(', ')} keep ${current}`,
      },
    };
  }
  return { recommendation: winner.recommendation!, winner: winner.policy };
}

/**
 * The scaling decision for one moment: pure, so the same input always gives the same decision,
 * and the simulator replays exactly what the scaling function would have done.
 *
 * Each metric is read, each policy recommends, {@link combine} merges the votes, the bounds clamp
 * the result (the recommendation the engine remembers), and the {@link DECISION_LIMITS} apply in
 * order. Every limit that changed the outcome is recorded in the explanation.
 */
export function decide(input: DecideInput): ScalingDecision {
  const { now, group, policy } = input;
  const current = group.desiredCapacity;
  const dryRun = input.dryRun ?? policy.dryRun;
  const bounds = effectiveBounds(group, policy, now);

  const names = [...new Set([...policy.targetTracking, ...policy.step].map((p) => p.metric))];
  const readings = new Map<string, MetricReading>(
    names.map((name) => [name, readMetric(name, input.metrics, group, policy, now)]),
  );
  const tracked = policy.targetTracking.map((p) => {
    const reading = readings.get(p.metric)!;
    if (!p.leading || reading.status !== 'ok') return reading;
    const settings = {
      windowSeconds: policy.metrics.windowSeconds,
      warmupSeconds: policy.warmupSeconds,
      calibrationSeconds: p.leading.calibrationSeconds,
    };
    return leadReading(reading, input.metrics, p.leading, group, settings, now);
  });
  const recommendations: PolicyRecommendation[] = [
    ...policy.targetTracking.map((p, i) => recommendTargetTracking(p, tracked[i]!, current)),
    ...policy.step.map((p) => recommendStep(p, readings.get(p.metric)!, current)),
    ...scheduledRecommendations(policy, now),
  ];

  const limits: Limit[] = [];
  const combined = combine(recommendations, current);
  if (combined.limit) limits.push(combined.limit);
  const context = { input, current, bounds, recommendation: combined.recommendation };
  const recommendation = applyLimits([boundsLimit], combined.recommendation, context, limits);
  const desired = applyLimits(DECISION_LIMITS, recommendation, { ...context, recommendation }, limits);

  const inService = group.instances.filter((i) => i.lifecycleState === 'InService');
  const instances = {
    inService: inService.length,
    pending: group.instances.filter((i) => i.lifecycleState === 'Pending').length,
    warmingUp: inService.filter((i) => isWarmingUp(i, policy.warmupSeconds, now)).length,
  };
  const parts = {
    current,
    bounds,
    instances,
    metrics: [...readings.values(), ...tracked.filter((r) => r.status === 'ok' && r.lead !== undefined)],
    policies: recommendations,
    winner: combined.winner,
    limits,
  };
  return {
    time: now,
    current,
    desired,
    direction: directionOf(current, desired),
    recommendation,
    saturated: combined.recommendation > bounds.max,
    dryRun,
    explanation: { ...parts, summary: summarise(parts, desired, dryRun) },
  };
}
