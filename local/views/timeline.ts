import type { LocalPlatform } from '../platform/local-platform';
import { chatMessages, headline } from './alerts';

/** One thing that happened, at a virtual time. */
export interface TimelineEntry {
  readonly at: number;
  readonly what: string;
}

const MUTATIONS =
  /^(Set|Update|Failover|TestFailover|Modify|Put(?!Item|MetricData|Events)|Reboot|Create|Delete(?!Item))/;

/**
 * What happened during a scenario, in virtual time from `since`: the changes the functions made
 * to AWS resources (not reads or state-table writes), alarm transitions, publishes to the alert
 * topics, chat messages and failed invocations. What the e2e suite prints when an assertion fails and
 * asserts on, and what the status page and the game-day report show.
 */
export function timeline(platform: LocalPlatform, since: number): TimelineEntry[] {
  const entries: TimelineEntry[] = [];
  for (const call of platform.calls) {
    if (call.at < since || !MUTATIONS.test(call.operation) || call.service === 'dynamodb') continue;
    const params = Object.entries(call.params)
      .filter(([key]) => !['Action', 'Version'].includes(key))
      .map(([key, value]) => `${key}=${typeof value === 'object' ? JSON.stringify(value) : String(value)}`)
      .join(' ');
    entries.push({
      at: call.at,
      what: `${call.caller ?? '?'} ${call.service}:${call.operation} ${params} → ${call.status}${call.fault ? ` (${call.fault})` : ''}`,
    });
  }
  for (const t of platform.alarms.transitions) {
    if (t.at >= since) entries.push({ at: t.at, what: `alarm ${t.alarmName} ${t.from} → ${t.to}` });
  }
  for (const message of chatMessages(platform)) {
    if (message.at >= since)
      entries.push({ at: message.at, what: `${message.channel}: ${headline(message)}` });
  }
  for (const invocation of platform.invocations) {
    if (invocation.startedAt >= since && invocation.outcome.status !== 'succeeded') {
      const error = invocation.outcome.error;
      entries.push({
        at: invocation.startedAt,
        what: `${invocation.functionName} ${invocation.outcome.status}: ${error.errorType}: ${error.errorMessage.slice(0, 200)}`,
      });
    }
  }
  return entries.sort((a, b) => a.at - b.at);
}

/** The timeline as text, times as +mm:ss from `since`. */
export function formatTimeline(entries: readonly TimelineEntry[], since: number): string {
  return entries
    .map(({ at, what }) => {
      const seconds = Math.round((at - since) / 1000);
      return `+${String(Math.floor(seconds / 60)).padStart(2, '0')}:${String(seconds % 60).padStart(2, '0')} ${what}`;
    })
    .join('\n');
}
