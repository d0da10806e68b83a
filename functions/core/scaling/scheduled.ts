import { type PolicySet, type ScheduledWindow, WEEKDAYS } from './policy-schema';
import type { GroupState, PolicyRecommendation } from './types';

/** The capacity range a decision must land in, and the windows that shaped it. */
export interface Bounds {
  readonly min: number;
  readonly max: number;
  readonly scheduled: readonly string[];
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function localTime(now: number, timeZone: string): { day: number; minutes: number } {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, formatter);
  }
  let weekday = 'sun';
  let hour = 0;
  let minute = 0;
  for (const part of formatter.formatToParts(new Date(now))) {
    if (part.type === 'weekday') weekday = part.value.toLowerCase().slice(0, 3);
    else if (part.type === 'hour') hour = Number(part.value);
    else if (part.type === 'minute') minute = Number(part.value);
  }
  return { day: WEEKDAYS.indexOf(weekday as (typeof WEEKDAYS)[number]), minutes: hour * 60 + minute };
}

function clockMinutes(clock: string): number {
  const [hours, minutes] = clock.split(':').map(Number);
  return hours! * 60 + minutes!;
}

/**
 * Whether a window is active at `now`. A window whose end is earlier than its start crosses
 * midnight; its `days` name the day it starts on, so Friday 22:00-06:00 is still active early on
 * Saturday.
 */
export function isWindowActive(window: ScheduledWindow, now: number): boolean {
  const { day, minutes } = localTime(now, window.timezone);
  const start = clockMinutes(window.start);
  const end = clockMinutes(window.end);
  const startsOn = (d: number) => window.days === undefined || window.days.includes(WEEKDAYS[(d + 7) % 7]!);
  if (start < end) return startsOn(day) && minutes >= start && minutes < end;
  return (minutes >= start && startsOn(day)) || (minutes < end && startsOn(day - 1));
}

/**
 * The range a decision must land in. The group's own [min, max] is a hard limit (the Auto Scaling
 * API rejects anything outside it); inside it the policy's floor and ceiling apply, then the
 * active windows: the highest scheduled minimum raises the floor, the highest scheduled maximum
 * sets the ceiling. Where a floor and a ceiling cross, the floor wins: availability first.
 */
export function effectiveBounds(group: GroupState, policy: PolicySet, now: number): Bounds {
  const hardMin = group.minCapacity;
  const hardMax = Math.max(group.maxCapacity, group.minCapacity);
  const active = policy.scheduled.filter((window) => isWindowActive(window, now));
  const mins = active.flatMap((w) => (w.minCapacity === undefined ? [] : [w.minCapacity]));
  const maxes = active.flatMap((w) => (w.maxCapacity === undefined ? [] : [w.maxCapacity]));
  let max = Math.min(hardMax, policy.maxCapacity ?? hardMax);
  if (maxes.length > 0) max = Math.min(hardMax, Math.max(...maxes));
  const min = Math.min(hardMax, Math.max(hardMin, policy.minCapacity ?? hardMin, ...mins));
  return {
    min,
    max: Math.max(min, max),
    scheduled: active
      .filter((w) => w.minCapacity !== undefined || w.maxCapacity !== undefined)
      .map((w) => w.name),
  };
}

/** Active windows that set a desired capacity vote for it like any other policy. */
export function scheduledRecommendations(policy: PolicySet, now: number): PolicyRecommendation[] {
  return policy.scheduled
    .filter((window) => window.desiredCapacity !== undefined && isWindowActive(window, now))
    .map((window) => ({
      policy: window.name,
      kind: 'scheduled' as const,
      recommendation: window.desiredCapacity!,
      missingData: false,
      reason: `scheduled ${window.start}-${window.end} ${window.timezone}${window.days ? ` on ${window.days.join(',')}` : ''}: desired ${window.desiredCapacity}`,
    }));
}
