import * as z from 'zod';
import { int } from './primitives';

/**
 * Thresholds and bounds of the scheduled slow-query analysis (`database.analysis`). The CDK app
 * hands this slice to the function as the `SLOW_QUERY_SETTINGS` JSON, and the function parses it
 * back with this same schema, so a bad deployment fails at cold start naming the field.
 */
export const queryAnalysisSchema = z.strictObject({
  /** A query is slow at or above this mean (PgHero). @default 20 */
  minMeanMs: z.number().min(0).max(3_600_000).default(20),
  /** ... and at or above this many calls in the interval (PgHero). @default 100 */
  minCalls: int(1, 1_000_000_000).default(100),
  /** A mean this many percent above the baseline is a regression. @default 50 */
  regressionPercent: z.number().min(1).max(100_000).default(50),
  /** Calls required in both intervals before a mean is compared. @default 10 */
  regressionMinCalls: int(1, 1_000_000_000).default(10),
  /** Queries kept in the top-by-total-time list. @default 10 */
  topN: int(1, 100).default(10),
  /** Unused indexes smaller than this are not reported. @default 1048576 (1 MiB) */
  unusedIndexMinBytes: int(0, Number.MAX_SAFE_INTEGER).default(1024 * 1024),
  /** Recommend an index only when the planner cost drops by at least this fraction (Dexter). @default 0.5 */
  minCostReduction: z.number().gt(0).max(1).default(0.5),
  /** Upper bound on hypothetical indexes tried per run. @default 100 */
  maxCandidates: int(1, 1000).default(100),
  /** Slow queries (by total time) the advisor looks at per run. @default 20 */
  maxAdvisedQueries: int(1, 200).default(20),
  /** `statement_timeout` of each EXPLAIN the advisor runs. @default 5000 */
  advisorStatementTimeoutMs: int(100, 60_000).default(5000),
  /** A finding already reported within this many hours is not "new" again. @default 24 */
  findingMemoryHours: int(1, 24 * 90).default(24),
});

/** `database.analysis` after defaults. */
export type QueryAnalysisSettings = z.output<typeof queryAnalysisSchema>;
