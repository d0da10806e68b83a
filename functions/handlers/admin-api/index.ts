import { logger, metrics, tracer } from '../../shared/powertools';
import { createAdminApiHandler } from './app';
import { createAdminDeps, createClients } from './dependencies';

// Module scope: a bad environment fails the cold start naming the variable; clients are reused.
const deps = createAdminDeps(process.env, createClients(), (error, entry) =>
  logger.error('audit record left pending: the change ran but its outcome was not recorded', {
    error,
    entry,
  }),
);

/**
 * The admin API behind API Gateway (IAM auth): one middy http-router over every route, one
 * error mapper answering RFC 9457 problems, Powertools logging, tracing and metrics.
 */
export const handler = createAdminApiHandler(deps, { logger, metrics, tracer });
