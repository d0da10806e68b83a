import { defaultPolicyInput } from '../../../../functions/core/scaling/default-policy';
import { metricNames, metricReadSeconds } from '../../../../functions/core/scaling/policy-metrics';
import { parsePolicySet } from '../../../../functions/core/scaling/policy-schema';

const minimal = { targetTracking: [{ name: 'cpu', metric: 'cpu', target: 60 }] };

describe('policy metrics', () => {
  it("reads the ramp headroom's load count, and far enough back to fit the ramp", () => {
    const policy = parsePolicySet({
      ...minimal,
      behaviour: { scaleOut: { headroom: { load: 'requestsTotal' } } },
    });
    expect(metricNames(policy)).toEqual(['cpu', 'requestsTotal']);
    expect(metricReadSeconds(policy)).toBe(900);
  });

  it("reads the leading signal's counts too, and far enough back to calibrate", () => {
    const policy = parsePolicySet(defaultPolicyInput);
    expect(metricNames(policy)).toEqual(['cpu', 'memory', 'requestCount', 'requestsPerTarget']);
    expect(metricReadSeconds(policy)).toBe(1800);
    expect(metricReadSeconds(parsePolicySet(minimal))).toBe(300);
  });
});
