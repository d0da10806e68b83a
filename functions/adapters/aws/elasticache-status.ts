import {
  type CacheCluster,
  DescribeCacheClustersCommand,
  DescribeReplicationGroupsCommand,
  type ElastiCacheClient,
  type ReplicationGroup,
} from '@aws-sdk/client-elasticache';
import type { ElasticacheCheck } from '../../core/health/check-schema';
import type { ProbeOutcome } from '../../core/health/probe';
import { awsFailureOutcome, callOptions } from './aws-errors';

const SERVING = new Set(['available', 'snapshotting']);
const CHANGING = new Set(['modifying']);

/**
 * The ElastiCache probe: down when the replication group is not serving or a node group has no
 * primary; up with a warning when a replica's cache cluster is not `available` (it is not
 * replicating, so a failover would have nowhere to go) or there is no replica at all.
 */
export function createElasticacheProbe(
  client: ElastiCacheClient,
): (check: ElasticacheCheck, signal: AbortSignal) => Promise<ProbeOutcome> {
  return async (check, signal) => {
    let group: ReplicationGroup | undefined;
    try {
      const output = await client.send(
        new DescribeReplicationGroupsCommand({ ReplicationGroupId: check.replicationGroupId }),
        callOptions(signal),
      );
      group = output.ReplicationGroups?.[0];
    } catch (error) {
      return awsFailureOutcome('DescribeReplicationGroups', error);
    }
    if (!group) return { status: 'down', error: `replication group ${check.replicationGroupId} not found` };
    const status = group.Status ?? 'unknown';
    if (!SERVING.has(status) && !CHANGING.has(status)) {
      return { status: 'down', error: `replication group ${check.replicationGroupId} is ${status}` };
    }
    const nodeGroups = group.NodeGroups ?? [];
    const leaderless = nodeGroups.filter(
      (ng) => !ng.NodeGroupMembers?.some((m) => m.CurrentRole === 'primary'),
    );
    if (nodeGroups.length === 0 || leaderless.length > 0) {
      const which = leaderless.map((ng) => ng.NodeGroupId ?? '?').join(', ') || 'all';
      return { status: 'down', error: `no primary in node group(s) ${which}` };
    }
    const replicaIds = nodeGroups.flatMap((ng) =>
      (ng.NodeGroupMembers ?? []).filter((m) => m.CurrentRole === 'replica').map((m) => m.CacheClusterId!),
    );
    let replicas: CacheCluster[];
    try {
      replicas = await Promise.all(
        replicaIds.map(async (id) => {
          const output = await client.send(
            new DescribeCacheClustersCommand({ CacheClusterId: id }),
            callOptions(signal),
          );
          return output.CacheClusters?.[0] ?? { CacheClusterId: id, CacheClusterStatus: 'missing' };
        }),
      );
    } catch (error) {
      return awsFailureOutcome('DescribeCacheClusters', error);
    }
    const available = replicas.filter((r) => r.CacheClusterStatus === 'available');
    const warnings: string[] = [];
    if (CHANGING.has(status)) warnings.push(`replication group is ${status}`);
    if (replicaIds.length === 0) warnings.push('no replica: a primary failure would lose the cache');
    for (const replica of replicas) {
      if (replica.CacheClusterStatus !== 'available') {
        warnings.push(`replica ${replica.CacheClusterId} is ${replica.CacheClusterStatus ?? 'unknown'}`);
      }
    }
    for (const ng of nodeGroups) {
      if (ng.Status && ng.Status !== 'available')
        warnings.push(`node group ${ng.NodeGroupId} is ${ng.Status}`);
    }
    const observed = {
      nodeGroups: nodeGroups.length,
      replicas: replicaIds.length,
      availableReplicas: available.length,
    };
    return { status: 'up', observed, ...(warnings.length > 0 ? { warning: warnings.join('; ') } : {}) };
  };
}
