import { powertoolsHandler } from '../../shared/lambda';
import { logger } from '../../shared/powertools';
import { masterMigration, respondToCloudFormation } from './dependencies';
import { createDatabaseRolesHandler } from './handler';

/** The DatabaseRoles custom resource: the one place the master user is used. */
export const handler = powertoolsHandler(
  createDatabaseRolesHandler({
    migrate: masterMigration(process.env),
    respond: respondToCloudFormation,
    log: logger,
  }),
  { metrics: false },
);
