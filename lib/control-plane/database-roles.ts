import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { CustomResource, Duration } from 'aws-cdk-lib';
import { type IVpc, SubnetType } from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { rolesMigrationStatements } from '../../functions/core/database/roles-migration';
import type { DatabaseSettings } from '../../functions/shared/config';
import type { SeverityTopics } from '../observability/alert-topics';
import type { PlatformDatabase } from '../platform/database';
import { ControlFunction } from './control-function';

export interface DatabaseRolesProps {
  readonly vpc: IVpc;
  readonly database: PlatformDatabase;
  /** The `database` config slice: the database name and the two roles. */
  readonly settings: DatabaseSettings;
  /** Its warning topic receives the migration function's alarms. */
  readonly topics: SeverityTopics;
  readonly logRetentionDays: number;
}

/**
 * The migration step that creates the least-privilege database roles (see
 * functions/core/database/roles-migration.ts): a custom resource whose function signs in as
 * the cluster's master user, straight to the writer, and applies the idempotent statements on
 * every deploy that changes them. It is the only code with the master secret; the services and
 * the advisor log in through RDS Proxy with IAM as the roles it creates.
 */
export class DatabaseRoles extends Construct {
  readonly function: ControlFunction;
  readonly resource: CustomResource;

  constructor(scope: Construct, id: string, props: DatabaseRolesProps) {
    super(scope, id);
    const { database, settings } = props;
    const options = {
      database: settings.databaseName,
      appUser: settings.appUser,
      advisorUser: settings.advisorUser,
    };
    // A change to the statements is a change to the resource, so the migration runs again.
    const version = createHash('sha256')
      .update(rolesMigrationStatements(options).join(';\n'))
      .digest('hex')
      .slice(0, 16);

    this.function = new ControlFunction(this, 'Function', {
      entry: join(__dirname, '..', '..', 'functions', 'handlers', 'database-roles', 'index.ts'),
      serviceName: 'database-roles',
      description: 'MisyBot HA: creates the app and advisor database roles (master user, migrations only)',
      timeout: Duration.minutes(2),
      memorySize: 256,
      logRetentionDays: props.logRetentionDays,
      // CloudFormation waits for one answer; a retry would only answer twice.
      retryAttempts: 0,
      reservedConcurrentExecutions: 1,
      alarms: {
        topics: props.topics,
        severity: 'warning',
        impact: 'the database roles were not migrated, so the deploy failed',
      },
      vpc: props.vpc,
      vpcSubnets: { subnetType: SubnetType.PRIVATE_WITH_EGRESS },
      environment: {
        MASTER_SECRET_ARN: database.secret.secretArn,
        DB_HOST: database.cluster.clusterEndpoint.hostname,
        DB_PORT: String(database.port),
      },
    });
    database.secret.grantRead(this.function);
    database.cluster.connections.allowDefaultPortFrom(this.function, 'Roles migration (master user)');

    this.resource = new CustomResource(this, 'Roles', {
      serviceToken: this.function.functionArn,
      resourceType: 'Custom::DatabaseRoles',
      properties: {
        Database: options.database,
        AppUser: options.appUser,
        AdvisorUser: options.advisorUser,
        Version: version,
      },
    });
    // The writer must be up, and the migration's way in open, before it runs.
    this.resource.node.addDependency(database);
  }
}
