import { cooldownLimit } from '../../../../../functions/core/scaling/limits/cooldown-limit';
import { NOW, policyOf } from '../fixtures';
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

  it('ends each cooldown exactly when its time is up', () => {
    expect(
      cooldownLimit.apply(9, contextOf({ current: 6, policy, activities: [activityAgo(120, 4, 6)] })),
    ).toBeUndefined();
    expect(
      cooldownLimit.apply(3, contextOf({ current: 6, policy, activities: [activityAgo(300, 4, 6)] })),
    ).toBeUndefined();
  });

  it('counts from the latest activity, whatever order the history lists them in', () => {
    const activities = [activityAgo(10, 4, 6), activityAgo(100, 2, 4)];
    expect(cooldownLimit.apply(9, contextOf({ current: 6, policy, activities }))?.detail).toBe(
      'scale-out cooldown: 110s left after the activity at 2024-03-04T11:59:50.000Z',
    );
    expect(
      cooldownLimit.apply(9, contextOf({ current: 6, policy, activities: [...activities].reverse() }))
        ?.detail,
    ).toBe('scale-out cooldown: 110s left after the activity at 2024-03-04T11:59:50.000Z');
  });

  it('does not start a cooldown from an activity that changed nothing', () => {
    const unchanged = [activityAgo(10, 6, 6)];
    expect(cooldownLimit.apply(9, contextOf({ current: 6, policy, activities: unchanged }))).toBeUndefined();
    expect(cooldownLimit.apply(3, contextOf({ current: 6, policy, activities: unchanged }))).toBeUndefined();
  });

  it('rounds the time left up to whole seconds', () => {
    const context = contextOf({
      current: 6,
      policy,
      activities: [{ startTime: NOW - 30_500, fromCapacity: 4, toCapacity: 6 }],
    });
    expect(cooldownLimit.apply(9, context)?.detail).toBe(
      'scale-out cooldown: 90s left after the activity at 2024-03-04T11:59:29.500Z',
    );
  });

  it('holds nothing when the target is the current capacity', () => {
    expect(
      cooldownLimit.apply(6, contextOf({ current: 6, policy, activities: [activityAgo(10, 4, 6)] })),
    ).toBeUndefined();
  });

  it("counts the engine's own recorded changes when the group's history lacks them", () => {
    const context = contextOf({ current: 6, policy });
    const withRecord = {
      ...context,
      input: { ...context.input, recordedActions: [activityAgo(20, 4, 6)] },
    };
    expect(cooldownLimit.apply(9, withRecord)).toEqual({
      to: 6,
      detail: 'scale-out cooldown: 100s left after the activity at 2024-03-04T11:59:40.000Z',
    });
  });
});
