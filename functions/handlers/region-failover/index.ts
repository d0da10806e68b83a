import { powertoolsHandler } from '../../shared/lambda';
import { logger, tracer } from '../../shared/powertools';
import { parseRegionEnvironment } from './config';
import { createRegionDeps } from './dependencies';
import { createRegionHandler } from './handler';

// Built once per container: a bad environment fails the cold start with every problem named.
const config = parseRegionEnvironment(process.env);

const lambdaHandler = createRegionHandler({
  deps: createRegionDeps(config, (client) => tracer.captureAWSv3Client(client)),
  settings: config.settings,
  log: logger,
});

/**
 * The region failover function, in the standby region: the schedule's observation every minute,
 * and status, switchover, failover, failback and drill commands from the CLI (direct invoke).
 */
export const handler = powertoolsHandler(lambdaHandler, { metrics: false });
