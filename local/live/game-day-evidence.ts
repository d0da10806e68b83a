import { stateItems } from '../views/state-table';
import type { LiveControlPlane } from './live-control-plane';

/** An admin API change as the audit log has it. */
export interface AuditView {
  readonly at: string;
  readonly actor: string;
  readonly action: string;
  readonly target: string;
  readonly result: string;
  readonly reason: string;
}

/** What a game day leaves beside the incidents: where an operator would look next. */
export interface GameDayEvidence {
  /** The slow-query digests the analysis published, oldest first. */
  readonly digests: readonly { readonly at: number; readonly subject: string; readonly message: string }[];
  /** The admin API's audit records, oldest first. */
  readonly audit: readonly AuditView[];
  /** AWS calls the functions made, and those the fault proxy throttled, per `service operation`. */
  readonly awsCalls: number;
  readonly throttled: readonly { readonly call: string; readonly count: number }[];
  /** The functions' invocations by outcome (`succeeded`, `failed`, `throttled`). */
  readonly invocations: Readonly<Record<string, number>>;
}

const text = (value: unknown): string => (value === undefined || value === null ? '' : String(value));

/** An audit item of the state table as the page and the report show it. */
export function auditView(item: Record<string, unknown>): AuditView {
  return {
    at: text(item.at),
    actor: text(item.actor),
    action: text(item.action),
    target: text(item.target),
    result: text(item.result),
    reason: text(item.reason),
  };
}

/**
 * Gathers the evidence of the game day that began at `startedAt` (real ms): the platform's
 * records are stamped with its clock, which runs at real speed during a game day.
 */
export async function gatherEvidence(live: LiveControlPlane, startedAt: number): Promise<GameDayEvidence> {
  const { platform } = live;
  const since = platform.clock.now() - (Date.now() - startedAt);
  const analysis = platform.model.fn('slow-queries').name;
  const digests = platform.sns.published
    .filter((p) => p.publisher === analysis && p.at >= since)
    .map((p) => ({ at: p.at, subject: p.subject ?? '', message: p.message }));
  const audit = (await stateItems(platform, 'AUDIT#'))
    .map(auditView)
    .filter((entry) => Date.parse(entry.at) >= since)
    .sort((a, b) => a.at.localeCompare(b.at));
  const calls = platform.calls.filter((call) => call.at >= since);
  const throttled = new Map<string, number>();
  for (const call of calls) {
    if (call.fault === undefined) continue;
    const key = `${call.service} ${call.operation}`;
    throttled.set(key, (throttled.get(key) ?? 0) + 1);
  }
  const invocations: Record<string, number> = {};
  for (const run of platform.invocations.filter((i) => i.startedAt >= since)) {
    invocations[run.outcome.status] = (invocations[run.outcome.status] ?? 0) + 1;
  }
  return {
    digests,
    audit,
    awsCalls: calls.length,
    throttled: [...throttled]
      .map(([call, count]) => ({ call, count }))
      .sort((a, b) => b.count - a.count || a.call.localeCompare(b.call)),
    invocations,
  };
}
