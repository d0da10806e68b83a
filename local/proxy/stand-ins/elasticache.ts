import type { VirtualClock } from '../../clock/virtual-clock';
import { awsError, queryResult, type XmlValue } from '../aws-responses';
import type { FaultProxy } from '../fault-proxy';

const NAMESPACE = 'http://elasticache.amazonaws.com/doc/2015-02-02/';
const LIST_ITEMS = {
  ReplicationGroups: 'ReplicationGroup',
  MemberClusters: 'ClusterId',
  NodeGroups: 'NodeGroup',
  NodeGroupMembers: 'NodeGroupMember',
  CacheClusters: 'CacheCluster',
};
const DAY_MS = 24 * 3600_000;
/** AWS: TestFailover on at most 15 node groups in any rolling 24 hours (per account). */
export const TEST_FAILOVER_QUOTA = 15;
/** From the call until the replica serves as primary (AWS takes from seconds to a few minutes). */
export const FAILOVER_PROMOTION_MS = 20_000;
/** From the promotion until the former primary has been recovered as a replica. */
export const FAILOVER_RECOVERY_MS = 40_000;

interface Member {
  readonly id: string;
  role: 'primary' | 'replica';
  readonly zone: string;
  /** Until this time the node is being recovered (`modifying`), then `available`. */
  recoveringUntil: number;
  failed: boolean;
}

interface Group {
  readonly id: string;
  readonly endpoint: string;
  readonly port: number;
  readonly members: Member[];
  /** A failover in progress: when the replica becomes primary. */
  promotion?: { readonly at: number; readonly to: string; readonly from: string };
}

/** One event of the replication group, as `DescribeEvents` would list it. */
export interface CacheEvent {
  readonly at: number;
  readonly sourceId: string;
  readonly message: string;
}

/**
 * ElastiCache replication groups, as AWS documents them and moto does not model: moto creates a
 * single member whatever `NumCacheClusters` says and has no `TestFailover`. Here each group has
 * its primary and replicas with roles; `TestFailover` (and a failed primary, through
 * {@link failPrimary}) puts the group in `modifying`, promotes a replica after
 * {@link FAILOVER_PROMOTION_MS} and recovers the former primary as a replica; the account's
 * rolling 24-hour quota answers `APICallRateForCustomerExceeded`.
 */
export class ElastiCacheStandIn {
  private readonly groups = new Map<string, Group>();
  private readonly testFailoverCalls: number[] = [];
  readonly events: CacheEvent[] = [];

  constructor(private readonly clock: VirtualClock) {}

  /** Adds a deployed replication group with `nodes` members, the first primary. */
  addGroup(id: string, nodes: number, endpoint: string, port: number, zones: readonly string[]): void {
    const members = Array.from({ length: Math.max(1, nodes) }, (_, index) => ({
      id: `${id}-${String(index + 1).padStart(3, '0')}`,
      role: index === 0 ? ('primary' as const) : ('replica' as const),
      zone: zones[index % zones.length] ?? 'us-east-1a',
      recoveringUntil: 0,
      failed: false,
    }));
    this.groups.set(id, { id, endpoint, port, members });
  }

  /** The node group's current primary. */
  primaryOf(id: string): string | undefined {
    const group = this.settle(id);
    return group?.members.find((m) => m.role === 'primary')?.id;
  }

  /** TestFailover calls accepted, with their times. */
  get testFailovers(): readonly number[] {
    return this.testFailoverCalls;
  }

  /** The primary node fails: Multi-AZ promotes a replica on its own, as `TestFailover` does. */
  failPrimary(id: string): void {
    const group = this.settle(id);
    const primary = group?.members.find((m) => m.role === 'primary');
    if (!group || !primary) throw new Error(`no replication group ${id}`);
    primary.failed = true;
    this.startFailover(group, 'Automatic failover');
  }

  install(proxy: FaultProxy): void {
    proxy.intercept('elasticache', 'DescribeReplicationGroups', async (request, forward) => {
      const id = request.params.ReplicationGroupId as string | undefined;
      const groups = id ? [this.settle(id)] : [...this.groups.keys()].map((key) => this.settle(key));
      if (id && !groups[0]) return forward();
      return queryResult(
        'DescribeReplicationGroups',
        NAMESPACE,
        {
          ReplicationGroups: groups.flatMap((group) => (group ? [this.describe(group)] : [])),
        },
        LIST_ITEMS,
      );
    });
    proxy.intercept('elasticache', 'DescribeCacheClusters', async (request, forward) => {
      const wanted = request.params.CacheClusterId as string | undefined;
      const members = [...this.groups.keys()].flatMap((key) => {
        const group = this.settle(key)!;
        return group.members.map((member) => ({ group, member }));
      });
      const found = members.filter(({ member }) => wanted === undefined || member.id === wanted);
      if (wanted && found.length === 0) return forward();
      return queryResult(
        'DescribeCacheClusters',
        NAMESPACE,
        {
          CacheClusters: found.map(({ group, member }) => ({
            CacheClusterId: member.id,
            CacheClusterStatus: this.memberStatus(member),
            ReplicationGroupId: group.id,
            PreferredAvailabilityZone: member.zone,
            Engine: 'redis',
            NumCacheNodes: 1,
          })),
        },
        LIST_ITEMS,
      );
    });
    proxy.intercept('elasticache', 'TestFailover', async (request) => {
      const id = String(request.params.ReplicationGroupId ?? '');
      const nodeGroup = String(request.params.NodeGroupId ?? '');
      const group = this.settle(id);
      if (!group)
        return awsError('query', 404, 'ReplicationGroupNotFoundFault', `Replication group ${id} not found.`);
      if (nodeGroup !== '0001')
        return awsError('query', 404, 'NodeGroupNotFoundFault', `Node group ${nodeGroup} not found.`);
      const now = this.clock.now();
      const recent = this.testFailoverCalls.filter((at) => at > now - DAY_MS);
      if (recent.length >= TEST_FAILOVER_QUOTA) {
        return awsError(
          'query',
          400,
          'APICallRateForCustomerExceeded',
          'The customer has exceeded the allowed rate of API calls.',
        );
      }
      if (this.status(group) !== 'available') {
        return awsError(
          'query',
          400,
          'InvalidReplicationGroupState',
          `Replication group ${id} is not in available state.`,
        );
      }
      if (!group.members.some((m) => m.role === 'replica' && this.memberStatus(m) === 'available')) {
        return awsError(
          'query',
          400,
          'InvalidParameterCombination',
          `Replication group ${id} has no available replica to fail over to.`,
        );
      }
      this.testFailoverCalls.push(now);
      this.event(id, `Test Failover API called for node group ${nodeGroup}`);
      this.startFailover(group, 'Test failover');
      return queryResult('TestFailover', NAMESPACE, { ReplicationGroup: this.describe(group) }, LIST_ITEMS);
    });
  }

  private startFailover(group: Group, why: string): void {
    const now = this.clock.now();
    const from = group.members.find((m) => m.role === 'primary')!;
    const to = group.members.find((m) => m.role === 'replica' && !m.failed && m.recoveringUntil <= now);
    if (!to) return;
    group.promotion = { at: now + FAILOVER_PROMOTION_MS, to: to.id, from: from.id };
    this.event(group.id, `${why}: promoting ${to.id}`);
  }

  /** Applies what the passing of time did to the group, and returns it. */
  private settle(id: string): Group | undefined {
    const group = this.groups.get(id);
    if (!group?.promotion) return group;
    const now = this.clock.now();
    const { at, to, from } = group.promotion;
    if (now < at) return group;
    for (const member of group.members) {
      if (member.id === to) member.role = 'primary';
      if (member.id === from) {
        member.role = 'replica';
        member.failed = false;
        member.recoveringUntil = at + FAILOVER_RECOVERY_MS;
      }
    }
    group.promotion = undefined;
    this.event(group.id, `Failover from primary node ${from} to replica node ${to} completed`, at);
    return group;
  }

  /**
   * `modifying` from the failover until the former primary has been recovered as a replica: AWS
   * documents that the node replacement must complete before the next TestFailover.
   */
  private status(group: Group): string {
    const now = this.clock.now();
    return group.promotion || group.members.some((m) => m.recoveringUntil > now) ? 'modifying' : 'available';
  }

  private memberStatus(member: Member): string {
    if (member.failed) return 'incompatible-network';
    return member.recoveringUntil > this.clock.now() ? 'modifying' : 'available';
  }

  private event(sourceId: string, message: string, at = this.clock.now()): void {
    this.events.push({ at, sourceId, message });
  }

  private describe(group: Group): Record<string, XmlValue> {
    const status = this.status(group);
    return {
      ReplicationGroupId: group.id,
      Status: status,
      MemberClusters: group.members.map((m) => m.id),
      NodeGroups: [
        {
          NodeGroupId: '0001',
          Status: status,
          PrimaryEndpoint: { Address: group.endpoint, Port: group.port },
          ReaderEndpoint: { Address: group.endpoint.replace(/^master\./, 'replica.'), Port: group.port },
          NodeGroupMembers: group.members.map((m) => ({
            CacheClusterId: m.id,
            CacheNodeId: '0001',
            CurrentRole: m.role,
            PreferredAvailabilityZone: m.zone,
            ReadEndpoint: { Address: `${m.id}.${group.endpoint.replace(/^master\./, '')}`, Port: group.port },
          })),
        },
      ],
      AutomaticFailover: 'enabled',
      MultiAZ: 'enabled',
      ClusterEnabled: false,
      TransitEncryptionEnabled: true,
      AuthTokenEnabled: true,
    };
  }
}
