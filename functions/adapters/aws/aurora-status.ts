import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import {
  type DBCluster,
  type DBInstance,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  type RDSClient,
} from '@aws-sdk/client-rds';
import type { AuroraCheck } from '../../core/health/check-schema';
import type { ProbeOutcome } from '../../core/health/probe';
import { awsFailureOutcome, callOptions } from './aws-errors';
import { readMetrics } from './cloudwatch-metrics';

/** The clients the Aurora probe reads from. */
export interface AuroraProbeClients {
  readonly rds: RDSClient;
  readonly cloudwatch: CloudWatchClient;
  /** @default Date.now */
  readonly now?: () => number;
}

// Statuses in which the cluster or instance still serves queries.
const SERVING = new Set(['available', 'backing-up', 'storage-optimization', 'configuring-log-exports']);
const CHANGING = new Set([
  'modifying',
  'upgrading',
  'maintenance',
  'renaming',
  'resetting-master-credentials',
]);
const LAG_WINDOW_MS = 5 * 60_000;

/**
 * The Aurora probe: down when the cluster is not serving, has no writer, or the writer is not
 * available; up with a warning when a reader is unavailable or lags more than
 * `maxReplicaLagMs` (CloudWatch `AuroraReplicaLag`, latest 1-minute maximum of the last 5).
 * Lag that cannot be read (throttled, no datapoints) does not change the verdict.
 */
export function createAuroraProbe(
  clients: AuroraProbeClients,
): (check: AuroraCheck, signal: AbortSignal) => Promise<ProbeOutcome> {
  const now = clients.now ?? Date.now;
  return async (check, signal) => {
    let cluster: DBCluster | undefined;
    let instances: DBInstance[];
    try {
      const [clusters, described] = await Promise.all([
        clients.rds.send(
          new DescribeDBClustersCommand({ DBClusterIdentifier: check.clusterId }),
          callOptions(signal),
        ),
        clients.rds.send(
          new DescribeDBInstancesCommand({ Filters: [{ Name: 'db-cluster-id', Values: [check.clusterId] }] }),
          callOptions(signal),
        ),
      ]);
      cluster = clusters.DBClusters?.[0];
      instances = described.DBInstances ?? [];
    } catch (error) {
      return awsFailureOutcome('DescribeDBClusters/DescribeDBInstances', error);
    }
    if (!cluster) return { status: 'down', error: `cluster ${check.clusterId} not found` };
    const status = cluster.Status ?? 'unknown';
    if (!SERVING.has(status) && !CHANGING.has(status)) {
      return { status: 'down', error: `cluster ${check.clusterId} is ${status}` };
    }
    const writerId = cluster.DBClusterMembers?.find((m) => m.IsClusterWriter)?.DBInstanceIdentifier;
    if (!writerId) return { status: 'down', error: `cluster ${check.clusterId} has no writer` };
    const byId = new Map(instances.map((i) => [i.DBInstanceIdentifier, i]));
    const writerStatus = byId.get(writerId)?.DBInstanceStatus ?? 'missing';
    if (!SERVING.has(writerStatus)) return { status: 'down', error: `writer ${writerId} is ${writerStatus}` };

    const readers = (cluster.DBClusterMembers ?? [])
      .filter((m) => !m.IsClusterWriter && m.DBInstanceIdentifier)
      .map((m) => m.DBInstanceIdentifier!);
    const warnings: string[] = [];
    if (CHANGING.has(status)) warnings.push(`cluster is ${status}`);
    for (const reader of readers) {
      const readerStatus = byId.get(reader)?.DBInstanceStatus ?? 'missing';
      if (!SERVING.has(readerStatus)) warnings.push(`reader ${reader} is ${readerStatus}`);
    }
    const lags = await replicaLags(clients.cloudwatch, readers, now(), signal);
    const observed: Record<string, number> = { instances: instances.length, readers: readers.length };
    if (lags.size > 0) observed.maxReplicaLagMs = Math.max(...lags.values());
    for (const [reader, lag] of lags) {
      if (lag > check.maxReplicaLagMs)
        warnings.push(`reader ${reader} lags ${Math.round(lag)} ms (max ${check.maxReplicaLagMs})`);
    }
    return { status: 'up', observed, ...(warnings.length > 0 ? { warning: warnings.join('; ') } : {}) };
  };
}

async function replicaLags(
  cloudwatch: CloudWatchClient,
  readers: readonly string[],
  now: number,
  signal: AbortSignal,
): Promise<Map<string, number>> {
  const queries = readers.map((reader, index) => ({
    id: `lag${index}`,
    namespace: 'AWS/RDS',
    metricName: 'AuroraReplicaLag',
    dimensions: { DBInstanceIdentifier: reader },
    stat: 'Maximum' as const,
  }));
  const lags = new Map<string, number>();
  try {
    const values = await readMetrics(
      cloudwatch,
      queries,
      { start: now - LAG_WINDOW_MS, end: now, periodSeconds: 60 },
      signal,
    );
    readers.forEach((reader, index) => {
      const latest = values.get(`lag${index}`)?.[0];
      if (latest !== undefined) lags.set(reader, latest);
    });
  } catch {
    // Lag is advisory: without it the instance statuses still decide the verdict.
  }
  return lags;
}
