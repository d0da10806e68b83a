import type { IndexRecommendation } from './advisor/selection';
import type { Regression } from './slow-queries';
import type { StatementDelta } from './snapshot-delta';

/** Something an operator should act on: a slow query, a regression or an index to create. */
export interface Finding {
  /**
   * Stable across runs: `slow:<queryid>`, `regression:<queryid>` or `index:<CREATE INDEX ...>`.
   * The queryid, not the per-user key, so one statement run by several roles is one finding.
   */
  readonly id: string;
  readonly kind: 'slow' | 'regression' | 'index';
  /** One line for a digest. */
  readonly summary: string;
}

/** Finding id → epoch ms it was last seen, kept from run to run. */
export type ReportedFindings = Readonly<Record<string, number>>;

/** How many remembered findings a run keeps: enough for any real workload, small enough for one item. */
export const MAX_REMEMBERED_FINDINGS = 1000;

const QUERY_PREVIEW = 160;

function preview(query: string): string {
  const flat = query.replace(/\s+/g, ' ').trim();
  return flat.length > QUERY_PREVIEW ? `${flat.slice(0, QUERY_PREVIEW - 1)}…` : flat;
}

/**
 * The findings of one run, in report order, each id once. `queryIds` maps a pg_stat_statements key to
 * its queryid (regressions carry only the key); a key missing from it stands for itself.
 */
export function findingsOf(
  slowQueries: readonly StatementDelta[],
  regressions: readonly Regression[],
  recommendations: readonly IndexRecommendation[],
  queryIds: ReadonlyMap<string, string>,
): Finding[] {
  const found = new Map<string, Finding>();
  const add = (finding: Finding) => {
    if (!found.has(finding.id)) found.set(finding.id, finding);
  };
  for (const q of slowQueries) {
    add({
      id: `slow:${q.queryid}`,
      kind: 'slow',
      summary: `slow: ${q.meanMs.toFixed(1)} ms mean × ${q.calls} calls (${(q.totalMs / 1000).toFixed(1)} s total): ${preview(q.query)}`,
    });
  }
  for (const r of regressions) {
    add({
      id: `regression:${queryIds.get(r.key) ?? r.key}`,
      kind: 'regression',
      summary: `regressed +${r.increasePercent.toFixed(0)} % (${r.baselineMeanMs.toFixed(1)} → ${r.meanMs.toFixed(1)} ms mean, ${r.calls} calls, +${Math.round(r.addedMs)} ms in the interval): ${preview(r.query)}`,
    });
  }
  for (const index of recommendations) {
    add({
      id: `index:${index.sql}`,
      kind: 'index',
      summary: `index: ${index.sql}; saves ~${index.estimatedSavingsMs.toFixed(0)} ms per interval for ${index.queries.length} quer${index.queries.length === 1 ? 'y' : 'ies'}`,
    });
  }
  return [...found.values()];
}

/**
 * Splits this run's findings into the new ones (not seen within `memoryMs`) and returns the memory
 * to store: every current finding stamped `now`, older ones kept until they age out, so a finding
 * that persists run after run is reported once, and one that comes back after a quiet day again.
 */
export function rememberFindings(
  previous: ReportedFindings | undefined,
  current: readonly Finding[],
  now: number,
  memoryMs: number,
): { readonly newFindings: Finding[]; readonly reported: Record<string, number> } {
  const cutoff = now - memoryMs;
  const recent = Object.entries(previous ?? {}).filter(([, at]) => at >= cutoff && at <= now);
  const known = new Set(recent.map(([id]) => id));
  const newFindings = current.filter((finding) => !known.has(finding.id));
  const merged = new Map<string, number>(recent);
  for (const finding of current) merged.set(finding.id, now);
  const kept = [...merged.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, MAX_REMEMBERED_FINDINGS);
  return { newFindings, reported: Object.fromEntries(kept) };
}
