import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultPolicyInput } from '../../../../functions/core/scaling/default-policy';
import { PolicyError, parsePolicySet } from '../../../../functions/core/scaling/policy-schema';

const minimal = { targetTracking: [{ name: 'cpu', metric: 'cpu', target: 60 }] };
function problems(input: unknown): readonly string[] {
  try {
    parsePolicySet(input, 'policy.json');
  } catch (error) {
    expect(error).toBeInstanceOf(PolicyError);
    expect((error as PolicyError).name).toBe('PolicyError');
    expect((error as Error).message).toContain('policy.json');
    return (error as PolicyError).problems;
  }
  throw new Error('expected the policy to be rejected');
}

describe('policy schema', () => {
  it('fills in the documented defaults', () => {
    const policy = parsePolicySet(minimal);
    expect(policy).toMatchObject({
      dryRun: false,
      warmupSeconds: 300,
      metrics: { windowSeconds: 300, minCoverage: 0.5 },
      behaviour: {
        scaleOut: { cooldownSeconds: 60, stabilizationWindowSeconds: 0, selectPolicy: 'max', policies: [] },
        scaleIn: { cooldownSeconds: 300, stabilizationWindowSeconds: 300 },
      },
    });
    expect(policy.targetTracking[0]).toMatchObject({
      toleranceOut: 0.05,
      toleranceIn: 0.1,
      disableScaleIn: false,
    });
  });

  it('rejects unknown fields, naming them and where they are', () => {
    expect(problems({ ...minimal, cooldown: 5 })).toContain('(root): unknown field "cooldown"');
    expect(
      problems({ targetTracking: [{ name: 'cpu', metric: 'cpu', target: 60, threshold: 1 }] }),
    ).toContain('targetTracking[0]: unknown field "threshold"');
  });

  it('rejects min > max naming both fields', () => {
    expect(problems({ ...minimal, minCapacity: 8, maxCapacity: 4 })).toContain(
      'maxCapacity: must be ≥ minCapacity (8), got 4',
    );
  });

  it('names the field and the value of a wrong type', () => {
    expect(problems({ targetTracking: [{ name: 'cpu', metric: 'cpu', target: 'high' }] })).toContain(
      'targetTracking[0].target: expected number, got "high"',
    );
  });

  it('rejects a policy set without any policy', () => {
    expect(problems({})).toContain(
      '(root): must declare at least one policy in targetTracking, step or scheduled, got none',
    );
  });

  it('rejects overlapping steps and duplicate names', () => {
    const step = {
      name: 'cpu',
      metric: 'cpu',
      adjustmentType: 'change',
      steps: [
        { lowerBound: 60, upperBound: 80, adjustment: 1 },
        { lowerBound: 70, adjustment: 2 },
      ],
    };
    const found = problems({ ...minimal, step: [step] });
    expect(found).toContain('step[0].name: must be unique, got "cpu" twice');
    expect(found).toContain(
      'step[0].steps[1].lowerBound: must not overlap steps[0] (which ends at 80), got 70',
    );
  });

  it('rejects bad scheduled windows: bad clock, unknown zone, nothing set, min > max', () => {
    const found = problems({
      scheduled: [
        { name: 'a', start: '8:00', end: '18:00', minCapacity: 2 },
        { name: 'b', start: '08:00', end: '18:00', timezone: 'Mars/Olympus' },
        { name: 'c', start: '08:00', end: '18:00', minCapacity: 5, maxCapacity: 3 },
      ],
    });
    expect(found).toContain('scheduled[0].start: must be a 24-hour time "HH:MM" such as "08:30", got "8:00"');
    expect(found).toContain(
      'scheduled[1].timezone: must be an IANA time zone such as "UTC" or "Europe/Madrid", got "Mars/Olympus"',
    );
    expect(found).toContain('scheduled[1]: must set minCapacity, maxCapacity or desiredCapacity, got none');
    expect(found).toContain('scheduled[2].maxCapacity: must be ≥ scheduled[2].minCapacity (5), got 3');
  });

  it('fills in the leading signal, the baseline hold and the large-drop window with their defaults', () => {
    const policy = parsePolicySet({
      targetTracking: [{ name: 'cpu', metric: 'cpu', target: 60, leading: {} }],
      behaviour: { scaleIn: { baselineHold: {}, largeDrop: {} } },
    });
    expect(policy.targetTracking[0]!.leading).toEqual({
      load: 'requestCount',
      loadPerTarget: 'requestsPerTarget',
      extrapolate: true,
      burstRise: 0.35,
      calibrationSeconds: 1800,
    });
    expect(policy.behaviour.scaleIn).toMatchObject({
      baselineHold: { windowSeconds: 7200, holdSeconds: 2700, quantile: 0.1, keepPercent: 50 },
      largeDrop: { percent: 40, stabilizationWindowSeconds: 120 },
    });
  });

  it('rejects out-of-range leading, hold and step settings, naming each field', () => {
    const found = problems({
      targetTracking: [{ name: 'cpu', metric: 'cpu', target: 60, leading: { burstRise: 0, load: '9x' } }],
      behaviour: {
        scaleOut: { minStepPercent: 0 },
        scaleIn: { baselineHold: { keepPercent: 120 }, largeDrop: { percent: 100 } },
      },
    });
    expect(found.map((p) => p.split(':')[0])).toEqual(
      expect.arrayContaining([
        'targetTracking[0].leading.load',
        'targetTracking[0].leading.burstRise',
        'behaviour.scaleOut.minStepPercent',
        'behaviour.scaleIn.baselineHold.keepPercent',
        'behaviour.scaleIn.largeDrop.percent',
      ]),
    );
  });

  it('fills in the ramp headroom and names its out-of-range fields', () => {
    const policy = parsePolicySet({
      ...minimal,
      behaviour: { scaleOut: { headroom: { load: 'requestsTotal' } } },
    });
    expect(policy.behaviour.scaleOut.headroom).toEqual({
      percent: 20,
      load: 'requestsTotal',
      windowSeconds: 900,
      minRisePercentPerMinute: 1,
      maxRisePercentPerMinute: 6,
      maxJumpPercent: 10,
    });
    const found = problems({
      ...minimal,
      behaviour: { scaleOut: { headroom: { percent: 0, windowSeconds: 60 } } },
    });
    expect(found.map((p) => p.split(':')[0])).toEqual([
      'behaviour.scaleOut.headroom.percent',
      'behaviour.scaleOut.headroom.windowSeconds',
    ]);
  });

  it('accepts the default policy, and bench/policies/default.json is the same policy', () => {
    expect(() => parsePolicySet(defaultPolicyInput)).not.toThrow();
    const bench = JSON.parse(
      readFileSync(join(__dirname, '../../../../bench/policies/default.json'), 'utf8'),
    );
    expect(bench).toEqual(defaultPolicyInput);
  });
});
