import { gunzipSync, gzipSync } from 'node:zlib';
import type { ReportedFindings } from '../../core/queries/analysis-findings';
import type { AnalysisReport, AnalysisState } from '../../core/queries/scheduled-analysis-ports';
import type { BaselineEntry } from '../../core/queries/slow-queries';
import type { StatementCounters, StatsSnapshot } from '../../core/queries/snapshot-delta';

/**
 * How slow-query state and reports are shaped to fit DynamoDB's 400 KB item limit. The run-to-run
 * state (snapshot counters, baseline, remembered findings) is gzipped JSON in one binary attribute;
 * reports stay plain attributes, so the admin API and the console can read them.
 */

type Row = [
  queryid: string,
  userid: string,
  dbid: string,
  toplevel: 0 | 1,
  calls: number,
  totalExecMs: number,
  meanExecMs: number,
  maxExecMs: number,
  stddevExecMs: number,
  rows: number,
  sharedBlksHit: number,
  sharedBlksRead: number,
];

interface EncodedState {
  readonly v: 1;
  readonly takenAt: number;
  readonly statsResetAt?: number;
  readonly rows: Row[];
  readonly baseline: Record<string, [meanMs: number, calls: number]>;
  readonly reported: ReportedFindings;
}

/** A state or report that cannot be made to fit one item, however much is cut. */
export class ItemTooLargeError extends Error {
  override readonly name = 'ItemTooLargeError';
}

const key = (e: StatementCounters) => `${e.userid}/${e.dbid}/${e.queryid}/${e.toplevel ? 't' : 'f'}`;

function payload(state: Required<Omit<AnalysisState, 'warned'>>, kept: readonly StatementCounters[]): Buffer {
  const keys = new Set(kept.map(key));
  const encoded: EncodedState = {
    v: 1,
    takenAt: state.snapshot.takenAt,
    ...(state.snapshot.statsResetAt !== undefined ? { statsResetAt: state.snapshot.statsResetAt } : {}),
    rows: kept.map((e) => [
      e.queryid,
      e.userid,
      e.dbid,
      e.toplevel ? 1 : 0,
      e.calls,
      e.totalExecMs,
      e.meanExecMs,
      e.maxExecMs,
      e.stddevExecMs,
      e.rows,
      e.sharedBlksHit,
      e.sharedBlksRead,
    ]),
    // A baseline without its snapshot entry is never compared (the entry looks new next run).
    baseline: Object.fromEntries(
      Object.entries(state.baseline)
        .filter(([k]) => keys.has(k))
        .map(([k, b]) => [k, [b.meanMs, b.calls]]),
    ),
    reported: state.reported,
  };
  return gzipSync(JSON.stringify(encoded));
}

/**
 * Encodes the state, keeping the `maxStatements` statements with the most total time and fewer if
 * the gzipped result exceeds `maxBytes`. Query texts are dropped: a diff needs only the counters,
 * and the next run reads the texts from its own snapshot. A statement left out looks new to the
 * next run, which then counts it from its creation: the price of the cap, reported by `kept`.
 * @throws {ItemTooLargeError} when not even one statement fits.
 */
export function encodeState(
  state: Required<Omit<AnalysisState, 'warned'>>,
  limits: { readonly maxStatements: number; readonly maxBytes: number },
): { readonly blob: Uint8Array; readonly kept: number; readonly total: number } {
  const sorted = [...state.snapshot.entries].sort(
    (a, b) => b.totalExecMs - a.totalExecMs || key(a).localeCompare(key(b)),
  );
  let count = Math.min(sorted.length, limits.maxStatements);
  for (;;) {
    const blob = payload(state, sorted.slice(0, count));
    if (blob.length <= limits.maxBytes) return { blob, kept: count, total: sorted.length };
    if (count === 0) {
      throw new ItemTooLargeError(
        `the slow-query state is ${blob.length} bytes gzipped with no statement in it, over the ${limits.maxBytes} byte budget`,
      );
    }
    count = Math.min(count - 1, Math.floor((count * limits.maxBytes * 0.9) / blob.length));
  }
}

/** The state stored by {@link encodeState}; snapshot entries come back with empty query texts. */
export function decodeState(
  blob: Uint8Array,
): Required<Pick<AnalysisState, 'snapshot' | 'baseline' | 'reported'>> {
  const encoded = JSON.parse(gunzipSync(blob).toString('utf8')) as EncodedState;
  const snapshot: StatsSnapshot = {
    takenAt: encoded.takenAt,
    ...(encoded.statsResetAt !== undefined ? { statsResetAt: encoded.statsResetAt } : {}),
    entries: encoded.rows.map((r) => ({
      queryid: r[0],
      userid: r[1],
      dbid: r[2],
      toplevel: r[3] === 1,
      query: '',
      calls: r[4],
      totalExecMs: r[5],
      meanExecMs: r[6],
      maxExecMs: r[7],
      stddevExecMs: r[8],
      rows: r[9],
      sharedBlksHit: r[10],
      sharedBlksRead: r[11],
    })),
  };
  const baseline: Record<string, BaselineEntry> = {};
  for (const [k, [meanMs, calls]] of Object.entries(encoded.baseline)) baseline[k] = { meanMs, calls };
  return { snapshot, baseline, reported: encoded.reported };
}

const LEVELS = [
  { list: 50, text: 2000 },
  { list: 20, text: 500 },
  { list: 5, text: 200 },
] as const;

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function trim(report: AnalysisReport, list: number, text: number): Record<string, unknown> {
  const query = <T extends { query: string }>(items: readonly T[]) =>
    items.slice(0, list).map((item) => ({ ...item, query: cut(item.query, text) }));
  return {
    ...report,
    slowQueries: query(report.slowQueries),
    topByTotalTime: query(report.topByTotalTime),
    regressions: query(report.regressions),
    recommendations: report.recommendations.slice(0, list).map((r) => ({
      ...r,
      queries: r.queries.slice(0, list).map((q) => cut(q, text)),
      queryKeys: r.queryKeys.slice(0, list),
    })),
    unusedIndexes: report.unusedIndexes
      .slice(0, list)
      .map((u) => ({ ...u, definition: cut(u.definition, text) })),
    duplicateIndexes: report.duplicateIndexes.slice(0, list),
    newFindings: report.newFindings.slice(0, list),
    advisor: {
      ...report.advisor,
      skipped: report.advisor.skipped
        .slice(0, list)
        .map((s) => ({ ...s, query: cut(s.query, text), reason: cut(s.reason, text) })),
    },
  };
}

/**
 * The report as item attributes within `maxBytes` (its JSON size, which is at least DynamoDB's
 * own count): lists are cut to their first entries (they are sorted worst first) and long query
 * texts shortened, in steps, until it fits. `counts` keeps the full list lengths either way.
 */
export function fitReport(
  report: AnalysisReport,
  maxBytes: number,
): { readonly attributes: Record<string, unknown>; readonly trimmed: boolean } {
  const plain = JSON.parse(JSON.stringify(report)) as AnalysisReport;
  const counts = {
    slowQueries: report.slowQueries.length,
    regressions: report.regressions.length,
    recommendations: report.recommendations.length,
    unusedIndexes: report.unusedIndexes.length,
    duplicateIndexes: report.duplicateIndexes.length,
    newFindings: report.newFindings.length,
  };
  const untrimmed = JSON.stringify({ ...plain, counts });
  for (const level of LEVELS) {
    const json = JSON.stringify({ ...trim(plain, level.list, level.text), counts });
    if (Buffer.byteLength(json) <= maxBytes)
      return { attributes: JSON.parse(json), trimmed: json !== untrimmed };
  }
  const { list, text } = LEVELS[LEVELS.length - 1]!;
  throw new ItemTooLargeError(
    `the slow-query report does not fit ${maxBytes} bytes even with ${list} entries per list and ${text}-character texts`,
  );
}
