import fc from 'fast-check';
import {
  type PolicySet,
  type PolicySetInput,
  parsePolicySet,
} from '../../../../functions/core/scaling/policy-schema';
import type { DecideInput, Instance, MetricSeries } from '../../../../functions/core/scaling/types';

/** Monday 2024-03-04 12:00 UTC. */
export const NOW = Date.parse('2024-03-04T12:00:00Z');
const HOUR = 3_600_000;

export function policyOf(input: Partial<PolicySetInput> = {}): PolicySet {
  return parsePolicySet({ targetTracking: [{ name: 'cpu', metric: 'cpu', target: 60 }], ...input });
}

/** `count` warmed-up in-service instances, then `warming` warming-up ones, then `pending` launching ones. */
export function instances(count: number, warming = 0, pending = 0): Instance[] {
  const list: Instance[] = [];
  for (let i = 0; i < count; i++)
    list.push({ id: `i-warm-${i}`, launchTime: NOW - HOUR, lifecycleState: 'InService' });
  for (let i = 0; i < warming; i++)
    list.push({ id: `i-new-${i}`, launchTime: NOW - 60_000, lifecycleState: 'InService' });
  for (let i = 0; i < pending; i++)
    list.push({ id: `i-pending-${i}`, launchTime: NOW - 30_000, lifecycleState: 'Pending' });
  return list;
}

/** One datapoint a minute ago per in-service instance, `value(instance)` each. */
export function seriesOf(
  name: string,
  list: readonly Instance[],
  value: (instance: Instance) => number,
): MetricSeries {
  const byInstance: Record<string, { timestamp: number; value: number }[]> = {};
  for (const instance of list) {
    if (instance.lifecycleState === 'InService')
      byInstance[instance.id] = [{ timestamp: NOW - 60_000, value: value(instance) }];
  }
  return { name, byInstance };
}

/** A decision input: `desired` warmed instances at `cpu` %, the default cpu policy, no history. */
export function inputOf(options: {
  desired: number;
  cpu?: number;
  min?: number;
  max?: number;
  policy?: PolicySet;
  warming?: number;
  pending?: number;
}): DecideInput {
  const warming = options.warming ?? 0;
  const pending = options.pending ?? 0;
  const list = instances(options.desired - warming - pending, warming, pending);
  return {
    now: NOW,
    group: {
      minCapacity: options.min ?? 1,
      maxCapacity: options.max ?? 50,
      desiredCapacity: options.desired,
      instances: list,
    },
    metrics: options.cpu === undefined ? [] : [seriesOf('cpu', list, () => options.cpu!)],
    policy: options.policy ?? policyOf(),
    recentRecommendations: [],
    activities: [],
  };
}

const ratePolicy = fc.record({
  type: fc.constantFrom('instances' as const, 'percent' as const),
  value: fc.integer({ min: 1, max: 200 }),
  periodSeconds: fc.constantFrom(15, 60, 300),
});

const direction = (cooldown: number, window: number) =>
  fc.record({
    cooldownSeconds: fc.integer({ min: 0, max: cooldown }),
    stabilizationWindowSeconds: fc.integer({ min: 0, max: window }),
    selectPolicy: fc.constantFrom('max' as const, 'min' as const, 'disabled' as const),
    policies: fc.array(ratePolicy, { maxLength: 2 }),
    maxStep: fc.option(fc.integer({ min: 1, max: 10 }), { nil: undefined }),
  });

/** Random but valid policy sets: cpu and memory target tracking, maybe a step policy. */
export const arbPolicy: fc.Arbitrary<PolicySet> = fc
  .record({
    dryRun: fc.boolean(),
    minCapacity: fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined }),
    maxCapacity: fc.option(fc.integer({ min: 5, max: 40 }), { nil: undefined }),
    warmupSeconds: fc.constantFrom(0, 120, 300),
    behaviour: fc.record({ scaleOut: direction(600, 300), scaleIn: direction(900, 900) }),
    targetTracking: fc.tuple(
      fc.record({
        target: fc.integer({ min: 10, max: 90 }),
        toleranceOut: fc.double({ min: 0, max: 0.3, noNaN: true }),
        toleranceIn: fc.double({ min: 0, max: 0.3, noNaN: true }),
        disableScaleIn: fc.boolean(),
      }),
      fc.record({
        target: fc.integer({ min: 10, max: 90 }),
        toleranceOut: fc.double({ min: 0, max: 0.3, noNaN: true }),
        toleranceIn: fc.double({ min: 0, max: 0.3, noNaN: true }),
      }),
    ),
    withStep: fc.boolean(),
    stepAdjustment: fc.integer({ min: -5, max: 5 }),
  })
  .map((p) =>
    parsePolicySet({
      dryRun: p.dryRun,
      minCapacity: p.minCapacity,
      maxCapacity: p.maxCapacity,
      warmupSeconds: p.warmupSeconds,
      behaviour: p.behaviour,
      targetTracking: [
        { name: 'cpu', metric: 'cpu', ...p.targetTracking[0] },
        { name: 'memory', metric: 'memory', ...p.targetTracking[1] },
      ],
      step: p.withStep
        ? [
            {
              name: 'cpu-step',
              metric: 'cpu',
              adjustmentType: 'change',
              steps: [{ lowerBound: 80, adjustment: p.stepAdjustment }],
            },
          ]
        : [],
    }),
  );

/**
 * Random decision inputs: a group (its desired capacity within its bounds unless `outOfBounds`),
 * warmed, warming and pending instances, cpu and memory datapoints for most instances, recent
 * activities and recommendations in the last 15 minutes.
 */
export function arbInput(outOfBounds = false): fc.Arbitrary<DecideInput> {
  return fc
    .record({
      min: fc.integer({ min: 0, max: 5 }),
      span: fc.integer({ min: 0, max: 30 }),
      offset: fc.integer({ min: 0, max: 40 }),
      warming: fc.integer({ min: 0, max: 3 }),
      pending: fc.integer({ min: 0, max: 2 }),
      policy: arbPolicy,
      cpu: fc.array(fc.option(fc.double({ min: 0, max: 150, noNaN: true }), { freq: 8 }), {
        minLength: 45,
        maxLength: 45,
      }),
      memory: fc.array(fc.option(fc.double({ min: 0, max: 100, noNaN: true }), { freq: 8 }), {
        minLength: 45,
        maxLength: 45,
      }),
      activities: fc.array(
        fc.record({
          ago: fc.integer({ min: 0, max: 900 }),
          from: fc.integer({ min: 0, max: 40 }),
          to: fc.integer({ min: 0, max: 40 }),
        }),
        { maxLength: 3 },
      ),
      recommendations: fc.array(
        fc.record({ ago: fc.integer({ min: 0, max: 900 }), value: fc.integer({ min: 0, max: 45 }) }),
        {
          maxLength: 5,
        },
      ),
    })
    .map((r) => {
      const max = r.min + r.span;
      const desired = outOfBounds ? r.offset : r.min + (r.offset % (r.span + 1));
      const pending = Math.min(r.pending, desired);
      const warming = Math.min(r.warming, desired - pending);
      const list = instances(desired - warming - pending, warming, pending);
      const series = (name: string, values: (number | null)[]): MetricSeries => {
        const byInstance: Record<string, { timestamp: number; value: number }[]> = {};
        list.forEach((instance, index) => {
          const value = values[index];
          if (instance.lifecycleState === 'InService' && value !== null && value !== undefined) {
            byInstance[instance.id] = [{ timestamp: NOW - 60_000, value }];
          }
        });
        return { name, byInstance };
      };
      return {
        now: NOW,
        group: { minCapacity: r.min, maxCapacity: max, desiredCapacity: desired, instances: list },
        metrics: [series('cpu', r.cpu), series('memory', r.memory)],
        policy: r.policy,
        recentRecommendations: r.recommendations.map((x) => ({
          time: NOW - x.ago * 1000,
          recommendation: x.value,
        })),
        activities: r.activities.map((a) => ({
          startTime: NOW - a.ago * 1000,
          fromCapacity: a.from,
          toCapacity: a.to,
        })),
      } satisfies DecideInput;
    });
}

/** True when the group's desired capacity already lies within the decision's bounds. */
export function withinBounds(input: DecideInput, bounds: { min: number; max: number }): boolean {
  return input.group.desiredCapacity >= bounds.min && input.group.desiredCapacity <= bounds.max;
}
