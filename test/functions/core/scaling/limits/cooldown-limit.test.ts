import { cooldownLimit } from '../../../../../functions/core/scaling/limits/cooldown-limit';
import { policyOf } from '../fixtures';
import { activityAgo, contextOf } from './context';

const policy = policyOf({
  behaviour: { scaleOut: { cooldownSeconds: 120 }, scaleIn: { cooldownSeconds: 300 } },
});

describe('cooldown limit', () => {
  it('holds a scale-out within the scale-out cooldown of the last scale-out, saying how long is left', () => {
    const context = contextOf({ current: 6, policy, activities: [activityAgo(30, 4, 6)] });
    expect(cooldownLimit.apply(9, context)).toEqual({
      to: 6,
      detail: 'scale-out cooldown: 90s left after the activity at 2024-03-04T11:59:30.000Z',
    });
  });

  it('lets a scale-out through right after a scale-in', () => {
    expect(
      cooldownLimit.apply(9, contextOf({ current: 6, policy, activities: [activityAgo(30, 8, 6)] })),
    ).toBeUndefined();
  });

  it('holds a scale-in within the scale-in cooldown of an activity in either direction', () => {
    const context = contextOf({ current: 6, policy, activities: [activityAgo(200, 4, 6)] });
    expect(cooldownLimit.apply(3, context)?.to).toBe(6);
    expect(
      cooldownLimit.apply(3, contextOf({ current: 6, policy, activities: [activityAgo(301, 4, 6)] })),
    ).toBeUndefined();
  });
});
