import {
  MAX_RECOMMENDATION,
  proportional,
  recommendTargetTracking,
} from '../../../../functions/core/scaling/target-tracking';
import type { MetricReading } from '../../../../functions/core/scaling/types';

const ok = (value: number, carriers = 4): MetricReading => ({
  name: 'cpu',
  status: 'ok',
  value,
  instancesUsed: carriers,
  instancesWarmingUp: 0,
  loadCarriers: carriers,
  datapoints: carriers,
});
const policy = {
  name: 'cpu',
  metric: 'cpu',
  target: 60,
  toleranceOut: 0.1,
  toleranceIn: 0.2,
  disableScaleIn: false,
};

describe('proportional formula', () => {
  it('asks for ceil(carriers × value / target) above the band', () => {
    expect(proportional(4, 90, 60, 0.1, 0.1, 4)).toMatchObject({
      band: 'above',
      needed: 6,
      recommendation: 6,
    });
  });

  it('keeps the capacity exactly at the target', () => {
    expect(proportional(4, 60, 60, 0, 0, 4)).toMatchObject({ band: 'inside', recommendation: 4 });
  });

  it('keeps the capacity on both edges of the tolerance band and acts just outside them', () => {
    expect(proportional(10, 66, 60, 0.1, 0.2, 10).band).toBe('inside');
    expect(proportional(10, 48, 60, 0.1, 0.2, 10).band).toBe('inside');
    expect(proportional(10, 66.1, 60, 0.1, 0.2, 10)).toMatchObject({ band: 'above', recommendation: 12 });
    expect(proportional(10, 47.9, 60, 0.1, 0.2, 10)).toMatchObject({ band: 'below', recommendation: 8 });
  });

  it('does not round an exact division up: 3 × 70 / 70 is 3', () => {
    expect(proportional(3, 70, 70, 0, 0, 2).needed).toBe(3);
  });

  it('asks for zero on a zero metric, leaving the floor to the bounds', () => {
    expect(proportional(5, 0, 60, 0.1, 0.1, 5)).toMatchObject({ band: 'below', recommendation: 0 });
  });

  it('treats a negative metric as zero', () => {
    expect(proportional(5, -30, 60, 0.1, 0.1, 5).recommendation).toBe(0);
  });

  it('caps a huge or infinite metric at a finite recommendation', () => {
    expect(proportional(5, 1e300, 60, 0.1, 0.1, 5).recommendation).toBe(MAX_RECOMMENDATION);
    expect(proportional(5, Number.POSITIVE_INFINITY, 60, 0.1, 0.1, 5).recommendation).toBe(
      MAX_RECOMMENDATION,
    );
  });

  it('never asks for less than the current capacity above the band (launches in progress count)', () => {
    // 4 in service at 70 % need 5, but 8 are already on their way.
    expect(proportional(4, 70, 60, 0.05, 0.1, 8)).toMatchObject({
      band: 'above',
      needed: 5,
      recommendation: 8,
    });
  });

  it('never asks for more than the current capacity below the band', () => {
    expect(proportional(12, 40, 60, 0.05, 0.1, 6).recommendation).toBe(6);
  });
});

describe('target-tracking policy', () => {
  it('abstains and flags missing data when its metric cannot be read', () => {
    const r = recommendTargetTracking(policy, { name: 'cpu', status: 'missing', detail: 'no series' }, 4);
    expect(r).toMatchObject({ recommendation: null, missingData: true });
    expect(r.reason).toContain('missing');
  });

  it('abstains with zero capacity: no in-service instance, nothing to measure', () => {
    const r = recommendTargetTracking(
      policy,
      { name: 'cpu', status: 'no-capacity', detail: 'none in service' },
      0,
    );
    expect(r).toMatchObject({ recommendation: null, missingData: true });
  });

  it('explains the formula it used', () => {
    expect(recommendTargetTracking(policy, ok(90), 4).reason).toBe(
      'cpu 90 vs target 60: ceil(4 × 90 / 60) = 6',
    );
  });

  it('takes no part in scale-in decisions when scale-in is disabled, but still scales out', () => {
    const disabled = { ...policy, disableScaleIn: true };
    expect(recommendTargetTracking(disabled, ok(10), 4)).toMatchObject({
      recommendation: null,
      missingData: false,
    });
    expect(recommendTargetTracking(disabled, ok(60), 4).recommendation).toBeNull();
    expect(recommendTargetTracking(disabled, ok(90), 4).recommendation).toBe(6);
  });
});
