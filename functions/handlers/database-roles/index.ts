import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { logger, tracer } from '../../shared/powertools';
import { masterMigration, respondToCloudFormation } from './dependencies';
import { createDatabaseRolesHandler } from './handler';

/** The DatabaseRoles custom resource: the one place the master user is used. */
export const handler = middy(
  createDatabaseRolesHandler({
    migrate: masterMigration(process.env),
    respond: respondToCloudFormation,
    log: logger,
  }),
)
  .use(injectLambdaContext(logger))
  .use(tracer.middlewares);
