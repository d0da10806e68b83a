import { powertoolsHandler } from '../../shared/lambda';
import { createHealthClients, createHealthDependencies } from './dependencies';
import { createHealthHandler } from './handler';
import { readHealthSettings } from './settings';

// Module scope: a bad environment fails the cold start, naming the variable and field.
const settings = readHealthSettings(process.env);
const lambdaHandler = createHealthHandler(createHealthDependencies(settings, createHealthClients()));

/** The scheduled health-check function (EventBridge rule, every minute by default). */
export const handler = powertoolsHandler(lambdaHandler);
