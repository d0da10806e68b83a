import { powertoolsHandler } from '../../shared/lambda';
import { logger, metrics, tracer } from '../../shared/powertools';
import { parseFailoverEnvironment } from './config';
import { createFailoverClients, createFailoverWiring } from './dependencies';
import { createFailoverHandler } from './handle';

// Built once per container: a bad environment fails the cold start with every problem named,
// and the SDK clients keep their connections across invocations.
const config = parseFailoverEnvironment(process.env);
const clients = createFailoverClients((client) => tracer.captureAWSv3Client(client));

const lambdaHandler = createFailoverHandler(createFailoverWiring(config, clients, { log: logger, metrics }));

/**
 * The failover function: health verdicts, alarm state changes and the schedule from
 * EventBridge, and manual failover, failback and drills from the admin API (direct invoke).
 */
export const handler = powertoolsHandler(lambdaHandler);
