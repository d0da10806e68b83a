import { RemovalPolicy, Token } from 'aws-cdk-lib';
import {
  AttributeType,
  Billing,
  type ITableV2,
  ProjectionType,
  TableEncryptionV2,
  TableV2,
} from 'aws-cdk-lib/aws-dynamodb';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { StateTable } from '../control-plane/state-table';

export interface GlobalStateTableProps {
  /** The standby region, where DynamoDB keeps a replica of every item. */
  readonly replicaRegion: string;
  /**
   * The customer-managed key the replica is encrypted with: an ARN (or alias ARN) in
   * `replicaRegion`, created before this table (see StandbyKeyStack).
   */
  readonly replicaKeyArn: string;
  /** @default true */
  readonly deletionProtection?: boolean;
}

/**
 * The state table as a DynamoDB global table (version 2019.11.21): the same keys, TTL, index and
 * customer-managed encryption as {@link StateTable}, replicated to the standby region so the
 * region failover engine there reads the incidents, silences and audit trail of the primary.
 *
 * Replication is last-writer-wins per item, so a conditional write is only atomic within one
 * region. Leases and failover state therefore have one writing region each: the components'
 * items are written by the primary region's functions, the `region` component's by the standby
 * region's only (docs/region-failover.md, "Locks across regions").
 */
export class GlobalStateTable extends Construct {
  readonly table: ITableV2;
  readonly key: Key;

  constructor(scope: Construct, id: string, props: GlobalStateTableProps) {
    super(scope, id);
    // An ARN built from tokens (the partition, a cross-stack reference) is only known at deploy time.
    if (!Token.isUnresolved(props.replicaKeyArn) && !/^arn:aws[a-z-]*:kms:/.test(props.replicaKeyArn)) {
      throw new Error(
        `GlobalStateTable replicaKeyArn must be a KMS key or alias ARN, got "${props.replicaKeyArn}".`,
      );
    }
    const deletionProtection = props.deletionProtection ?? true;
    this.key = new Key(this, 'Key', {
      description: 'Encrypts the MisyBot HA state table (global table, primary region)',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.table = new TableV2(this, 'Table', {
      partitionKey: { name: StateTable.PARTITION_KEY, type: AttributeType.STRING },
      sortKey: { name: StateTable.SORT_KEY, type: AttributeType.STRING },
      billing: Billing.onDemand(),
      timeToLiveAttribute: StateTable.TTL_ATTRIBUTE,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryptionV2.customerManagedKey(this.key, {
        [props.replicaRegion]: props.replicaKeyArn,
      }),
      deletionProtection,
      removalPolicy: RemovalPolicy.RETAIN,
      replicas: [{ region: props.replicaRegion, deletionProtection }],
      globalSecondaryIndexes: [
        {
          indexName: StateTable.GSI1,
          partitionKey: { name: StateTable.GSI1_PARTITION_KEY, type: AttributeType.STRING },
          sortKey: { name: StateTable.GSI1_SORT_KEY, type: AttributeType.STRING },
          projectionType: ProjectionType.ALL,
        },
      ],
    });
  }
}
