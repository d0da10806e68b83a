import { combine, decide } from '../../../../functions/core/scaling/decide';
import { formatExplanation } from '../../../../functions/core/scaling/explain';
import type { PolicyRecommendation } from '../../../../functions/core/scaling/types';
import { inputOf, instances, NOW, policyOf, seriesOf } from './fixtures';

const vote = (policy: string, recommendation: number | null, missingData = false): PolicyRecommendation => ({
  policy,
  kind: 'target-tracking',
  recommendation,
  missingData,
  reason: '',
});
const cpuAndMemory = policyOf({
  targetTracking: [
    { name: 'cpu', metric: 'cpu', target: 60 },
    { name: 'memory', metric: 'memory', target: 70 },
  ],
});

describe('combining policies', () => {
  it('scales out if any policy asks, to the largest ask', () => {
    expect(combine([vote('cpu', 4), vote('memory', 9), vote('rps', 7)], 5)).toEqual({
      recommendation: 9,
      winner: 'memory',
    });
  });

  it('scales in only if every voting policy agrees, to the largest (most cautious) ask', () => {
    expect(combine([vote('cpu', 3), vote('memory', 4)], 5)).toEqual({ recommendation: 4, winner: 'memory' });
  });

  it('holds when one policy wants to keep the capacity', () => {
    const result = combine([vote('cpu', 3), vote('memory', 5)], 5);
    expect(result).toMatchObject({ recommendation: 5, winner: null, limit: { kind: 'disagreement' } });
  });

  it('does not let an abstaining policy block a scale-in, but lets missing data block it', () => {
    expect(combine([vote('cpu', 3), vote('step', null)], 5).recommendation).toBe(3);
    expect(combine([vote('cpu', 3), vote('memory', null, true)], 5)).toMatchObject({
      recommendation: 5,
      limit: { kind: 'missing-data' },
    });
  });

  it('still scales out when another policy is missing its data', () => {
    expect(combine([vote('cpu', 8), vote('memory', null, true)], 5).recommendation).toBe(8);
  });

  it('holds when nobody votes', () => {
    expect(combine([vote('step', null)], 5)).toEqual({ recommendation: 5, winner: null });
  });
});

describe('decide', () => {
  it('scales out on high CPU and explains the winning formula', () => {
    const decision = decide(inputOf({ desired: 4, cpu: 90 }));
    expect(decision).toMatchObject({
      current: 4,
      desired: 6,
      direction: 'out',
      dryRun: false,
      saturated: false,
    });
    expect(decision.explanation.winner).toBe('cpu');
    expect(decision.explanation.summary).toBe(
      'scale out 4 → 6: cpu won (cpu 90 vs target 60: ceil(4 × 90 / 60) = 6)',
    );
  });

  it('scales in when CPU and memory both ask for less', () => {
    const list = instances(10);
    const input = {
      ...inputOf({ desired: 10, policy: cpuAndMemory }),
      metrics: [seriesOf('cpu', list, () => 30), seriesOf('memory', list, () => 35)],
    };
    expect(decide(input)).toMatchObject({ desired: 5, direction: 'in' });
  });

  it('does not scale in while memory is missing, and says why', () => {
    const list = instances(10);
    const input = {
      ...inputOf({ desired: 10, policy: cpuAndMemory }),
      metrics: [seriesOf('cpu', list, () => 30)],
    };
    const decision = decide(input);
    expect(decision).toMatchObject({ desired: 10, direction: 'none' });
    expect(decision.explanation.limits).toContainEqual(expect.objectContaining({ kind: 'missing-data' }));
    expect(decision.explanation.metrics).toContainEqual(
      expect.objectContaining({ name: 'memory', status: 'missing' }),
    );
  });

  it('keeps scale-out fast right after a scale-in: the cooldowns are separate', () => {
    const input = {
      ...inputOf({ desired: 4, cpu: 90 }),
      activities: [{ startTime: NOW - 10_000, fromCapacity: 6, toCapacity: 4 }],
    };
    expect(decide(input)).toMatchObject({ desired: 6, direction: 'out' });
  });

  it('blocks a scale-out during the scale-out cooldown and names the cooldown', () => {
    const input = {
      ...inputOf({ desired: 4, cpu: 90 }),
      activities: [{ startTime: NOW - 10_000, fromCapacity: 2, toCapacity: 4 }],
    };
    const decision = decide(input);
    expect(decision.direction).toBe('none');
    expect(decision.explanation.limits[0]).toMatchObject({ kind: 'cooldown', from: 6, to: 4 });
    expect(decision.explanation.limits[0]!.detail).toContain('scale-out cooldown: 50s left');
  });

  it('blocks a scale-in within the scale-in cooldown of a scale-out', () => {
    const input = {
      ...inputOf({ desired: 10, cpu: 10 }),
      activities: [{ startTime: NOW - 120_000, fromCapacity: 8, toCapacity: 10 }],
    };
    expect(decide(input).explanation.limits).toContainEqual(expect.objectContaining({ kind: 'cooldown' }));
  });

  it('leaves warming-up instances out of the average on scale-in', () => {
    // 6 warm instances at 55 % (inside the band) and 4 idle new ones: the average of all ten would be 33 %.
    const list = instances(6, 4);
    const input = {
      ...inputOf({ desired: 10 }),
      group: { minCapacity: 1, maxCapacity: 50, desiredCapacity: 10, instances: list },
      metrics: [seriesOf('cpu', list, (i) => (i.id.startsWith('i-new') ? 0 : 55))],
    };
    const decision = decide(input);
    expect(decision.direction).toBe('none');
    expect(decision.explanation.metrics[0]).toMatchObject({
      value: 55,
      instancesUsed: 6,
      instancesWarmingUp: 4,
      loadCarriers: 10,
    });
  });

  it('does not scale in while instances are still launching', () => {
    const decision = decide(inputOf({ desired: 10, cpu: 10, pending: 2 }));
    expect(decision.direction).toBe('none');
    expect(decision.explanation.limits).toContainEqual(expect.objectContaining({ kind: 'warm-up' }));
  });

  it('caps a decision at the maximum step', () => {
    const policy = policyOf({ behaviour: { scaleOut: { maxStep: 3 } } });
    const decision = decide(inputOf({ desired: 4, cpu: 150, policy }));
    expect(decision.desired).toBe(7);
    expect(decision.explanation.limits).toContainEqual(
      expect.objectContaining({ kind: 'max-step', from: 10, to: 7 }),
    );
  });

  it('reports saturation when the policies ask for more than the maximum', () => {
    const decision = decide(inputOf({ desired: 8, max: 8, cpu: 95 }));
    expect(decision).toMatchObject({ desired: 8, direction: 'none', saturated: true });
    expect(decision.explanation.limits).toContainEqual(
      expect.objectContaining({ kind: 'bounds', from: 13, to: 8 }),
    );
  });

  it("honours the policy's own floor and ceiling inside the group's", () => {
    const policy = policyOf({ minCapacity: 3, maxCapacity: 6 });
    expect(decide(inputOf({ desired: 4, cpu: 150, policy })).desired).toBe(6);
    expect(decide(inputOf({ desired: 2, cpu: 60, policy })).desired).toBe(3);
  });

  it('holds with zero capacity and no metrics instead of guessing', () => {
    const decision = decide(inputOf({ desired: 0, min: 0 }));
    expect(decision).toMatchObject({ desired: 0, direction: 'none' });
    expect(decision.explanation.metrics[0]).toMatchObject({ status: 'no-capacity' });
  });

  it('renders the explanation as text with inputs, policies and limits', () => {
    const text = formatExplanation(decide(inputOf({ desired: 8, max: 8, cpu: 95 })).explanation);
    expect(text).toContain('cpu = 95 from 8 instance(s)');
    expect(text).toContain('cpu [target-tracking] → 13');
    expect(text).toContain('bounds: 13 → 8');
  });
});

describe('the ramp headroom in a decision', () => {
  const ramp = Array.from({ length: 14 }, (_, i) => ({
    timestamp: NOW - (14 - i) * 60_000,
    value: 30_000 + 600 * i,
  }));
  const withRamp = (policy = policyOf({ behaviour: { scaleOut: { headroom: {} } } })) => {
    const input = inputOf({ desired: 10, cpu: 75, policy });
    return decide({ ...input, metrics: [...input.metrics, { name: 'requestCount', aggregate: ramp }] });
  };

  it('takes a scale-out on a rising request count 20 % past the ask and says so', () => {
    // 10 at 75 % asks ceil(10 × 75 / 60) = 13; the count rises 600 a minute on a mean of 33,900.
    const decision = withRamp();
    expect(decision.desired).toBe(16);
    expect(decision.recommendation).toBe(13);
    expect(decision.explanation.limits).toContainEqual(
      expect.objectContaining({ kind: 'headroom', from: 13, to: 16 }),
    );
    expect(formatExplanation(decision.explanation)).toContain('requestCount rising 1.8 % a minute');
  });

  it('goes exactly as far as asked without the setting', () => {
    expect(withRamp(policyOf()).desired).toBe(13);
  });
});
