import { percentChange, recommendStep } from '../../../../functions/core/scaling/step';
import type { MetricReading } from '../../../../functions/core/scaling/types';

const reading = (value: number, carriers = 10): MetricReading => ({
  name: 'cpu',
  status: 'ok',
  value,
  instancesUsed: carriers,
  instancesWarmingUp: 0,
  loadCarriers: carriers,
  datapoints: carriers,
});
const steps = [
  { lowerBound: 70, upperBound: 85, adjustment: 2 },
  { lowerBound: 85, adjustment: 5 },
  { upperBound: 20, adjustment: -1 },
];
const change = {
  name: 'cpu-steps',
  metric: 'cpu',
  adjustmentType: 'change' as const,
  minAdjustmentMagnitude: 1,
  steps,
};

describe('step policies', () => {
  it('applies the step whose [lower, upper) holds the metric', () => {
    expect(recommendStep(change, reading(70), 10).recommendation).toBe(12);
    expect(recommendStep(change, reading(84.9), 10).recommendation).toBe(12);
    expect(recommendStep(change, reading(85), 10).recommendation).toBe(15);
    expect(recommendStep(change, reading(19.9), 10).recommendation).toBe(9);
  });

  it('abstains without flagging missing data when no step holds the metric', () => {
    expect(recommendStep(change, reading(50), 10)).toMatchObject({
      recommendation: null,
      missingData: false,
    });
  });

  it('abstains and flags missing data when the metric is missing', () => {
    const r = recommendStep(change, { name: 'cpu', status: 'insufficient', detail: '1 of 4' }, 10);
    expect(r).toMatchObject({ recommendation: null, missingData: true });
  });

  it('adds to the in-service instances, so capacity already launching counts toward the step', () => {
    // 10 in service, 12 desired: +2 is already on its way, so the step asks to keep 12.
    expect(recommendStep(change, reading(75, 10), 12).recommendation).toBe(12);
    expect(recommendStep(change, reading(90, 10), 12).recommendation).toBe(15);
  });

  it('sets the exact capacity with adjustmentType exact, in either direction', () => {
    const exact = {
      ...change,
      adjustmentType: 'exact' as const,
      steps: [
        { lowerBound: 90, adjustment: 20 },
        { upperBound: 10, adjustment: 3 },
      ],
    };
    expect(recommendStep(exact, reading(95), 10).recommendation).toBe(20);
    expect(recommendStep(exact, reading(5), 10).recommendation).toBe(3);
  });

  it('changes by a percentage of the in-service capacity', () => {
    const percent = {
      ...change,
      adjustmentType: 'percent' as const,
      steps: [{ lowerBound: 80, adjustment: 50 }],
    };
    expect(recommendStep(percent, reading(90, 10), 10).recommendation).toBe(15);
  });

  it('never recommends a negative capacity', () => {
    const big = { ...change, steps: [{ upperBound: 20, adjustment: -50 }] };
    expect(recommendStep(big, reading(5, 3), 3).recommendation).toBe(0);
  });
});

describe('percent rounding (as EC2 Auto Scaling rounds PercentChangeInCapacity)', () => {
  it('rounds values above 1 down and values between 0 and 1 up to 1', () => {
    expect(percentChange(10, 25, 1)).toBe(2);
    expect(percentChange(2, 25, 1)).toBe(1);
  });

  it('rounds values between -1 and 0 to -1 and values below -1 up toward zero', () => {
    expect(percentChange(2, -25, 1)).toBe(-1);
    expect(percentChange(10, -25, 1)).toBe(-2);
  });

  it('applies the minimum adjustment magnitude to any non-zero change', () => {
    expect(percentChange(4, 10, 3)).toBe(3);
    expect(percentChange(4, -10, 3)).toBe(-3);
    expect(percentChange(0, 50, 3)).toBe(0);
  });
});
