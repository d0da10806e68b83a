import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import type { StructuredLog } from '../../core/log';
import type { MetricsSink } from '../../core/metrics-sink';
import {
  runScheduledAnalysis,
  type ScheduledAnalysisDeps,
  type ScheduledAnalysisOutcome,
  type ScheduledAnalysisSettings,
} from '../../core/queries/scheduled-analysis';
import { rejectedRun, writeRunRecord } from '../../core/runs/run-log';
import * as z from '../../shared/config/zod';
import { InputError } from '../../shared/errors';
import type { SlowQueriesConfig } from './config';

/** What the handler needs besides the event: wired once per execution environment in dependencies.ts. */
export interface SlowQueriesHandlerDeps {
  readonly analysis: Omit<ScheduledAnalysisDeps, 'log'>;
  readonly logger: StructuredLog;
  /** Powertools `Metrics` in the function; a recorder in tests. */
  readonly metrics: MetricsSink;
  readonly config: Pick<SlowQueriesConfig, 'fleetMaxCapacity' | 'lambdaConcurrency'> & {
    readonly analysis: ScheduledAnalysisSettings;
    readonly clusterId: string;
  };
  readonly clock: () => number;
}

/**
 * An EventBridge scheduled event. `detail.dryRun: true` (a manual `aws lambda invoke` with a custom
 * event) analyses and logs without storing or notifying.
 */
const eventSchema = z.object({
  id: z.string().check(z.minLength(1, 'must be the EventBridge event id')),
  'detail-type': z.string(),
  detail: z.optional(z.looseObject({ dryRun: z.optional(z.boolean()) })),
});

/** A short result for the invocation record; the report itself is in the state table. */
export interface SlowQueriesResult {
  readonly status: ScheduledAnalysisOutcome['status'];
  /** Why a run was skipped. */
  readonly reason?: string;
  readonly slowQueries?: number;
  readonly regressions?: number;
  readonly recommendations?: number;
  readonly newFindings?: number;
  readonly digestSent?: boolean;
}

/** The lock outlives the invocation by this much, so a frozen-then-thawed run cannot overlap a new one. */
const LEASE_MARGIN_MS = 60_000;

/** The event's work is not done; the invocation fails so Lambda retries it, then parks it in the failure queue. */
export class SlowQueriesRunError extends Error {
  override readonly name = 'SlowQueriesRunError';
}

/**
 * Builds the Lambda handler body: validate the event, run one analysis, write its run record and
 * metrics. A run whose work is not done (failed, busy) fails the invocation for Lambda's retry.
 */
export function createSlowQueriesHandler(deps: SlowQueriesHandlerDeps) {
  return async (event: unknown, context: Context): Promise<SlowQueriesResult> => {
    const parsed = eventSchema.safeParse(event);
    if (!parsed.success) {
      const fields = parsed.error.issues.map((i) => `${i.path.join('.') || '(event)'}: ${i.message}`);
      const error = new InputError(`not an EventBridge scheduled event: ${fields.join('; ')}`);
      writeRunRecord(
        deps.logger,
        deps.metrics,
        rejectedRun('slow-queries', context.awsRequestId, error.message, deps.clock(), true),
      );
      throw error;
    }
    const { config } = deps;
    const now = deps.clock();
    const remainingMs = context.getRemainingTimeInMillis();
    const { outcome, record } = await runScheduledAnalysis(
      { ...deps.analysis, log: deps.logger },
      {
        eventId: parsed.data.id,
        cluster: config.clusterId,
        owner: context.awsRequestId,
        now,
        leaseMs: remainingMs + LEASE_MARGIN_MS,
        deadline: now + remainingMs,
        settings: config.analysis,
        pool: { fleetMaxSize: config.fleetMaxCapacity, lambdaConcurrency: config.lambdaConcurrency },
        dryRun: parsed.data.detail?.dryRun ?? false,
      },
    );
    writeRunRecord(deps.logger, deps.metrics, record, { cluster: config.clusterId, eventId: parsed.data.id });
    if (record.event === 'retry')
      throw new SlowQueriesRunError(`slow-query run ${record.eventKey}: ${record.reason}`);
    if (outcome.status === 'skipped') return { status: outcome.status, reason: outcome.reason };
    if (outcome.status !== 'analysed') return { status: outcome.status };
    const { report } = outcome;
    deps.metrics.addDimension('ClusterIdentifier', config.clusterId);
    deps.metrics.addMetric('SlowQueryCount', MetricUnit.Count, report.slowQueries.length);
    deps.metrics.addMetric('WorstMeanMs', MetricUnit.Milliseconds, report.worstMeanMs);
    deps.metrics.addMetric('RegressionCount', MetricUnit.Count, report.regressions.length);
    deps.metrics.addMetric('IndexRecommendationCount', MetricUnit.Count, report.recommendations.length);
    return {
      status: outcome.status,
      slowQueries: report.slowQueries.length,
      regressions: report.regressions.length,
      recommendations: report.recommendations.length,
      newFindings: report.newFindings.length,
      digestSent: outcome.digestSent,
    };
  };
}
