import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import type { RolesMigrationOptions } from '../../adapters/postgres/roles-migration';
import type { StructuredLog } from '../../core/log';
import * as z from '../../shared/config/zod';

/** The custom resource's properties, as the DatabaseRoles construct sets them. */
export const rolesResourceSchema = z.object({
  Database: z.string().check(z.minLength(1)),
  AppUser: z.string().check(z.minLength(1)),
  AdvisorUser: z.string().check(z.minLength(1)),
});

/** What CloudFormation is told: the outcome of one request. */
export interface CustomResourceResponse {
  readonly Status: 'SUCCESS' | 'FAILED';
  readonly Reason?: string;
  readonly PhysicalResourceId: string;
  readonly StackId: string;
  readonly RequestId: string;
  readonly LogicalResourceId: string;
}

export interface DatabaseRolesDeps {
  /** Runs the migration as the master user; rejects when it could not. */
  readonly migrate: (options: RolesMigrationOptions) => Promise<readonly string[]>;
  /** Sends the response to the pre-signed URL CloudFormation waits on. */
  readonly respond: (url: string, response: CustomResourceResponse) => Promise<void>;
  readonly log: Pick<StructuredLog, 'info' | 'error'>;
}

/**
 * The database roles' migration step, as a CloudFormation custom resource: on Create and Update it
 * (re)applies the idempotent role migration, on Delete it leaves the roles and their data in
 * place. CloudFormation always gets an answer, so a failure fails the deploy (and rolls it back)
 * instead of hanging it for an hour; the reason it reads names the failure, never the credentials.
 */
export function createDatabaseRolesHandler(deps: DatabaseRolesDeps) {
  return async (event: CloudFormationCustomResourceEvent): Promise<CustomResourceResponse> => {
    const physicalId =
      event.RequestType === 'Create' ? `database-roles-${event.LogicalResourceId}` : event.PhysicalResourceId;
    const base = {
      PhysicalResourceId: physicalId,
      StackId: event.StackId,
      RequestId: event.RequestId,
      LogicalResourceId: event.LogicalResourceId,
    };
    let response: CustomResourceResponse;
    if (event.RequestType === 'Delete') {
      deps.log.info('roles kept on delete', { physicalId });
      response = { ...base, Status: 'SUCCESS' };
    } else {
      response = await migrate(event.ResourceProperties, deps, base);
    }
    await deps.respond(event.ResponseURL, response);
    return response;
  };
}

async function migrate(
  properties: unknown,
  deps: DatabaseRolesDeps,
  base: Omit<CustomResourceResponse, 'Status'>,
): Promise<CustomResourceResponse> {
  const parsed = rolesResourceSchema.safeParse(properties);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    deps.log.error('invalid resource properties', { fields });
    return { ...base, Status: 'FAILED', Reason: `Invalid DatabaseRoles properties: ${fields}` };
  }
  const options = {
    database: parsed.data.Database,
    appUser: parsed.data.AppUser,
    advisorUser: parsed.data.AdvisorUser,
  };
  try {
    const statements = await deps.migrate(options);
    deps.log.info('roles migrated', { ...options, statements: statements.length });
    return { ...base, Status: 'SUCCESS' };
  } catch (error) {
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    deps.log.error('roles migration failed', { ...options, reason });
    return { ...base, Status: 'FAILED', Reason: `Roles migration failed (${reason.slice(0, 300)})` };
  }
}
