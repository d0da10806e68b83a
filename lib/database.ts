import { Duration, Names, RemovalPolicy, Validations } from 'aws-cdk-lib';
import {
  Connections,
  type IConnectable,
  type IInterfaceVpcEndpoint,
  InstanceType,
  type IVpc,
  Port,
  SecurityGroup,
  type SubnetSelection,
  SubnetType,
} from 'aws-cdk-lib/aws-ec2';
import { Key } from 'aws-cdk-lib/aws-kms';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  AuroraPostgresEngineVersion,
  ClusterInstance,
  Credentials,
  DatabaseCluster,
  DatabaseClusterEngine,
  type DatabaseProxy,
  PerformanceInsightRetention,
} from 'aws-cdk-lib/aws-rds';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { DatabaseSettings } from '../functions/shared/config';

export interface PlatformDatabaseProps {
  readonly vpc: IVpc;
  readonly settings: DatabaseSettings;
  /** Subnets of the cluster and the proxy. @default { subnetType: SubnetType.PRIVATE_ISOLATED } */
  readonly subnets?: SubnetSelection;
  /**
   * Subnets of the secret-rotation function, which must reach Secrets Manager: through NAT,
   * or through `secretsManagerEndpoint`.
   * @default { subnetType: SubnetType.PRIVATE_WITH_EGRESS }
   */
  readonly rotationSubnets?: SubnetSelection;
  /** An interface endpoint the rotation function calls instead of the public Secrets Manager one. @default none */
  readonly secretsManagerEndpoint?: IInterfaceVpcEndpoint;
  /**
   * Cluster identifier. It is fixed at synth time so the `postgresql` log group can exist (with
   * its retention) before RDS starts writing to it.
   * @default a name derived from the construct path
   */
  readonly clusterIdentifier?: string;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
  /** @default RemovalPolicy.SNAPSHOT */
  readonly removalPolicy?: RemovalPolicy;
}

const POSTGRES_PORT = 5432;

/**
 * Aurora PostgreSQL (a writer and `settings.readers` readers) behind an RDS Proxy that requires
 * TLS and IAM authentication. Clients reach the proxy only, and only once {@link allowFrom} lets
 * them in. Slow statements are logged to CloudWatch Logs and pg_stat_statements is preloaded
 * for the slow-query analysis.
 */
export class PlatformDatabase extends Construct {
  readonly cluster: DatabaseCluster;
  readonly proxy: DatabaseProxy;
  readonly secret: ISecret;
  readonly key: Key;
  readonly clusterIdentifier: string;
  /** The proxy's side: who may open connections to the database. */
  readonly connections: Connections;
  readonly port = POSTGRES_PORT;

  constructor(scope: Construct, id: string, props: PlatformDatabaseProps) {
    super(scope, id);
    const { settings, vpc } = props;
    const { proxy } = settings;
    if (proxy.maxIdleConnectionsPercent > proxy.maxConnectionsPercent) {
      throw new Error(
        `settings.proxy.maxIdleConnectionsPercent (${proxy.maxIdleConnectionsPercent}) must not exceed settings.proxy.maxConnectionsPercent (${proxy.maxConnectionsPercent}).`,
      );
    }
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.SNAPSHOT;
    if (settings.deletionProtection && removalPolicy === RemovalPolicy.DESTROY) {
      throw new Error(
        'PlatformDatabase cannot use removalPolicy DESTROY while settings.deletionProtection is on; switch deletionProtection off to let the stack delete the cluster.',
      );
    }
    this.clusterIdentifier = props.clusterIdentifier ?? defaultClusterIdentifier(this);
    if (!/^[a-z](?!.*--)[a-z0-9-]{0,61}[a-z0-9]$/.test(this.clusterIdentifier)) {
      throw new Error(
        `clusterIdentifier must be 2-63 lower-case letters, digits or single hyphens, starting with a letter and not ending with a hyphen, got "${this.clusterIdentifier}".`,
      );
    }
    const subnets = props.subnets ?? { subnetType: SubnetType.PRIVATE_ISOLATED };
    const major = settings.engineVersion.split('.')[0] ?? settings.engineVersion;
    const instanceType = new InstanceType(settings.instanceClass);
    const insights = {
      enablePerformanceInsights: true,
      performanceInsightRetention: PerformanceInsightRetention.DEFAULT,
    };

    this.key = new Key(this, 'Key', {
      description: 'Encrypts the MisyBot HA Aurora storage and Performance Insights',
      enableKeyRotation: true,
    });
    const logGroup = new LogGroup(this, 'PostgresLog', {
      logGroupName: `/aws/rds/cluster/${this.clusterIdentifier}/postgresql`,
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const clusterSecurityGroup = new SecurityGroup(this, 'ClusterSecurityGroup', {
      vpc,
      description: 'MisyBot HA Aurora: reached by the proxy and the rotation function only',
      allowAllOutbound: false,
    });

    this.cluster = new DatabaseCluster(this, 'Cluster', {
      engine: DatabaseClusterEngine.auroraPostgres({
        version: AuroraPostgresEngineVersion.of(settings.engineVersion, major),
      }),
      clusterIdentifier: this.clusterIdentifier,
      credentials: Credentials.fromGeneratedSecret('postgres'),
      defaultDatabaseName: settings.databaseName,
      writer: ClusterInstance.provisioned('Writer', {
        instanceType,
        ...insights,
        performanceInsightEncryptionKey: this.key,
      }),
      // Tier 1 ranks the readers ahead of any later analytics replica as failover targets.
      readers: Array.from({ length: settings.readers }, (_, i) =>
        ClusterInstance.provisioned(`Reader${i + 1}`, {
          instanceType,
          promotionTier: 1,
          ...insights,
          performanceInsightEncryptionKey: this.key,
        }),
      ),
      vpc,
      vpcSubnets: subnets,
      securityGroups: [clusterSecurityGroup],
      port: POSTGRES_PORT,
      parameters: {
        shared_preload_libraries: 'pg_stat_statements',
        'pg_stat_statements.track': 'all',
        log_min_duration_statement: String(settings.slowQueryThresholdMs),
        'rds.force_ssl': '1',
      },
      iamAuthentication: true,
      storageEncrypted: true,
      storageEncryptionKey: this.key,
      ...insights,
      performanceInsightEncryptionKey: this.key,
      monitoringInterval: Duration.seconds(60),
      cloudwatchLogsExports: ['postgresql'],
      backup: { retention: Duration.days(settings.backupRetentionDays) },
      deletionProtection: settings.deletionProtection,
      removalPolicy,
      autoMinorVersionUpgrade: true,
    });
    this.cluster.node.addDependency(logGroup);
    if (!settings.deletionProtection) {
      Validations.of(this.cluster).acknowledge({
        id: 'AwsSolutions-RDS10',
        reason:
          'The configuration turns deletion protection off (database.deletionProtection: false), which the schema allows only outside the prod stage.',
      });
    }
    Validations.of(this.cluster).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole]',
      reason:
        'Enhanced Monitoring documents this AWS-managed policy as the role it needs; it only lets RDS write OS metrics to CloudWatch Logs.',
    });
    this.secret = this.cluster.secret!;

    this.cluster.addRotationSingleUser({
      automaticallyAfter: Duration.days(settings.secretRotationDays),
      vpcSubnets: props.rotationSubnets ?? { subnetType: SubnetType.PRIVATE_WITH_EGRESS },
      endpoint: props.secretsManagerEndpoint,
    });

    const proxySecurityGroup = new SecurityGroup(this, 'ProxySecurityGroup', {
      vpc,
      description: 'MisyBot HA RDS Proxy: only peers added with allowFrom may connect',
    });
    this.proxy = this.cluster.addProxy('Proxy', {
      vpc,
      vpcSubnets: subnets,
      securityGroups: [proxySecurityGroup],
      secrets: [this.secret],
      requireTLS: true,
      iamAuth: true,
      maxConnectionsPercent: proxy.maxConnectionsPercent,
      maxIdleConnectionsPercent: proxy.maxIdleConnectionsPercent,
      borrowTimeout: Duration.seconds(proxy.connectionBorrowTimeoutSeconds),
      idleClientTimeout: Duration.seconds(proxy.idleClientTimeoutSeconds),
    });
    this.connections = new Connections({
      securityGroups: [proxySecurityGroup],
      defaultPort: Port.tcp(POSTGRES_PORT),
    });
  }

  /** Lets `peer` connect to the proxy (the only way to the database for clients). */
  allowFrom(peer: IConnectable, description = 'PostgreSQL clients through RDS Proxy'): void {
    this.connections.allowDefaultPortFrom(peer, description);
  }
}

function defaultClusterIdentifier(construct: Construct): string {
  const name = Names.uniqueResourceName(construct, { maxLength: 60, separator: '-' })
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '')
    .replace(/-+/g, '-')
    .replace(/-$/, '');
  return /^[a-z]/.test(name) ? name : `db-${name}`.slice(0, 63).replace(/-$/, '');
}
