import fc from 'fast-check';
import { decide } from '../../../../functions/core/scaling/decide';
import type { DecideInput, MetricSeries } from '../../../../functions/core/scaling/types';
import { arbInput, withinBounds } from './fixtures';

const runs = { numRuns: 400 };

describe('decide: safety properties', () => {
  it('always lands within [min, max], even from a group outside its bounds', () => {
    fc.assert(
      fc.property(arbInput(true), (input) => {
        const decision = decide(input);
        const { min, max } = decision.explanation.bounds;
        expect(decision.desired).toBeGreaterThanOrEqual(min);
        expect(decision.desired).toBeLessThanOrEqual(max);
        expect(decision.desired).toBeGreaterThanOrEqual(input.group.minCapacity);
        expect(decision.desired).toBeLessThanOrEqual(input.group.maxCapacity);
        if (input.policy.maxCapacity !== undefined && input.group.minCapacity <= input.policy.maxCapacity) {
          expect(decision.desired).toBeLessThanOrEqual(input.policy.maxCapacity);
        }
      }),
      runs,
    );
  });

  it('is deterministic: the same input gives the same decision', () => {
    fc.assert(
      fc.property(arbInput(true), (input) => {
        expect(decide(input)).toEqual(decide(structuredClone(input)));
      }),
      runs,
    );
  });

  it('never scales out within the scale-out cooldown of the last scale-out', () => {
    fc.assert(
      fc.property(arbInput(), fc.integer({ min: 0, max: 599 }), (input, ago) => {
        fc.pre(ago < input.policy.behaviour.scaleOut.cooldownSeconds);
        const withActivity: DecideInput = {
          ...input,
          activities: [
            ...input.activities,
            { startTime: input.now - ago * 1000, fromCapacity: 1, toCapacity: 2 },
          ],
        };
        const decision = decide(withActivity);
        if (withinBounds(input, decision.explanation.bounds)) expect(decision.direction).not.toBe('out');
      }),
      runs,
    );
  });

  it('never scales in within the scale-in cooldown of the last activity in either direction', () => {
    fc.assert(
      fc.property(arbInput(), fc.integer({ min: 0, max: 899 }), fc.boolean(), (input, ago, wasOut) => {
        fc.pre(ago < input.policy.behaviour.scaleIn.cooldownSeconds);
        const activity = {
          startTime: input.now - ago * 1000,
          fromCapacity: wasOut ? 1 : 3,
          toCapacity: wasOut ? 3 : 1,
        };
        const decision = decide({ ...input, activities: [...input.activities, activity] });
        if (withinBounds(input, decision.explanation.bounds)) expect(decision.direction).not.toBe('in');
      }),
      runs,
    );
  });

  it('ignores the datapoints of warming-up instances: changing them never changes the decision', () => {
    fc.assert(
      fc.property(arbInput(), fc.double({ min: 0, max: 1000, noNaN: true }), (input, other) => {
        const warming = new Set(
          input.group.instances
            .filter(
              (i) =>
                i.lifecycleState === 'InService' &&
                input.now - i.launchTime < input.policy.warmupSeconds * 1000,
            )
            .map((i) => i.id),
        );
        const metrics: MetricSeries[] = input.metrics.map((series) => ({
          ...series,
          byInstance: Object.fromEntries(
            Object.entries(series.byInstance ?? {}).map(([id, points]) => [
              id,
              warming.has(id) ? points.map((p) => ({ ...p, value: other })) : points,
            ]),
          ),
        }));
        expect(decide({ ...input, metrics })).toEqual(decide(input));
      }),
      runs,
    );
  });

  it('never scales in while a metric a policy needs is missing', () => {
    fc.assert(
      fc.property(arbInput(), fc.constantFrom('cpu', 'memory'), (input, dropped) => {
        const decision = decide({ ...input, metrics: input.metrics.filter((s) => s.name !== dropped) });
        if (withinBounds(input, decision.explanation.bounds)) expect(decision.direction).not.toBe('in');
      }),
      runs,
    );
  });

  it('never reverses a direction because data went missing: it can only hold where it would have acted', () => {
    fc.assert(
      fc.property(arbInput(), fc.constantFrom('cpu', 'memory'), (input, dropped) => {
        const full = decide(input);
        const partial = decide({ ...input, metrics: input.metrics.filter((s) => s.name !== dropped) });
        expect(['none', full.direction]).toContain(partial.direction);
      }),
      runs,
    );
  });

  it('never scales in when too few instances report (insufficient data)', () => {
    fc.assert(
      fc.property(arbInput(), (input) => {
        // Keep only one reporting instance per metric, below the 50 % coverage of larger groups.
        const metrics = input.metrics.map((series) => {
          const [first] = Object.entries(series.byInstance ?? {});
          return { ...series, byInstance: first ? { [first[0]]: first[1] } : {} };
        });
        const policy = { ...input.policy, metrics: { ...input.policy.metrics, minCoverage: 0.5 } };
        const warmed = input.group.instances.filter(
          (i) => i.lifecycleState === 'InService' && input.now - i.launchTime >= policy.warmupSeconds * 1000,
        ).length;
        fc.pre(warmed >= 3);
        const decision = decide({ ...input, policy, metrics });
        if (withinBounds(input, decision.explanation.bounds)) expect(decision.direction).not.toBe('in');
      }),
      runs,
    );
  });

  it('never moves more than the maximum step per decision', () => {
    fc.assert(
      fc.property(arbInput(), (input) => {
        const decision = decide(input);
        fc.pre(withinBounds(input, decision.explanation.bounds));
        const { scaleOut, scaleIn } = input.policy.behaviour;
        if (decision.direction === 'out' && scaleOut.maxStep !== undefined) {
          expect(decision.desired - decision.current).toBeLessThanOrEqual(scaleOut.maxStep);
        }
        if (decision.direction === 'in' && scaleIn.maxStep !== undefined) {
          expect(decision.current - decision.desired).toBeLessThanOrEqual(scaleIn.maxStep);
        }
      }),
      runs,
    );
  });

  it('dry-run changes nothing but the flag (and marks the summary)', () => {
    fc.assert(
      fc.property(arbInput(true), (input) => {
        const live = decide({ ...input, dryRun: false });
        const dry = decide({ ...input, dryRun: true });
        expect(dry.dryRun).toBe(true);
        expect(live.dryRun).toBe(false);
        const { explanation: liveExplanation, dryRun: _a, ...liveRest } = live;
        const { explanation: dryExplanation, dryRun: _b, ...dryRest } = dry;
        expect(dryRest).toEqual(liveRest);
        expect({ ...dryExplanation, summary: '' }).toEqual({ ...liveExplanation, summary: '' });
        expect(dryExplanation.summary).toBe(`[dry run] ${liveExplanation.summary}`);
      }),
      runs,
    );
  });

  it('scales in only when every voting policy asks for less capacity', () => {
    fc.assert(
      fc.property(arbInput(), (input) => {
        const decision = decide(input);
        if (!withinBounds(input, decision.explanation.bounds) || decision.direction !== 'in') return;
        for (const policy of decision.explanation.policies) {
          expect(policy.missingData).toBe(false);
          if (policy.recommendation !== null) expect(policy.recommendation).toBeLessThan(decision.current);
        }
      }),
      runs,
    );
  });

  it('scales out whenever a policy asks and nothing limits it', () => {
    fc.assert(
      fc.property(arbInput(), (input) => {
        const decision = decide(input);
        const asks = decision.explanation.policies.some(
          (p) => p.recommendation !== null && p.recommendation > decision.current,
        );
        if (asks && decision.explanation.limits.length === 0) expect(decision.direction).toBe('out');
      }),
      runs,
    );
  });
});
