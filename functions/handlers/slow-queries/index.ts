import { powertoolsHandler } from '../../shared/lambda';
import { dependencies } from './dependencies';
import { createSlowQueriesHandler } from './handler';

/**
 * The scheduled slow-query analysis (EventBridge schedule → this function in the VPC → RDS Proxy).
 * See functions/core/queries/scheduled-analysis.ts for what one run does.
 */
export const handler = powertoolsHandler(createSlowQueriesHandler(dependencies));
