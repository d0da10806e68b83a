import type { Activity } from '@aws-sdk/client-auto-scaling';
import type { ScalingActivity } from '../../../core/scaling/types';

/**
 * Reads desired-capacity changes and instance launches out of `DescribeScalingActivities`.
 *
 * The API has no from/to fields: the change is only in the `Cause` text, e.g.
 * `At 2024-03-04T11:58:00Z a user request explicitly set group desired capacity changing the
 * desired capacity from 2 to 4.  At 2024-03-04T11:58:05Z an instance was started in response to a
 * difference between desired and actual capacity, increasing the capacity from 2 to 4.`
 * One change of 2 → 4 launches two instances and so appears in two activities with the same
 * sentence; counting both would double the change the rate limits see, so changes are keyed by
 * their own time and numbers.
 */

const DESIRED_CHANGE =
  /(?:At (\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z) [^.]*?)?changing the desired capacity from (\d+) to (\d+)/;
const LAUNCH = /^Launching a new EC2 instance: (i-[0-9a-f]+)/;

/** One parsed change, or `undefined` when the activity changed no desired capacity (a health replacement). */
export function parseDesiredChange(activity: Activity): ScalingActivity | undefined {
  const text = `${activity.Cause ?? ''} ${activity.Description ?? ''}`;
  const match = DESIRED_CHANGE.exec(text);
  if (!match) return undefined;
  const fromCapacity = Number(match[2]);
  const toCapacity = Number(match[3]);
  if (fromCapacity === toCapacity) return undefined;
  const stated = match[1] ? Date.parse(match[1]) : Number.NaN;
  const startTime = Number.isFinite(stated) ? stated : activity.StartTime?.getTime();
  if (startTime === undefined || !Number.isFinite(startTime)) return undefined;
  return { startTime, fromCapacity, toCapacity };
}

/** The instance a launch activity started, with its start time. */
export function parseLaunch(activity: Activity): { instanceId: string; time: number } | undefined {
  const match = LAUNCH.exec(activity.Description ?? '');
  const time = activity.StartTime?.getTime();
  if (!match || time === undefined) return undefined;
  return { instanceId: match[1]!, time };
}

/** The distinct desired-capacity changes among `activities`, oldest first. */
export function desiredChanges(activities: readonly Activity[]): ScalingActivity[] {
  const changes = new Map<string, ScalingActivity>();
  for (const activity of activities) {
    const change = parseDesiredChange(activity);
    if (!change) continue;
    changes.set(`${change.startTime}:${change.fromCapacity}:${change.toCapacity}`, change);
  }
  return [...changes.values()].sort((a, b) => a.startTime - b.startTime);
}
