import { decide } from '../../../../functions/core/scaling/decide';
import { effectiveBounds, isWindowActive } from '../../../../functions/core/scaling/scheduled';
import { inputOf, policyOf } from './fixtures';

const at = (iso: string) => Date.parse(iso);
const window = (start: string, end: string, extra: Record<string, unknown> = {}) =>
  policyOf({ scheduled: [{ name: 'w', start, end, minCapacity: 5, ...extra }] }).scheduled[0]!;
const group = { minCapacity: 2, maxCapacity: 20, desiredCapacity: 4, instances: [] };

describe('scheduled windows', () => {
  it('is active from start (inclusive) to end (exclusive)', () => {
    const w = window('08:00', '18:00');
    expect(isWindowActive(w, at('2024-03-04T07:59:00Z'))).toBe(false);
    expect(isWindowActive(w, at('2024-03-04T08:00:00Z'))).toBe(true);
    expect(isWindowActive(w, at('2024-03-04T17:59:00Z'))).toBe(true);
    expect(isWindowActive(w, at('2024-03-04T18:00:00Z'))).toBe(false);
  });

  it('crosses midnight when the end is before the start', () => {
    const w = window('22:00', '06:00');
    expect(isWindowActive(w, at('2024-03-04T23:30:00Z'))).toBe(true);
    expect(isWindowActive(w, at('2024-03-05T05:59:00Z'))).toBe(true);
    expect(isWindowActive(w, at('2024-03-05T06:00:00Z'))).toBe(false);
    expect(isWindowActive(w, at('2024-03-04T21:59:00Z'))).toBe(false);
  });

  it('keeps a Friday-night window active early on Saturday, but not on Friday morning', () => {
    const w = window('22:00', '06:00', { days: ['fri'] });
    expect(isWindowActive(w, at('2024-03-08T23:00:00Z'))).toBe(true); // Friday
    expect(isWindowActive(w, at('2024-03-09T03:00:00Z'))).toBe(true); // Saturday early
    expect(isWindowActive(w, at('2024-03-08T03:00:00Z'))).toBe(false); // Friday early: Thursday's night
    expect(isWindowActive(w, at('2024-03-09T23:00:00Z'))).toBe(false); // Saturday night
  });

  it('reads start and end in the window time zone', () => {
    const w = window('09:00', '10:00', { timezone: 'Europe/Madrid' });
    expect(isWindowActive(w, at('2024-03-04T08:30:00Z'))).toBe(true); // 09:30 in Madrid (UTC+1)
    expect(isWindowActive(w, at('2024-03-04T09:30:00Z'))).toBe(false);
  });

  it('raises the floor to the highest active minimum and lets the highest active maximum set the ceiling', () => {
    const policy = policyOf({
      scheduled: [
        { name: 'day', start: '08:00', end: '18:00', minCapacity: 6, maxCapacity: 12 },
        { name: 'launch', start: '11:00', end: '13:00', minCapacity: 8, maxCapacity: 15 },
        { name: 'night', start: '22:00', end: '06:00', maxCapacity: 4 },
      ],
    });
    expect(effectiveBounds(group, policy, at('2024-03-04T12:00:00Z'))).toEqual({
      min: 8,
      max: 15,
      scheduled: ['day', 'launch'],
    });
    expect(effectiveBounds(group, policy, at('2024-03-04T09:00:00Z'))).toEqual({
      min: 6,
      max: 12,
      scheduled: ['day'],
    });
    expect(effectiveBounds(group, policy, at('2024-03-04T23:00:00Z'))).toEqual({
      min: 2,
      max: 4,
      scheduled: ['night'],
    });
  });

  it("never leaves the group's own [min, max], whatever a window asks", () => {
    const policy = policyOf({ scheduled: [{ name: 'huge', start: '00:00', end: '23:59', minCapacity: 50 }] });
    expect(effectiveBounds(group, policy, at('2024-03-04T12:00:00Z'))).toMatchObject({ min: 20, max: 20 });
  });

  it('moves the group into a window that raises the minimum, even during a cooldown', () => {
    const policy = policyOf({ scheduled: [{ name: 'peak', start: '11:00', end: '13:00', minCapacity: 8 }] });
    const input = {
      ...inputOf({ desired: 4, cpu: 60, policy }),
      activities: [{ startTime: at('2024-03-04T11:59:30Z'), fromCapacity: 3, toCapacity: 4 }],
    };
    const decision = decide(input);
    expect(decision).toMatchObject({ desired: 8, direction: 'out' });
    expect(decision.explanation.limits.map((l) => l.kind)).toContain('bounds');
  });

  it('votes for a scheduled desired capacity like any other policy', () => {
    const policy = policyOf({
      scheduled: [{ name: 'warm-pool', start: '11:00', end: '13:00', desiredCapacity: 9 }],
    });
    const decision = decide(inputOf({ desired: 4, cpu: 60, policy }));
    expect(decision).toMatchObject({ desired: 9, direction: 'out' });
    expect(decision.explanation.winner).toBe('warm-pool');
  });
});
