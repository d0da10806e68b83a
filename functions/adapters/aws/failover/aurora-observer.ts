import { type CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeDBClustersCommand, DescribeDBInstancesCommand, type RDSClient } from '@aws-sdk/client-rds';
import type { HealthSnapshot, TargetHealth } from '../../../core/failover/types';
import { writerOf } from './aurora';
import type { AdapterClock } from './polling';
import { systemClock } from './polling';

/**
 * A comparable size from an instance class: `db.r6g.large` → 2, `xlarge` → 4, `4xlarge` → 16
 * (vCPUs within a family). Serverless and unknown classes have no fixed size.
 */
export function classCapacity(instanceClass: string | undefined): number | undefined {
  const size = instanceClass?.split('.').at(-1);
  if (!size || instanceClass === 'db.serverless') return undefined;
  const fixed: Record<string, number> = { micro: 1, small: 1, medium: 1, large: 2, xlarge: 4 };
  if (size in fixed) return fixed[size];
  const multiple = /^(\d+)xlarge$/.exec(size);
  return multiple ? Number(multiple[1]) * 4 : undefined;
}

/**
 * The cluster as the failover engine sees it: the writer, each reader with its status, size and
 * `AuroraReplicaLag` (the latest one-minute maximum). A reader with no lag datapoint reports
 * none, and the engine refuses to promote it.
 */
export class AuroraObserver {
  constructor(
    private readonly rds: RDSClient,
    private readonly cloudWatch: CloudWatchClient,
    private readonly clusterIdentifier: string,
    private readonly clock: AdapterClock = systemClock,
  ) {}

  async observe(): Promise<HealthSnapshot> {
    const [clusters, instances] = await Promise.all([
      this.rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: this.clusterIdentifier })),
      this.rds.send(
        new DescribeDBInstancesCommand({
          Filters: [{ Name: 'db-cluster-id', Values: [this.clusterIdentifier] }],
        }),
      ),
    ]);
    const cluster = clusters.DBClusters?.[0];
    const writer = writerOf(cluster) ?? 'none';
    const readers = (cluster?.DBClusterMembers ?? [])
      .filter((m) => !m.IsClusterWriter && m.DBInstanceIdentifier)
      .map((m) => m.DBInstanceIdentifier as string);
    const lag = await this.replicaLag(readers);
    const target = (id: string): TargetHealth => {
      const instance = instances.DBInstances?.find((i) => i.DBInstanceIdentifier === id);
      const capacity = classCapacity(instance?.DBInstanceClass);
      const lagSeconds = lag.get(id);
      return {
        id,
        healthy: instance?.DBInstanceStatus === 'available',
        ...(capacity === undefined ? {} : { capacity }),
        ...(lagSeconds === undefined ? {} : { replicaLagSeconds: lagSeconds }),
      };
    };
    return { primary: target(writer), standbys: readers.map(target) };
  }

  private async replicaLag(readers: readonly string[]): Promise<Map<string, number>> {
    const lag = new Map<string, number>();
    if (readers.length === 0) return lag;
    const end = this.clock.now();
    const response = await this.cloudWatch.send(
      new GetMetricDataCommand({
        StartTime: new Date(end - 5 * 60_000),
        EndTime: new Date(end),
        ScanBy: 'TimestampDescending',
        MetricDataQueries: readers.map((id, index) => ({
          Id: `lag${index}`,
          MetricStat: {
            Metric: {
              Namespace: 'AWS/RDS',
              MetricName: 'AuroraReplicaLag',
              Dimensions: [{ Name: 'DBInstanceIdentifier', Value: id }],
            },
            Period: 60,
            Stat: 'Maximum',
          },
        })),
      }),
    );
    for (const result of response.MetricDataResults ?? []) {
      const index = Number(result.Id?.slice(3));
      const latest = result.Values?.[0];
      const id = readers[index];
      // AuroraReplicaLag is in milliseconds.
      if (id !== undefined && latest !== undefined) lag.set(id, latest / 1000);
    }
    return lag;
  }
}
