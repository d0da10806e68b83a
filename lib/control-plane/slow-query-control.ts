import * as path from 'node:path';
import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { type IVpc, Peer, Port, SecurityGroup, type SubnetSelection, SubnetType } from 'aws-cdk-lib/aws-ec2';
import { Rule, type Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Construct } from 'constructs';
import type { DatabaseSettings } from '../../functions/shared/config';
import type { SeverityTopics } from '../observability/alert-topics';
import type { PlatformDatabase } from '../platform/database';
import { ControlFunction } from './control-function';
import { grantPublish, grantTableItems } from './grants';

export interface SlowQueryControlProps {
  readonly vpc: IVpc;
  readonly database: PlatformDatabase;
  /** The state table (snapshots, reports, lease, event records). */
  readonly stateTable: ITable;
  /**
   * `info` gets the digests of new findings; `warning` the once-only warning when pg_stat_statements
   * or hypopg is missing, and the function's alarms.
   */
  readonly topics: SeverityTopics;
  /** The `database` config slice: the database name and `analysis` thresholds come from it. */
  readonly settings: DatabaseSettings;
  /** The fleet's maximum size, for pool sizing. */
  readonly fleetMaxCapacity: number;
  /** Reserved concurrency of the Lambdas that use the database, for pool sizing. @default 0 */
  readonly lambdaConcurrency?: number;
  /** When the analysis runs, usually `controlPlane.schedules.slowQueries` (validated by the config schema). */
  readonly schedule: Schedule;
  readonly logRetentionDays: number;
  /** MiB; the parser is WebAssembly and the advisor holds plans in memory, so keep at least 512. */
  readonly memorySize: number;
  /**
   * The database user, logged in with IAM through the proxy: the read-only advisor role the
   * migration creates (see DatabaseRoles).
   * @default settings.advisorUser
   */
  readonly databaseUser?: string;
  /** @default 5 minutes */
  readonly timeout?: Duration;
  /** @default { subnetType: SubnetType.PRIVATE_WITH_EGRESS } */
  readonly vpcSubnets?: SubnetSelection;
}

const LIBPG_QUERY_WASM = path.join(
  path.dirname(require.resolve('libpg-query/package.json')),
  'wasm',
  'libpg-query.wasm',
);

/**
 * The scheduled slow-query analysis: a function in the VPC's private subnets that reaches
 * Aurora only through RDS Proxy, with IAM authentication (`rds-db:connect` for one user on this
 * proxy) and a security group of its own that may open PostgreSQL connections to the proxy and
 * HTTPS to AWS endpoints, nothing else. It reads and writes the state table and publishes to the
 * info and warning topics.
 */
export class SlowQueryControl extends Construct {
  readonly function: ControlFunction;
  readonly securityGroup: SecurityGroup;
  readonly rule: Rule;

  constructor(scope: Construct, id: string, props: SlowQueryControlProps) {
    super(scope, id);
    for (const [name, value] of [
      ['fleetMaxCapacity', props.fleetMaxCapacity],
      ['lambdaConcurrency', props.lambdaConcurrency ?? 0],
    ] as const) {
      if (!Number.isInteger(value) || value < 0) {
        throw new Error(`${name} must be a non-negative integer, got ${value}.`);
      }
    }
    const user = props.databaseUser ?? props.settings.advisorUser;
    const { database } = props;

    this.securityGroup = new SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'MisyBot HA slow-query analysis: PostgreSQL to RDS Proxy, HTTPS to AWS endpoints',
      allowAllOutbound: false,
    });
    // DynamoDB, SNS, X-Ray and CloudWatch: VPC endpoints where the network has them, NAT otherwise.
    this.securityGroup.addEgressRule(Peer.anyIpv4(), Port.tcp(443), 'HTTPS to AWS service endpoints');

    this.function = new ControlFunction(this, 'Function', {
      entry: path.join(__dirname, '..', '..', 'functions', 'handlers', 'slow-queries', 'index.ts'),
      serviceName: 'slow-queries',
      description:
        'Scheduled pg_stat_statements analysis, hypopg-proved index advice, digest of new findings',
      timeout: props.timeout ?? Duration.minutes(5),
      memorySize: props.memorySize,
      logRetentionDays: props.logRetentionDays,
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets ?? { subnetType: SubnetType.PRIVATE_WITH_EGRESS },
      securityGroups: [this.securityGroup],
      // The SQL parser is WebAssembly that libpg-query loads from the bundle's directory.
      bundledFiles: [LIBPG_QUERY_WASM],
      // One run at a time per account as well as per lock; a second schedule tick waits its turn.
      reservedConcurrentExecutions: 1,
      alarms: {
        topics: props.topics,
        severity: 'warning',
        impact: 'slow queries are not being analysed',
      },
      // A failed or busy run releases its event record, so Lambda's retry analyses again; after
      // the retries the event rests in the failure queue, which is alarmed.
      retryAttempts: 2,
      environment: {
        STATE_TABLE: props.stateTable.tableName,
        INFO_TOPIC_ARN: props.topics.topic('info').topicArn,
        WARNING_TOPIC_ARN: props.topics.topic('warning').topicArn,
        DB_PROXY_ENDPOINT: database.proxy.endpoint,
        DB_PORT: String(database.port),
        DB_NAME: props.settings.databaseName,
        DB_USER: user,
        DB_CLUSTER_ID: database.clusterIdentifier,
        SLOW_QUERY_SETTINGS: JSON.stringify(props.settings.analysis),
        FLEET_MAX_CAPACITY: String(props.fleetMaxCapacity),
        LAMBDA_CONCURRENCY: String(props.lambdaConcurrency ?? 0),
      },
    });

    database.allowFrom(this.function, 'Slow-query analysis');
    database.proxy.grantConnect(this.function, user);
    // Items only: the function never queries an index or scans.
    grantTableItems(this.function, props.stateTable, [
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
    ]);
    grantPublish(this.function, [props.topics.topic('info'), props.topics.topic('warning')]);

    this.rule = new Rule(this, 'Schedule', {
      description: 'Runs the slow-query analysis',
      schedule: props.schedule,
      targets: [
        new LambdaFunction(this.function, {
          retryAttempts: 2,
          maxEventAge: Duration.hours(1),
          deadLetterQueue: this.function.failureQueue,
        }),
      ],
    });
  }
}
