import type { StateItem } from './state-table';

/** A scaling run as the page and the game-day report show it. */
export interface DecisionView {
  /** ISO time of the decision. */
  readonly at: string;
  /** `scaled 2 → 4`, `none 2 → 2`, `failed 2 → 4`. */
  readonly action: string;
  /** The engine's one-line explanation. */
  readonly summary: string;
}

/** The scaling decisions among state-table items, oldest first, from `since` (ISO time) on. */
export function scalingDecisions(items: readonly StateItem[], since = ''): DecisionView[] {
  return items
    .filter((item) => item.pk.startsWith('SCALING#') && item.sk.startsWith('DECISION#'))
    .map((item) => ({
      at: String(item.at ?? item.sk.split('#')[1] ?? ''),
      action: `${String(item.action)} ${String(item.current ?? '?')} → ${String(item.desired ?? '?')}`,
      summary: String(item.summary ?? item.reason ?? ''),
    }))
    .filter((decision) => decision.at >= since)
    .sort((a, b) => a.at.localeCompare(b.at));
}
