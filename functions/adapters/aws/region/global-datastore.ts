import {
  DescribeGlobalReplicationGroupsCommand,
  type ElastiCacheClient,
  FailoverGlobalReplicationGroupCommand,
  type GlobalReplicationGroup,
} from '@aws-sdk/client-elasticache';
import { type GlobalResources, resourcesOf } from '../../../core/failover/region/resources';
import type { ActionOutcome } from '../../../core/failover/types';
import { failureOf } from '../failover/aws-errors';
import { type AdapterClock, deadlineSignal, pollUntil, systemClock } from '../failover/polling';

/** The region of the Global Datastore's primary member, if any. */
export function datastorePrimaryRegion(group: GlobalReplicationGroup | undefined): string | undefined {
  return group?.Members?.find((member) => member.Role === 'PRIMARY')?.ReplicationGroupRegion;
}

/** The ElastiCache Global Datastore: promote a region's group, wait for it to be primary. */
export class GlobalDatastore {
  constructor(
    private readonly client: ElastiCacheClient,
    private readonly resources: GlobalResources,
    private readonly clock: AdapterClock = systemClock,
    private readonly pollIntervalMs = 10_000,
  ) {}

  async describe(deadline: number): Promise<GlobalReplicationGroup | undefined> {
    const response = await this.client.send(
      new DescribeGlobalReplicationGroupsCommand({
        GlobalReplicationGroupId: this.resources.globalReplicationGroupId,
        ShowMemberInfo: true,
      }),
      { abortSignal: deadlineSignal(deadline, this.clock) },
    );
    return response.GlobalReplicationGroups?.[0];
  }

  /** `FailoverGlobalReplicationGroup` to `region`, unless its group is already the primary. */
  async failover(region: string, deadline: number): Promise<ActionOutcome> {
    const { replicationGroupId } = resourcesOf(this.resources, region);
    try {
      if (datastorePrimaryRegion(await this.describe(deadline)) === region) {
        return { ok: true, detail: `the cache primary is already in ${region}` };
      }
      await this.client.send(
        new FailoverGlobalReplicationGroupCommand({
          GlobalReplicationGroupId: this.resources.globalReplicationGroupId,
          PrimaryRegion: region,
          PrimaryReplicationGroupId: replicationGroupId,
        }),
        { abortSignal: deadlineSignal(deadline, this.clock) },
      );
      return { ok: true, detail: `Global Datastore failover to ${region} accepted` };
    } catch (error) {
      return failureOf(error, true);
    }
  }

  /** Polls until `region`'s group is the primary and the datastore is available. */
  waitForPrimary(region: string, deadline: number): Promise<ActionOutcome> {
    return pollUntil(
      () => this.describe(deadline),
      (group) => {
        const primary = datastorePrimaryRegion(group);
        if (primary === region && group?.Status === 'available') return true;
        return `cache primary in ${primary ?? 'none'}, datastore ${group?.Status ?? 'not found'}`;
      },
      deadline,
      this.pollIntervalMs,
      this.clock,
    );
  }
}
