import type { ActionRecord, FailoverAction, Incident, Severity } from './types';

/** A `notify` step. */
export function notify(severity: Severity, subject: string, message: string): FailoverAction {
  return { kind: 'notify', severity, subject, message };
}

/** A short, stable name for an action, as it appears in alerts and logs. */
export function describeAction(action: FailoverAction): string {
  switch (action.kind) {
    case 'aurora-failover':
      return `aurora-failover → ${action.targetInstance}`;
    case 'wait-for-writer':
      return `wait-for-writer ${action.instance}`;
    case 'wait-for-instance-zone':
      return `wait-for-instance-zone ${action.zone}`;
    case 'wait-for-cache-primary':
      return `wait-for-cache-primary (away from ${action.formerPrimary})`;
    case 'verify-dns-routing':
      return `verify-dns-routing → ${action.expect}`;
    case 'notify':
      return `notify ${action.severity}`;
    default:
      return action.kind;
  }
}

/** Adds records to the incident's timeline. */
export function withRecords(incident: Incident, records: readonly ActionRecord[]): Incident {
  return { ...incident, actions: [...incident.actions, ...records] };
}

/** Closes the incident as recovered or failed at `at`, with its total time from detection. */
export function closeIncident(incident: Incident, status: 'recovered' | 'failed', at: number): Incident {
  return {
    ...incident,
    status,
    ...(status === 'recovered' ? { recoveredAt: at } : {}),
    totalMs: at - incident.detectedAt,
  };
}

/** When the last of `records` finished, or `fallback` when there are none. */
export function finishedAt(records: readonly ActionRecord[], fallback: number): number {
  if (records.length === 0) return fallback;
  return records.reduce((latest, r) => Math.max(latest, r.finishedAt), Number.NEGATIVE_INFINITY);
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

/** One line per action: what, how it ended, how long it took. */
export function describeRecords(records: readonly ActionRecord[]): string[] {
  return records.map((r) => {
    const how = r.outcome.ok
      ? 'ok'
      : `${r.outcome.failure}${'accepted' in r.outcome && r.outcome.accepted ? ' (accepted, not completed)' : ''}: ${r.outcome.message}`;
    return `${describeAction(r.action)}: ${how} in ${seconds(r.finishedAt - r.startedAt)}`;
  });
}

/**
 * The incident as an alert body: the timeline relative to detection, then each action. Sent
 * with every alert about the incident, so whoever is paged sees everything that happened.
 */
export function summarise(incident: Incident): string {
  const at = (t: number | undefined) => (t === undefined ? '—' : `+${seconds(t - incident.detectedAt)}`);
  const lines = [
    `${incident.component} ${incident.kind} ${incident.from} → ${incident.to} (${incident.trigger}: ${incident.reason})`,
    `status ${incident.status}; detected ${new Date(incident.detectedAt).toISOString()}, decided ${at(incident.decidedAt)}, switched ${at(incident.switchedAt)}, recovered ${at(incident.recoveredAt)}${incident.totalMs === undefined ? '' : `, total ${seconds(incident.totalMs)}`}`,
    ...describeRecords(incident.actions),
  ];
  return lines.join('\n');
}
