import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import {
  Connections,
  type IConnectable,
  type IVpc,
  Port,
  SecurityGroup,
  SubnetType,
} from 'aws-cdk-lib/aws-ec2';
import { CfnReplicationGroup, CfnSubnetGroup } from 'aws-cdk-lib/aws-elasticache';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

export interface SecondaryCacheProps {
  readonly vpc: IVpc;
  /** The Global Datastore this group joins as its secondary (read-only until failed over to). */
  readonly globalReplicationGroupId: string;
  /** Nodes: one primary-to-be and its replicas; two or more enable Multi-AZ failover here too. */
  readonly nodes: number;
  /** The primary group's port: members of a Global Datastore share it. */
  readonly port: number;
}

/**
 * The standby region's Redis group, a secondary member of the Global Datastore. The engine,
 * version, node type, TLS and AUTH come from the datastore; the group has its own subnets,
 * security group and at-rest key.
 */
export class SecondaryCache extends Construct {
  readonly replicationGroup: CfnReplicationGroup;
  readonly replicationGroupId: string;
  readonly primaryEndpoint: string;
  readonly port: number;
  readonly key: Key;
  readonly connections: Connections;

  constructor(scope: Construct, id: string, props: SecondaryCacheProps) {
    super(scope, id);
    if (props.nodes < 1 || props.nodes > 6 || !Number.isInteger(props.nodes)) {
      throw new Error(`SecondaryCache nodes must be an integer from 1 to 6, got ${props.nodes}.`);
    }
    this.port = props.port;
    this.key = new Key(this, 'Key', {
      description: 'Encrypts the MisyBot HA cache secondary group at rest',
      enableKeyRotation: true,
    });
    const securityGroup = new SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: 'MisyBot HA Redis secondary: only peers added with allowFrom may connect',
      allowAllOutbound: false,
    });
    this.connections = new Connections({ securityGroups: [securityGroup], defaultPort: Port.tcp(this.port) });
    const subnetGroup = new CfnSubnetGroup(this, 'SubnetGroup', {
      description: 'MisyBot HA Redis secondary subnets',
      subnetIds: props.vpc.selectSubnets({ subnetType: SubnetType.PRIVATE_ISOLATED }).subnetIds,
    });
    const multiAz = props.nodes > 1;
    this.replicationGroup = new CfnReplicationGroup(this, 'ReplicationGroup', {
      replicationGroupDescription: 'MisyBot HA cache, standby region',
      globalReplicationGroupId: props.globalReplicationGroupId,
      numCacheClusters: props.nodes,
      multiAzEnabled: multiAz,
      automaticFailoverEnabled: multiAz,
      cacheSubnetGroupName: subnetGroup.ref,
      securityGroupIds: [securityGroup.securityGroupId],
      kmsKeyId: this.key.keyArn,
      port: this.port,
    });
    // A secondary holds a copy of the primary's data: a final snapshot of it would add nothing.
    this.replicationGroup.applyRemovalPolicy(RemovalPolicy.DESTROY);
    Validations.of(this.replicationGroup).acknowledge(
      {
        id: 'AwsSolutions-AEC3',
        reason:
          "A Global Datastore member inherits transit and at-rest encryption from the datastore (both on, TLS required, in PlatformCache); at rest it uses this group's own key.",
      },
      {
        id: 'AwsSolutions-AEC6',
        reason:
          "A Global Datastore member inherits the primary's AUTH token; the standby fleet reads it from the secret's replica in this region.",
      },
    );
    this.replicationGroupId = this.replicationGroup.ref;
    this.primaryEndpoint = this.replicationGroup.attrPrimaryEndPointAddress;
  }

  /** Lets `peer` reach the cache port. */
  allowFrom(peer: IConnectable, description = 'Redis clients in the standby region'): void {
    this.connections.allowDefaultPortFrom(peer, description);
  }
}
