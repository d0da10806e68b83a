import { ArnFormat, Stack } from 'aws-cdk-lib';
import {
  Connections,
  type IConnectable,
  type IVpc,
  Port,
  SecurityGroup,
  SubnetType,
} from 'aws-cdk-lib/aws-ec2';
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import {
  CfnDBCluster,
  CfnDBClusterParameterGroup,
  CfnDBInstance,
  CfnDBSubnetGroup,
} from 'aws-cdk-lib/aws-rds';
import { Construct } from 'constructs';
import type { DatabaseSettings } from '../../functions/shared/config';

export interface SecondaryDatabaseProps {
  readonly vpc: IVpc;
  readonly settings: DatabaseSettings;
  /** The Aurora Global Database this cluster joins as a secondary (read-only until promoted). */
  readonly globalClusterIdentifier: string;
  /** Reader instances; 0 leaves the cluster headless: storage replicated, no compute billed. */
  readonly readers: number;
}

const POSTGRES_PORT = 5432;

/**
 * The standby region's Aurora cluster: a secondary member of the global database, encrypted with
 * its own key, with the primary's parameters (TLS forced, pg_stat_statements) and IAM
 * authentication. It inherits the engine, users and data from the primary; a switchover or
 * failover makes it the writer. Headless (no instance) costs only storage and replicated writes,
 * but taking over then waits for an instance to start.
 */
export class SecondaryDatabase extends Construct {
  readonly cluster: CfnDBCluster;
  readonly key: Key;
  /** The cluster id the region engine names as the switchover target. */
  readonly clusterIdentifier: string;
  readonly clusterArn: string;
  /** The cluster (writer) endpoint: writable once the cluster is promoted. */
  readonly endpoint: string;
  readonly port = POSTGRES_PORT;
  readonly connections: Connections;

  constructor(scope: Construct, id: string, props: SecondaryDatabaseProps) {
    super(scope, id);
    const { settings } = props;
    if (props.readers < 0 || props.readers > 15 || !Number.isInteger(props.readers)) {
      throw new Error(
        `SecondaryDatabase readers must be an integer from 0 (headless) to 15, got ${props.readers}.`,
      );
    }
    const major = settings.engineVersion.split('.')[0] ?? settings.engineVersion;
    this.key = new Key(this, 'Key', {
      description: 'Encrypts the MisyBot HA Aurora secondary cluster in the standby region',
      enableKeyRotation: true,
    });
    const securityGroup = new SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'MisyBot HA Aurora secondary: only peers added with allowFrom may connect',
      allowAllOutbound: false,
    });
    this.connections = new Connections({
      securityGroups: [securityGroup],
      defaultPort: Port.tcp(POSTGRES_PORT),
    });
    const subnetGroup = new CfnDBSubnetGroup(this, 'SubnetGroup', {
      dbSubnetGroupDescription: 'MisyBot HA Aurora secondary subnets',
      subnetIds: props.vpc.selectSubnets({ subnetType: SubnetType.PRIVATE_ISOLATED }).subnetIds,
    });
    const parameterGroup = new CfnDBClusterParameterGroup(this, 'Parameters', {
      description: 'MisyBot HA Aurora secondary: the primary cluster parameters',
      family: `aurora-postgresql${major}`,
      parameters: {
        shared_preload_libraries: 'pg_stat_statements',
        'pg_stat_statements.track': 'all',
        log_min_duration_statement: String(settings.slowQueryThresholdMs),
        'rds.force_ssl': '1',
      },
    });
    this.cluster = new CfnDBCluster(this, 'Cluster', {
      engine: 'aurora-postgresql',
      engineVersion: settings.engineVersion,
      globalClusterIdentifier: props.globalClusterIdentifier,
      dbSubnetGroupName: subnetGroup.ref,
      dbClusterParameterGroupName: parameterGroup.ref,
      vpcSecurityGroupIds: [securityGroup.securityGroupId],
      port: POSTGRES_PORT,
      storageEncrypted: true,
      kmsKeyId: this.key.keyArn,
      enableIamDatabaseAuthentication: true,
      enableCloudwatchLogsExports: ['postgresql'],
      backupRetentionPeriod: settings.backupRetentionDays,
      deletionProtection: settings.deletionProtection,
      copyTagsToSnapshot: true,
    });
    this.clusterIdentifier = this.cluster.ref;
    this.clusterArn = Stack.of(this).formatArn({
      service: 'rds',
      resource: 'cluster',
      resourceName: this.clusterIdentifier,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    this.endpoint = this.cluster.attrEndpointAddress;
    for (let index = 0; index < props.readers; index++) {
      new CfnDBInstance(this, `Reader${index + 1}`, {
        dbClusterIdentifier: this.cluster.ref,
        engine: 'aurora-postgresql',
        dbInstanceClass: `db.${settings.instanceClass}`,
        promotionTier: 1,
        publiclyAccessible: false,
        autoMinorVersionUpgrade: true,
        enablePerformanceInsights: true,
        performanceInsightsKmsKeyId: this.key.keyArn,
        performanceInsightsRetentionPeriod: 7,
      });
    }
  }

  /** Lets `grantee` sign in as `user` with an IAM token once this cluster is the writer. */
  grantConnect(grantee: IGrantable, user: string): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['rds-db:connect'],
        resources: [
          Stack.of(this).formatArn({
            service: 'rds-db',
            resource: 'dbuser',
            resourceName: `${this.cluster.attrDbClusterResourceId}/${user}`,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ],
      }),
    );
  }

  /** Lets `peer` reach PostgreSQL on this cluster. */
  allowFrom(peer: IConnectable, description = 'PostgreSQL clients in the standby region'): void {
    this.connections.allowDefaultPortFrom(peer, description);
  }
}
