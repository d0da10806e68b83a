import type { VirtualClock } from '../../clock/virtual-clock';
import { awsError, queryResult, type XmlValue } from '../aws-responses';
import type { FaultProxy } from '../fault-proxy';

const NAMESPACE = 'http://elasticache.amazonaws.com/doc/2015-02-02/';
const LIST_ITEMS = {
  GlobalReplicationGroups: 'GlobalReplicationGroup',
  Members: 'GlobalReplicationGroupMember',
};
/** From `FailoverGlobalReplicationGroup` until the new primary takes writes ("less than a minute"). */
export const DATASTORE_FAILOVER_MS = 45_000;

interface Member {
  readonly replicationGroupId: string;
  readonly region: string;
}

interface Datastore {
  readonly id: string;
  readonly members: readonly Member[];
  primaryRegion: string;
  change?: { readonly to: string; readonly at: number };
}

/**
 * The ElastiCache Global Datastore as AWS documents it, where moto 5.2 has neither
 * `DescribeGlobalReplicationGroups` nor `FailoverGlobalReplicationGroup`: the members with their
 * `PRIMARY`/`SECONDARY` roles (`ShowMemberInfo`), and a failover that puts the datastore in
 * `modifying` and promotes the named region's group after {@link DATASTORE_FAILOVER_MS}.
 * A failover while one is in flight is `InvalidGlobalReplicationGroupState`; a region or group
 * that is not a member is `InvalidParameterValue`.
 */
export class GlobalDatastoreStandIn {
  private readonly datastores = new Map<string, Datastore>();

  constructor(private readonly clock: VirtualClock) {}

  /** Adds a Global Datastore with its regional replication groups, the primary first. */
  add(id: string, members: readonly Member[]): void {
    if (members.length === 0) throw new Error(`global datastore ${id} needs a member`);
    this.datastores.set(id, { id, members, primaryRegion: members[0]!.region });
  }

  /** The primary member's region now. */
  primaryRegionOf(id: string): string {
    const datastore = this.datastores.get(id);
    if (!datastore) throw new Error(`no global datastore ${id}`);
    return this.settle(datastore).primaryRegion;
  }

  private settle(datastore: Datastore): Datastore {
    if (datastore.change && this.clock.now() >= datastore.change.at) {
      datastore.primaryRegion = datastore.change.to;
      datastore.change = undefined;
    }
    return datastore;
  }

  private describe(datastore: Datastore, members: boolean): Record<string, XmlValue> {
    const { primaryRegion } = this.settle(datastore);
    return {
      GlobalReplicationGroupId: datastore.id,
      Status: datastore.change ? 'modifying' : 'available',
      Engine: 'redis',
      ClusterEnabled: false,
      ARN: `arn:aws:elasticache::000000000000:globalreplicationgroup:${datastore.id}`,
      ...(members
        ? {
            Members: datastore.members.map((member) => ({
              ReplicationGroupId: member.replicationGroupId,
              ReplicationGroupRegion: member.region,
              Role: member.region === primaryRegion ? 'PRIMARY' : 'SECONDARY',
              AutomaticFailover: 'enabled',
              Status: 'associated',
            })),
          }
        : {}),
    };
  }

  install(proxy: FaultProxy): void {
    proxy.intercept('elasticache', 'DescribeGlobalReplicationGroups', async (request) => {
      const id = request.params.GlobalReplicationGroupId;
      const found = id === undefined ? [...this.datastores.values()] : [this.datastores.get(String(id))];
      if (found.some((datastore) => datastore === undefined)) {
        return awsError(
          'query',
          404,
          'GlobalReplicationGroupNotFoundFault',
          `Global replication group ${String(id)} not found.`,
        );
      }
      const members = request.params.ShowMemberInfo === 'true';
      return queryResult(
        'DescribeGlobalReplicationGroups',
        NAMESPACE,
        { GlobalReplicationGroups: found.map((datastore) => this.describe(datastore!, members)) },
        LIST_ITEMS,
      );
    });
    proxy.intercept('elasticache', 'FailoverGlobalReplicationGroup', async (request) => {
      const id = String(request.params.GlobalReplicationGroupId);
      const datastore = this.datastores.get(id);
      if (!datastore) {
        return awsError(
          'query',
          404,
          'GlobalReplicationGroupNotFoundFault',
          `Global replication group ${id} not found.`,
        );
      }
      this.settle(datastore);
      const region = String(request.params.PrimaryRegion);
      const group = String(request.params.PrimaryReplicationGroupId);
      const member = datastore.members.find((m) => m.region === region && m.replicationGroupId === group);
      if (!member) {
        return awsError(
          'query',
          400,
          'InvalidParameterValue',
          `${group} in ${region} is not a member of ${id}.`,
        );
      }
      if (datastore.change || member.region === datastore.primaryRegion) {
        return awsError(
          'query',
          400,
          'InvalidGlobalReplicationGroupState',
          datastore.change ? `${id} is modifying.` : `${group} is already the primary.`,
        );
      }
      datastore.change = { to: region, at: this.clock.now() + DATASTORE_FAILOVER_MS };
      return queryResult(
        'FailoverGlobalReplicationGroup',
        NAMESPACE,
        { GlobalReplicationGroup: this.describe(datastore, true) },
        LIST_ITEMS,
      );
    });
  }
}
