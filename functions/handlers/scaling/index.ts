import { powertoolsHandler } from '../../shared/lambda';
import { createScalingClients, createScalingHandlerDeps } from './dependencies';
import { createScalingHandler } from './handler';
import { readScalingSettings } from './settings';

// Module scope: a bad environment fails the cold start, naming the variable (and policy field);
// the SDK clients keep their connections across invocations.
const settings = readScalingSettings(process.env);

const lambdaHandler = createScalingHandler(createScalingHandlerDeps(settings, createScalingClients()));

/**
 * The scaling function: an EventBridge schedule (every minute), CloudWatch alarm state changes,
 * and the admin API's "evaluate" (direct invoke).
 */
export const handler = powertoolsHandler(lambdaHandler);
