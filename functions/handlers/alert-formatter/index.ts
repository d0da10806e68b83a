import { powertoolsHandler } from '../../shared/lambda';
import { createFormatterDependencies } from './dependencies';
import { createFormatterHandler } from './handler';
import { readFormatterSettings } from './settings';

// Module scope: a bad environment fails the cold start, naming the variable.
const lambdaHandler = createFormatterHandler(createFormatterDependencies(readFormatterSettings(process.env)));

/** Posts alert-topic messages to Slack and Teams (SNS subscription, asynchronous invocation). */
export const handler = powertoolsHandler(lambdaHandler);
