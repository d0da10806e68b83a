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

/** A reader's replica lag, or why it is unknown. */
type LagReading = { readonly seconds: number } | { readonly problem: string };

/** How old the newest one-minute lag datapoint may be (from its period's start). @default 180 */
const DEFAULT_MAX_LAG_AGE_SECONDS = 180;

/**
 * The cluster as the failover engine sees it: the writer, each reader with its status, size and
 * `AuroraReplicaLag` (the newest one-minute maximum). A lag that cannot be trusted is reported as
 * unknown with the reason: no datapoint, a datapoint older than `maxLagAgeSeconds` (the reader
 * may have stopped replicating since), or partial data from CloudWatch. The engine refuses to
 * promote a reader of unknown lag, and one reporting a negative lag (Aurora's -1).
 */
export class AuroraObserver {
  constructor(
    private readonly rds: RDSClient,
    private readonly cloudWatch: CloudWatchClient,
    private readonly clusterIdentifier: string,
    private readonly clock: AdapterClock = systemClock,
    private readonly maxLagAgeSeconds = DEFAULT_MAX_LAG_AGE_SECONDS,
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
      const reading = lag.get(id);
      return {
        id,
        healthy: instance?.DBInstanceStatus === 'available',
        ...(capacity === undefined ? {} : { capacity }),
        ...(reading && 'seconds' in reading ? { replicaLagSeconds: reading.seconds } : {}),
        ...(reading && 'problem' in reading ? { replicaLagProblem: reading.problem } : {}),
      };
    };
    return { primary: target(writer), standbys: readers.map(target) };
  }

  private async replicaLag(readers: readonly string[]): Promise<Map<string, LagReading>> {
    const lag = new Map<string, LagReading>();
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
    const results = new Map((response.MetricDataResults ?? []).map((r) => [r.Id, r]));
    readers.forEach((id, index) => {
      const result = results.get(`lag${index}`);
      const newest = result?.Values?.[0];
      const at = result?.Timestamps?.[0]?.getTime();
      if (result?.StatusCode && result.StatusCode !== 'Complete')
        lag.set(id, { problem: `AuroraReplicaLag ${result.StatusCode} from CloudWatch` });
      else if (newest === undefined || at === undefined)
        lag.set(id, { problem: 'no AuroraReplicaLag datapoint in the last 5 minutes' });
      else if (end - at > this.maxLagAgeSeconds * 1000)
        lag.set(id, {
          problem: `newest AuroraReplicaLag datapoint is ${Math.round((end - at) / 1000)}s old (at most ${this.maxLagAgeSeconds}s)`,
        });
      // AuroraReplicaLag is in milliseconds.
      else lag.set(id, { seconds: newest / 1000 });
    });
    return lag;
  }
}
