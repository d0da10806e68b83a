import { scaleInLimit, scaleOutLimit, stabilise } from './behaviour';
import { activeCooldown } from './cooldown';
import { summarise } from './explain';
import { isWarmingUp, readMetric } from './metrics';
import { effectiveBounds, scheduledRecommendations } from './scheduled';
import { recommendStep } from './step';
import { recommendTargetTracking } from './target-tracking';
import type {
  DecideInput,
  Direction,
  Limit,
  MetricReading,
  PolicyRecommendation,
  ScalingDecision,
} from './types';

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

function directionOf(from: number, to: number): Direction {
  return to > from ? 'out' : to < from ? 'in' : 'none';
}

/**
 * The scaling decision for one moment: pure, so the same input always gives the same decision,
 * and the simulator replays exactly what the scaling function would have done.
 *
 * The recommendation passes, in order: the bounds, the stabilisation windows, the cooldowns,
 * launches in progress (no scale-in while instances are pending), the rate limits, the maximum
 * step, and the bounds again (which alone may move a group that sits outside them, whatever the
 * other limits say). Every limit that changed the outcome is recorded in the explanation.
 */
export function decide(input: DecideInput): ScalingDecision {
  const { now, group, policy } = input;
  const current = group.desiredCapacity;
  const dryRun = input.dryRun ?? policy.dryRun;
  const bounds = effectiveBounds(group, policy, now);
  const clamp = (value: number) => Math.min(bounds.max, Math.max(bounds.min, value));

  const names = [...new Set([...policy.targetTracking, ...policy.step].map((p) => p.metric))];
  const readings = new Map<string, MetricReading>(
    names.map((name) => [name, readMetric(name, input.metrics, group, policy, now)]),
  );
  const recommendations: PolicyRecommendation[] = [
    ...policy.targetTracking.map((p) => recommendTargetTracking(p, readings.get(p.metric)!, current)),
    ...policy.step.map((p) => recommendStep(p, readings.get(p.metric)!, current)),
    ...scheduledRecommendations(policy, now),
  ];

  const limits: Limit[] = [];
  const combined = combine(recommendations, current);
  if (combined.limit) limits.push(combined.limit);
  const recommendation = clamp(combined.recommendation);
  const saturated = combined.recommendation > bounds.max;
  if (recommendation !== combined.recommendation) {
    limits.push({
      kind: 'bounds',
      from: combined.recommendation,
      to: recommendation,
      detail: `capacity must stay within [${bounds.min}, ${bounds.max}]`,
    });
  }

  let target = stabilise(recommendation, current, input.recentRecommendations, policy.behaviour, now);
  if (target !== recommendation && directionOf(current, recommendation) !== 'none') {
    const window =
      recommendation > current
        ? policy.behaviour.scaleOut.stabilizationWindowSeconds
        : policy.behaviour.scaleIn.stabilizationWindowSeconds;
    limits.push({
      kind: 'stabilisation',
      from: recommendation,
      to: target,
      detail: `${recommendation > current ? 'lowest' : 'highest'} recommendation in the last ${window}s is ${target}`,
    });
  }

  const wanted = directionOf(current, target);
  if (wanted !== 'none') {
    const history = [...input.activities, ...(input.recordedActions ?? [])];
    const cooldown = activeCooldown(wanted, history, policy.behaviour, now);
    if (cooldown !== null) {
      limits.push({
        kind: 'cooldown',
        from: target,
        to: current,
        detail: `scale-${wanted} cooldown: ${cooldown.remainingSeconds}s left after the activity at ${new Date(cooldown.since).toISOString()}`,
      });
      target = current;
    }
  }
  if (wanted === 'in' && target < current) {
    const pending = group.instances.filter((i) => i.lifecycleState === 'Pending').length;
    if (pending > 0) {
      limits.push({
        kind: 'warm-up',
        from: target,
        to: current,
        detail: `${pending} instance(s) still launching; scale-in waits until they are in service`,
      });
      target = current;
    }
  }
  if (target > current) {
    const limit = scaleOutLimit(current, policy.behaviour.scaleOut, input.activities, now);
    if (target > limit) {
      limits.push({
        kind: 'rate-limit',
        from: target,
        to: limit,
        detail: rateDetail('out', policy.behaviour.scaleOut),
      });
      target = limit;
    }
    const step = policy.behaviour.scaleOut.maxStep;
    if (step !== undefined && target > current + step) {
      limits.push({
        kind: 'max-step',
        from: target,
        to: current + step,
        detail: `at most ${step} instance(s) per decision`,
      });
      target = current + step;
    }
  } else if (target < current) {
    const limit = scaleInLimit(current, policy.behaviour.scaleIn, input.activities, now);
    if (target < limit) {
      limits.push({
        kind: 'rate-limit',
        from: target,
        to: limit,
        detail: rateDetail('in', policy.behaviour.scaleIn),
      });
      target = limit;
    }
    const step = policy.behaviour.scaleIn.maxStep;
    if (step !== undefined && target < current - step) {
      limits.push({
        kind: 'max-step',
        from: target,
        to: current - step,
        detail: `at most ${step} instance(s) per decision`,
      });
      target = current - step;
    }
  }
  const desired = clamp(target);
  if (desired !== target) {
    limits.push({
      kind: 'bounds',
      from: target,
      to: desired,
      detail: `capacity must stay within [${bounds.min}, ${bounds.max}]`,
    });
  }

  const direction = directionOf(current, desired);
  const instances = {
    inService: group.instances.filter((i) => i.lifecycleState === 'InService').length,
    pending: group.instances.filter((i) => i.lifecycleState === 'Pending').length,
    warmingUp: group.instances.filter(
      (i) => i.lifecycleState === 'InService' && isWarmingUp(i, policy.warmupSeconds, now),
    ).length,
  };
  const parts = {
    current,
    bounds,
    instances,
    metrics: [...readings.values()],
    policies: recommendations,
    winner: combined.winner,
    limits,
  };
  return {
    time: now,
    current,
    desired,
    direction,
    recommendation,
    saturated,
    dryRun,
    explanation: { ...parts, summary: summarise(parts, desired, dryRun) },
  };
}

function rateDetail(
  direction: 'out' | 'in',
  behaviour: DecideInput['policy']['behaviour']['scaleOut'],
): string {
  if (behaviour.selectPolicy === 'disabled')
    return `scale-${direction} is disabled (selectPolicy "disabled")`;
  const rules = behaviour.policies.map(
    (p) => `${p.value}${p.type === 'percent' ? ' %' : ' instance(s)'} per ${p.periodSeconds}s`,
  );
  return `scale-${direction} rate (${behaviour.selectPolicy} of ${rules.join(', ')})`;
}
