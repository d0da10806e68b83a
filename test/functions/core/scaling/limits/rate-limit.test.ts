import { rateLimit } from '../../../../../functions/core/scaling/limits/rate-limit';
import { policyOf } from '../fixtures';
import { activityAgo, contextOf } from './context';

const policy = policyOf({
  behaviour: {
    scaleOut: { policies: [{ type: 'instances', value: 2, periodSeconds: 60 }] },
    scaleIn: { policies: [{ type: 'percent', value: 50, periodSeconds: 300 }] },
  },
});

describe('rate limit', () => {
  it('trims a scale-out to the instances the period still allows, naming the rule', () => {
    expect(rateLimit.apply(10, contextOf({ current: 4, policy }))).toEqual({
      to: 6,
      detail: 'scale-out rate (max of 2 instance(s) per 60s)',
    });
    expect(
      rateLimit.apply(10, contextOf({ current: 5, policy, activities: [activityAgo(30, 4, 5)] }))?.to,
    ).toBe(6);
  });

  it('trims a scale-in to the share of the capacity the period allows', () => {
    expect(rateLimit.apply(1, contextOf({ current: 10, policy }))).toEqual({
      to: 5,
      detail: 'scale-in rate (max of 50 % per 300s)',
    });
  });

  it('holds a direction whose selectPolicy is disabled', () => {
    const disabled = policyOf({ behaviour: { scaleIn: { selectPolicy: 'disabled' } } });
    expect(rateLimit.apply(1, contextOf({ current: 10, policy: disabled }))).toEqual({
      to: 10,
      detail: 'scale-in is disabled (selectPolicy "disabled")',
    });
  });

  it('leaves a change within the rate alone', () => {
    expect(rateLimit.apply(6, contextOf({ current: 4, policy }))).toBeUndefined();
    expect(rateLimit.apply(5, contextOf({ current: 10, policy }))).toBeUndefined();
  });
});
