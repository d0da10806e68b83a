import {
  DescribeReplicationGroupsCommand,
  type ElastiCacheClient,
  type ReplicationGroup,
  TestFailoverCommand,
} from '@aws-sdk/client-elasticache';
import type { ActionOutcome, HealthSnapshot } from '../../../core/failover/types';
import { failureOf } from './aws-errors';
import { type AdapterClock, deadlineSignal, pollUntil, systemClock } from './polling';

/** The replication group and the shard (node group) whose primary fails over. */
export interface CacheFailoverConfig {
  readonly replicationGroupId: string;
  /** Cluster-mode-disabled groups have one node group, `0001`. @default '0001' */
  readonly nodeGroupId?: string;
  /** @default 10000 */
  readonly pollIntervalMs?: number;
}

/** The node group's current primary and replicas. */
export function rolesOf(group: ReplicationGroup | undefined, nodeGroupId: string) {
  const members = group?.NodeGroups?.find((g) => g.NodeGroupId === nodeGroupId)?.NodeGroupMembers ?? [];
  const primary = members.find((m) => m.CurrentRole === 'primary')?.CacheClusterId;
  const replicas = members
    .filter((m) => m.CurrentRole === 'replica' && m.CacheClusterId)
    .map((m) => m.CacheClusterId as string);
  return { primary, replicas };
}

/**
 * ElastiCache `TestFailover` and the wait for the promoted replica. AWS limits the API per
 * rolling 24 hours and answers past it with `APICallRateForCustomerExceeded`; the engine
 * counts its own calls and refuses before that, and the fault is reported as a rejection.
 */
export class ElastiCacheReplicationGroup {
  private readonly nodeGroupId: string;
  private readonly pollIntervalMs: number;

  constructor(
    private readonly client: ElastiCacheClient,
    private readonly config: CacheFailoverConfig,
    private readonly clock: AdapterClock = systemClock,
  ) {
    this.nodeGroupId = config.nodeGroupId ?? '0001';
    this.pollIntervalMs = config.pollIntervalMs ?? 10_000;
  }

  async testFailover(deadline: number): Promise<ActionOutcome> {
    try {
      await this.client.send(
        new TestFailoverCommand({
          ReplicationGroupId: this.config.replicationGroupId,
          NodeGroupId: this.nodeGroupId,
        }),
        { abortSignal: deadlineSignal(deadline, this.clock) },
      );
      return {
        ok: true,
        detail: `TestFailover of ${this.config.replicationGroupId}/${this.nodeGroupId} accepted`,
      };
    } catch (error) {
      return failureOf(error, true);
    }
  }

  private async describe(deadline?: number): Promise<ReplicationGroup | undefined> {
    const response = await this.client.send(
      new DescribeReplicationGroupsCommand({ ReplicationGroupId: this.config.replicationGroupId }),
      deadline === undefined ? {} : { abortSignal: deadlineSignal(deadline, this.clock) },
    );
    return response.ReplicationGroups?.[0];
  }

  /** Polls until another node is primary and the group is `available` again. */
  waitForNewPrimary(formerPrimary: string, deadline: number): Promise<ActionOutcome> {
    return pollUntil(
      () => this.describe(deadline),
      (group) => {
        const { primary } = rolesOf(group, this.nodeGroupId);
        if (primary !== undefined && primary !== formerPrimary && group?.Status === 'available') return true;
        return `primary is ${primary ?? 'none'}, group ${group?.Status ?? 'not found'}`;
      },
      deadline,
      this.pollIntervalMs,
      this.clock,
    );
  }

  /**
   * The node group's members. Member status is not in this response; while the group is not
   * `available` (modifying, failing over) no member counts as healthy.
   */
  async observe(): Promise<HealthSnapshot> {
    const group = await this.describe();
    const { primary, replicas } = rolesOf(group, this.nodeGroupId);
    const healthy = group?.Status === 'available';
    return {
      primary: { id: primary ?? 'none', healthy: healthy && primary !== undefined },
      standbys: replicas.map((id) => ({ id, healthy })),
    };
  }
}
