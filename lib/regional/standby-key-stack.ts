import { RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';

export interface StandbyKeyStackProps extends StackProps {
  /** The platform name: the alias is `alias/<name>-ha-state-replica`. */
  readonly platformName: string;
}

/**
 * The standby region's key for the state table's replica. It is a stack of its own because the
 * primary stack's global table needs the key before its replica can exist, while the standby
 * stack needs the primary's global cluster and datastore: deployed first, this stack breaks the
 * cycle. The table names the key by its alias, which is known before anything is deployed.
 */
export class StandbyKeyStack extends Stack {
  readonly key: Key;
  /** `alias/<name>-ha-state-replica` */
  readonly aliasName: string;

  constructor(scope: Construct, id: string, props: StandbyKeyStackProps) {
    super(scope, id, props);
    if (this.region.startsWith('${Token')) {
      throw new Error(
        'StandbyKeyStack needs an explicit region (env.region): the primary stack names its key by ARN.',
      );
    }
    this.aliasName = standbyKeyAlias(props.platformName);
    this.key = new Key(this, 'StateReplicaKey', {
      description: 'Encrypts the MisyBot HA state table replica in the standby region',
      enableKeyRotation: true,
      alias: this.aliasName,
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}

/** The alias of the standby region's state-replica key. */
export function standbyKeyAlias(platformName: string): string {
  return `alias/${platformName}-ha-state-replica`;
}

/**
 * The replica key's alias ARN as `stack` (in the primary region, same account) names it: from its
 * own partition and account, so no value crosses stacks.
 */
export function standbyKeyAliasArn(stack: Stack, standbyRegion: string, platformName: string): string {
  return `arn:${stack.partition}:kms:${standbyRegion}:${stack.account}:${standbyKeyAlias(platformName)}`;
}
