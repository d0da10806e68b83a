import { intRange } from './primitives';
import * as z from './zod';

/**
 * Thresholds and bounds of the scheduled slow-query analysis (`database.analysis`). The CDK app
 * hands this slice to the function as the `SLOW_QUERY_SETTINGS` JSON, and the function parses it
 * back with this same schema, so a bad deployment fails at cold start naming the field.
 */
export const queryAnalysisSchema = z.strictObject({
  /** A query is slow at or above this mean (PgHero). @default 20 */
  minMeanMs: z._default(z.number().check(z.gte(0), z.lte(3_600_000)), 20),
  /** ... and at or above this many calls in the interval (PgHero). @default 100 */
  minCalls: z._default(intRange(1, 1_000_000_000), 100),
  /** A mean this many percent above the baseline is a regression. @default 50 */
  regressionPercent: z._default(z.number().check(z.gte(1), z.lte(100_000)), 50),
  /** Calls required in both intervals before a mean is compared. @default 10 */
  regressionMinCalls: z._default(intRange(1, 1_000_000_000), 10),
  /** ... and when the mean rose by at least this many ms (a 0.1 → 0.2 ms "doubling" is noise). @default 0.5 */
  regressionMinIncreaseMs: z._default(z.number().check(z.gte(0), z.lte(3_600_000)), 0.5),
  /** ... and the rise cost at least this many ms of database time in the interval (rise × calls). @default 1000 */
  regressionMinAddedMs: z._default(z.number().check(z.gte(0), z.lte(86_400_000)), 1000),
  /** Queries kept in the top-by-total-time list. @default 10 */
  topN: z._default(intRange(1, 100), 10),
  /** Unused indexes smaller than this are not reported. @default 1048576 (1 MiB) */
  unusedIndexMinBytes: z._default(intRange(0, Number.MAX_SAFE_INTEGER), 1024 * 1024),
  /** Recommend an index only when the planner cost drops by at least this fraction (Dexter). @default 0.5 */
  minCostReduction: z._default(z.number().check(z.gt(0), z.lte(1)), 0.5),
  /** Upper bound on hypothetical indexes tried per run. @default 100 */
  maxCandidates: z._default(intRange(1, 1000), 100),
  /** Slow queries (by total time) the advisor looks at per run. @default 20 */
  maxAdvisedQueries: z._default(intRange(1, 200), 20),
  /** `statement_timeout` of each EXPLAIN the advisor runs. @default 5000 */
  advisorStatementTimeoutMs: z._default(intRange(100, 60_000), 5000),
  /** A finding already reported within this many hours is not "new" again. @default 24 */
  findingMemoryHours: z._default(intRange(1, 24 * 90), 24),
});

/** `database.analysis` after defaults. */
export type QueryAnalysisSettings = z.output<typeof queryAnalysisSchema>;
