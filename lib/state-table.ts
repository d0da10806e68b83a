import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

export interface StateTableProps {
  /**
   * Refuses `DeleteTable` (from the console, the CLI or a stack update) until switched off.
   * @default true
   */
  readonly deletionProtection?: boolean;
  /**
   * What happens to the table and its key when they leave the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The control plane's single DynamoDB table. Keys are generic strings so every item type shares
 * one table, one backup and one key; the items, their keys, guards and TTLs are listed in
 * docs/architecture.md ("The state table"), and each store in functions/adapters/aws says its own.
 *
 * - Current state lives at a fixed `sk` (`STATE`, `LOCK`) so a guarded write is one
 *   `PutItem`/`UpdateItem` with a condition on a `version` (or lease) attribute: no lost
 *   update, no double failover. History sorts by time under the same `pk`.
 * - `gsi1` is for "latest N of a type across partitions" (`gsi1pk = type`, `gsi1sk` descending).
 *   Only items that carry `gsi1pk` are projected (sparse index), and the control plane writes a
 *   few items a minute, so one partition per type is far from hot.
 * - TTL deletion is lazy (up to days late): readers compare `expiresAt` (epoch seconds) with
 *   their clock, and a lock's condition checks the lease, never the item's mere presence.
 *
 * Encryption uses a customer-managed key rather than the AWS-owned default: the table holds the
 * audit trail, so decrypt rights are granted explicitly per role and show up in CloudTrail per
 * key, and the key can be disabled to freeze the data in an incident.
 */
export class StateTable extends Construct {
  static readonly PARTITION_KEY = 'pk';
  static readonly SORT_KEY = 'sk';
  static readonly TTL_ATTRIBUTE = 'expiresAt';
  static readonly GSI1 = 'gsi1';
  static readonly GSI1_PARTITION_KEY = 'gsi1pk';
  static readonly GSI1_SORT_KEY = 'gsi1sk';

  readonly table: Table;
  readonly key: Key;

  constructor(scope: Construct, id: string, props: StateTableProps = {}) {
    super(scope, id);
    const deletionProtection = props.deletionProtection ?? true;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    if (deletionProtection && removalPolicy === RemovalPolicy.DESTROY) {
      throw new Error(
        'StateTable cannot use removalPolicy DESTROY while deletionProtection is on: CloudFormation would fail to delete the table; switch deletionProtection off to let the stack remove it.',
      );
    }

    this.key = new Key(this, 'Key', {
      description: 'Encrypts the MisyBot HA state table',
      enableKeyRotation: true,
      removalPolicy,
    });
    this.table = new Table(this, 'Table', {
      partitionKey: { name: StateTable.PARTITION_KEY, type: AttributeType.STRING },
      sortKey: { name: StateTable.SORT_KEY, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: StateTable.TTL_ATTRIBUTE,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.key,
      deletionProtection,
      removalPolicy,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: StateTable.GSI1,
      partitionKey: { name: StateTable.GSI1_PARTITION_KEY, type: AttributeType.STRING },
      sortKey: { name: StateTable.GSI1_SORT_KEY, type: AttributeType.STRING },
      projectionType: ProjectionType.ALL,
    });
  }
}
