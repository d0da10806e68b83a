import type { DirectionBehaviour, PolicySet } from '../policy-schema';
import type { Bounds } from '../scheduled';
import type { DecideInput, Direction, Limit } from '../types';

/** What every limit may look at: the decision's input and what was settled before the limits. */
export interface LimitContext {
  readonly input: DecideInput;
  /** The group's desired capacity, where every decision starts. */
  readonly current: number;
  readonly bounds: Bounds;
  /** The policies' combined recommendation, within the bounds: what the engine remembers. */
  readonly recommendation: number;
}

/** A limit's verdict: the capacity it allows instead, and why. */
export interface LimitChange {
  readonly to: number;
  readonly detail: string;
}

/**
 * One rule on the way from the recommendation to the decision, in the style of a cdk-nag rule:
 * pure, one concern, a name the explanation shows. It returns `undefined` when it leaves the
 * target alone.
 */
export interface LimitRule {
  readonly kind: Limit['kind'];
  apply(target: number, context: LimitContext): LimitChange | undefined;
}

/** The behaviour (cooldown, windows, rates, steps) of a scaling direction. */
export function behaviourFor(direction: 'out' | 'in', policy: PolicySet): DirectionBehaviour {
  return direction === 'out' ? policy.behaviour.scaleOut : policy.behaviour.scaleIn;
}

/** Where `to` lies from `from`. */
export function directionOf(from: number, to: number): Direction {
  return to > from ? 'out' : to < from ? 'in' : 'none';
}

/**
 * Runs `rules` in order from `start`, recording in `limits` each one that changed the target.
 * @returns the target the last rule left.
 */
export function applyLimits(
  rules: readonly LimitRule[],
  start: number,
  context: LimitContext,
  limits: Limit[],
): number {
  let target = start;
  for (const rule of rules) {
    const change = rule.apply(target, context);
    if (change === undefined || change.to === target) continue;
    limits.push({ kind: rule.kind, from: target, to: change.to, detail: change.detail });
    target = change.to;
  }
  return target;
}
