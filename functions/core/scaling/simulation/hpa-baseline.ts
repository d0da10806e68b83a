import { scaleInLimit, scaleOutLimit, stabilise } from '../behaviour';
import type { PolicySet } from '../policy-schema';
import type { PastRecommendation } from '../types';
import type { Controller, FleetView } from './fleet';

/**
 * The Kubernetes horizontal pod autoscaler with its defaults, instances standing in for pods:
 *
 * - Sync period 15 s; tolerance 0.1 (no change while |metric/target − 1| ≤ 0.1).
 * - desired = ceil(ready × metric / target), where the metric is the mean of the ready
 *   instances' latest datapoints. On a scale-up, instances not yet ready (launching) and ready
 *   ones without a datapoint count as 0 %; on a scale-down, ones without a datapoint count as
 *   100 % of the target. If that reverses the direction or lands inside the tolerance, no change.
 * - Default behaviour: scale-up has no stabilisation and may add max(100 %, 4 instances) per
 *   15 s; scale-down takes the highest recommendation of the last 300 s and may remove 100 %
 *   per 15 s.
 *
 * The stabilisation and rate limits run through the engine's own HPA-style behaviour code.
 */
export class HpaBaseline implements Controller {
  readonly name = 'hpa';
  readonly intervalSeconds = 15;
  static readonly TOLERANCE = 0.1;
  static readonly BEHAVIOUR: PolicySet['behaviour'] = {
    scaleOut: {
      cooldownSeconds: 0,
      stabilizationWindowSeconds: 0,
      selectPolicy: 'max',
      policies: [
        { type: 'percent', value: 100, periodSeconds: 15 },
        { type: 'instances', value: 4, periodSeconds: 15 },
      ],
    },
    scaleIn: {
      cooldownSeconds: 0,
      stabilizationWindowSeconds: 300,
      selectPolicy: 'max',
      policies: [{ type: 'percent', value: 100, periodSeconds: 15 }],
    },
  };
  private readonly recommendations: PastRecommendation[] = [];

  constructor(private readonly targetCpu: number) {}

  control(view: FleetView): number {
    const current = view.desired;
    const recommendation = Math.min(view.maxCapacity, Math.max(view.minCapacity, this.recommend(view)));
    this.recommendations.push({ time: view.now, recommendation });
    while (this.recommendations.length > 0 && this.recommendations[0]!.time <= view.now - 600_000) {
      this.recommendations.shift();
    }
    const behaviour = HpaBaseline.BEHAVIOUR;
    let desired = stabilise(recommendation, current, this.recommendations, behaviour, view.now);
    if (desired > current)
      desired = Math.min(desired, scaleOutLimit(current, behaviour.scaleOut, view.activities, view.now));
    if (desired < current)
      desired = Math.max(desired, scaleInLimit(current, behaviour.scaleIn, view.activities, view.now));
    return Math.min(view.maxCapacity, Math.max(view.minCapacity, desired));
  }

  /** The replica calculator: the unstabilised recommendation. */
  private recommend(view: FleetView): number {
    const current = view.desired;
    const ready = view.instances.filter((i) => i.inServiceAt <= view.now);
    const unready = view.instances.length - ready.length;
    const latest = new Map<string, number>();
    for (const period of view.periods) for (const i of period.instances) latest.set(i.id, period.cpu);
    const measured = ready.flatMap((i) => (latest.has(i.id) ? [latest.get(i.id)!] : []));
    const missing = ready.length - measured.length;
    if (measured.length === 0) return current;
    const sum = measured.reduce((s, v) => s + v, 0);
    const ratio = sum / measured.length / this.targetCpu;
    if (missing === 0 && unready === 0) {
      if (Math.abs(ratio - 1) <= HpaBaseline.TOLERANCE) return current;
      return Math.ceil(ratio * measured.length - 1e-9);
    }
    const scaleUp = ratio > 1;
    let total = sum;
    let count = measured.length;
    if (scaleUp) {
      count += missing + unready;
    } else {
      total += missing * this.targetCpu;
      count += missing;
    }
    const newRatio = total / count / this.targetCpu;
    if (
      Math.abs(newRatio - 1) <= HpaBaseline.TOLERANCE ||
      (scaleUp && newRatio < 1) ||
      (!scaleUp && newRatio > 1)
    ) {
      return current;
    }
    return Math.ceil(newRatio * count - 1e-9);
  }
}
