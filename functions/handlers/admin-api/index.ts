import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { RunMetric } from '../../core/runs/run-log';
import { logger, metrics, tracer } from '../../shared/powertools';
import { createAdminApiHandler } from './app';
import { createAdminDeps, createClients } from './dependencies';

// Module scope: a bad environment fails the cold start naming the variable; clients are reused.
const deps = createAdminDeps(
  process.env,
  createClients(),
  (error, entry) =>
    logger.error('audit record left pending: the change ran but its outcome was not recorded', {
      error,
      entry,
    }),
  (error, lease) => {
    // The change stands; the lease lapses at its end. Counted for lib/observability/run-alarms.ts.
    logger.error('lease not released after the change it guarded', { error, lease });
    metrics.singleMetric().addMetric(RunMetric.lockReleaseFailures, MetricUnit.Count, 1);
  },
);

/**
 * The admin API behind API Gateway (IAM auth): one middy http-router over every route, one
 * error mapper answering RFC 9457 problems, Powertools logging, tracing and metrics.
 */
export const handler = createAdminApiHandler(deps, { logger, metrics, tracer });
