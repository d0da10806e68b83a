import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import {
  Connections,
  type IConnectable,
  type IVpc,
  Port,
  SecurityGroup,
  type SubnetSelection,
  SubnetType,
} from 'aws-cdk-lib/aws-ec2';
import { CfnParameterGroup, CfnReplicationGroup, CfnSubnetGroup } from 'aws-cdk-lib/aws-elasticache';
import { Key } from 'aws-cdk-lib/aws-kms';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { CacheSettings } from '../functions/shared/config';

export interface PlatformCacheProps {
  readonly vpc: IVpc;
  readonly settings: CacheSettings;
  /**
   * Where the nodes live; they talk only to the fleet and the control functions.
   * @default { subnetType: SubnetType.PRIVATE_ISOLATED }
   */
  readonly subnets?: SubnetSelection;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
  /** Daily snapshot window (UTC); must not overlap the maintenance window. @default '03:00-04:00' */
  readonly snapshotWindow?: string;
  /** Weekly maintenance window (UTC). @default 'sun:05:00-sun:06:00' */
  readonly maintenanceWindow?: string;
}

/** ElastiCache names a parameter family after the major version, with ".x" up to Redis 6. */
export function redisParameterFamily(engineVersion: string): string {
  const major = Number.parseInt(engineVersion.split('.')[0] ?? '', 10);
  if (!Number.isInteger(major) || major < 6) {
    throw new Error(`Redis engine version must be 6.x or later, got "${engineVersion}".`);
  }
  return major >= 7 ? `redis${major}` : `redis${major}.x`;
}

function supportsEngineLog(engineVersion: string): boolean {
  const [major = 0, minor = 0] = engineVersion.split('.').map((part) => Number.parseInt(part, 10));
  return major > 6 || (major === 6 && minor >= 2);
}

/**
 * A Redis replication group (cluster mode off: one shard, a primary and `replicas` replicas
 * spread over zones) with Multi-AZ automatic failover, TLS required, AUTH from a generated
 * secret, at-rest encryption with its own key and a non-default port. Nothing may connect
 * until {@link allowFrom} lets a peer in.
 */
export class PlatformCache extends Construct {
  readonly replicationGroup: CfnReplicationGroup;
  readonly replicationGroupId: string;
  /** Primary endpoint address; clients connect with TLS and the AUTH token. */
  readonly primaryEndpoint: string;
  readonly readerEndpoint: string;
  readonly port: number;
  /** Number of nodes (primary + replicas); CloudWatch reports per node as `<id>-00N`. */
  readonly nodeCount: number;
  readonly authSecret: Secret;
  readonly key: Key;
  readonly connections: Connections;

  constructor(scope: Construct, id: string, props: PlatformCacheProps) {
    super(scope, id);
    const { settings } = props;
    if (settings.replicas < 1) {
      throw new Error(
        `PlatformCache needs at least one replica for Multi-AZ failover, got ${settings.replicas}.`,
      );
    }
    if (props.snapshotWindow !== undefined && settings.snapshotRetentionDays === 0) {
      throw new Error(
        'PlatformCache got a snapshotWindow but settings.snapshotRetentionDays is 0, which turns snapshots off; set a retention or drop the window.',
      );
    }
    const family = redisParameterFamily(settings.engineVersion);
    this.port = settings.port;
    this.nodeCount = settings.replicas + 1;

    this.key = new Key(this, 'Key', {
      description: 'Encrypts the MisyBot HA cache at rest',
      enableKeyRotation: true,
    });
    // ElastiCache accepts only printable ASCII without / " @ in an AUTH token; dropping all
    // punctuation keeps well clear of that and 64 alphanumerics still carry ~380 bits.
    this.authSecret = new Secret(this, 'AuthToken', {
      description: 'AUTH token of the MisyBot HA Redis replication group',
      generateSecretString: { excludePunctuation: true, includeSpace: false, passwordLength: 64 },
    });
    Validations.of(this.authSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Not rotated automatically yet: Secrets Manager has no managed rotation for an ElastiCache AUTH token, and a rotation function (ModifyReplicationGroup with the ROTATE then SET strategies) is not part of the platform. Rotate by deploying a new token; only the fleet and the cache worker may read it.',
    });

    const securityGroup = new SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'MisyBot HA Redis: only peers added with allowFrom may connect',
      allowAllOutbound: false,
    });
    this.connections = new Connections({ securityGroups: [securityGroup], defaultPort: Port.tcp(this.port) });

    const subnetGroup = new CfnSubnetGroup(this, 'SubnetGroup', {
      description: 'MisyBot HA Redis subnets',
      subnetIds: props.vpc.selectSubnets(props.subnets ?? { subnetType: SubnetType.PRIVATE_ISOLATED })
        .subnetIds,
    });
    const parameterGroup = new CfnParameterGroup(this, 'ParameterGroup', {
      cacheParameterGroupFamily: family,
      description: `MisyBot HA Redis (${family}), eviction ${settings.evictionPolicy}`,
      properties: { 'maxmemory-policy': settings.evictionPolicy },
    });
    const logGroup = (name: string) =>
      new LogGroup(this, name, {
        retention: props.logRetention ?? RetentionDays.ONE_MONTH,
        removalPolicy: RemovalPolicy.RETAIN,
      });
    const slowLog = logGroup('SlowLog');
    // ElastiCache delivers the engine log from Redis 6.2 on and rejects the request on 6.0.
    const engineLog = supportsEngineLog(settings.engineVersion) ? logGroup('EngineLog') : undefined;
    const delivery = (
      logType: string,
      group: LogGroup,
    ): CfnReplicationGroup.LogDeliveryConfigurationRequestProperty => ({
      logType,
      logFormat: 'json',
      destinationType: 'cloudwatch-logs',
      destinationDetails: { cloudWatchLogsDetails: { logGroup: group.logGroupName } },
    });

    this.replicationGroup = new CfnReplicationGroup(this, 'ReplicationGroup', {
      replicationGroupDescription: 'MisyBot HA cache',
      engine: 'redis',
      engineVersion: settings.engineVersion,
      cacheNodeType: settings.nodeType,
      numCacheClusters: this.nodeCount,
      multiAzEnabled: true,
      automaticFailoverEnabled: true,
      port: this.port,
      transitEncryptionEnabled: true,
      // The mode exists from Redis 7; on 6.x transit encryption on already means TLS only.
      transitEncryptionMode: family.startsWith('redis6') ? undefined : 'required',
      atRestEncryptionEnabled: true,
      kmsKeyId: this.key.keyArn,
      authToken: this.authSecret.secretValue.unsafeUnwrap(),
      cacheParameterGroupName: parameterGroup.ref,
      cacheSubnetGroupName: subnetGroup.ref,
      securityGroupIds: [securityGroup.securityGroupId],
      snapshotRetentionLimit: settings.snapshotRetentionDays,
      snapshotWindow:
        settings.snapshotRetentionDays > 0 ? (props.snapshotWindow ?? '03:00-04:00') : undefined,
      preferredMaintenanceWindow: props.maintenanceWindow ?? 'sun:05:00-sun:06:00',
      autoMinorVersionUpgrade: true,
      logDeliveryConfigurations: [
        delivery('slow-log', slowLog),
        ...(engineLog ? [delivery('engine-log', engineLog)] : []),
      ],
    });
    this.replicationGroup.node.addDependency(slowLog, ...(engineLog ? [engineLog] : []));
    // A final snapshot when the group is deleted or replaced: the cache then restarts warm.
    this.replicationGroup.applyRemovalPolicy(RemovalPolicy.SNAPSHOT);

    this.replicationGroupId = this.replicationGroup.ref;
    this.primaryEndpoint = this.replicationGroup.attrPrimaryEndPointAddress;
    this.readerEndpoint = this.replicationGroup.attrReaderEndPointAddress;
  }

  /** Lets `peer` reach the cache port; the only way in. */
  allowFrom(peer: IConnectable, description = 'Redis clients'): void {
    this.connections.allowDefaultPortFrom(peer, description);
  }
}
