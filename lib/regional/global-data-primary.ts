import { Stack } from 'aws-cdk-lib';
import { CfnGlobalReplicationGroup } from 'aws-cdk-lib/aws-elasticache';
import { CfnGlobalCluster, type DatabaseCluster, DatabaseSecret } from 'aws-cdk-lib/aws-rds';
import { Construct } from 'constructs';
import type { PlatformCache } from '../platform/cache';

export interface GlobalDataPrimaryProps {
  /** The platform name: the global cluster is `<name>-ha-global`, the datastore's suffix `<name>-ha-cache`. */
  readonly platformName: string;
  /** The primary region's Aurora cluster, which becomes the global database's writer. */
  readonly cluster: DatabaseCluster;
  /** The primary region's Redis group, which becomes the Global Datastore's primary. */
  readonly cache: PlatformCache;
  /** Where the secondary cluster, the secondary cache group and the replicated secrets live. */
  readonly standbyRegion: string;
  /** @default true */
  readonly deletionProtection?: boolean;
}

/**
 * The primary region's half of the cross-region data tier: an Aurora Global Database around the
 * existing cluster, an ElastiCache Global Datastore around the existing Redis group, and replicas
 * of the database and cache secrets in the standby region, so the standby fleet signs in with the
 * same credentials after a switch. The standby stack adds the secondary members.
 */
export class GlobalDataPrimary extends Construct {
  readonly globalCluster: CfnGlobalCluster;
  readonly globalClusterIdentifier: string;
  /** `arn:<partition>:rds::<account>:global-cluster:<id>`: global clusters have no region. */
  readonly globalClusterArn: string;
  readonly globalReplicationGroup: CfnGlobalReplicationGroup;
  /** The Global Datastore's id: a per-region prefix ElastiCache assigns, then the suffix. */
  readonly globalReplicationGroupId: string;
  /** `arn:<partition>:elasticache::<account>:globalreplicationgroup:<id>` */
  readonly globalReplicationGroupArn: string;

  constructor(scope: Construct, id: string, props: GlobalDataPrimaryProps) {
    super(scope, id);
    const stack = Stack.of(this);
    if (props.standbyRegion === stack.region) {
      throw new Error(
        `GlobalDataPrimary standbyRegion must differ from the stack's region, got "${props.standbyRegion}" for both.`,
      );
    }
    this.globalClusterIdentifier = `${props.platformName.toLowerCase()}-ha-global`;
    this.globalCluster = new CfnGlobalCluster(this, 'GlobalCluster', {
      globalClusterIdentifier: this.globalClusterIdentifier,
      sourceDbClusterIdentifier: props.cluster.clusterArn,
      deletionProtection: props.deletionProtection ?? true,
    });
    this.globalCluster.node.addDependency(props.cluster);
    this.globalClusterArn = `arn:${stack.partition}:rds::${stack.account}:global-cluster:${this.globalClusterIdentifier}`;

    this.globalReplicationGroup = new CfnGlobalReplicationGroup(this, 'GlobalDatastore', {
      globalReplicationGroupIdSuffix: `${props.platformName.toLowerCase()}-ha-cache`,
      globalReplicationGroupDescription: 'MisyBot HA cache across regions',
      members: [
        {
          replicationGroupId: props.cache.replicationGroupId,
          replicationGroupRegion: stack.region,
          role: 'PRIMARY',
        },
      ],
    });
    this.globalReplicationGroupId = this.globalReplicationGroup.attrGlobalReplicationGroupId;
    this.globalReplicationGroupArn = `arn:${stack.partition}:elasticache::${stack.account}:globalreplicationgroup:${this.globalReplicationGroupId}`;

    // Secrets Manager keeps each replica in sync; the region engine checks that they are before a switch.
    props.cache.authSecret.addReplicaRegion(props.standbyRegion);
    // cluster.secret is the attachment; the generated secret itself is a child of the cluster.
    const databaseSecret = props.cluster.node.findAll().find((child) => child instanceof DatabaseSecret);
    if (!(databaseSecret instanceof DatabaseSecret)) {
      throw new Error(
        'GlobalDataPrimary needs the cluster to own its generated secret, to replicate it to the standby region.',
      );
    }
    databaseSecret.addReplicaRegion(props.standbyRegion);
  }
}
