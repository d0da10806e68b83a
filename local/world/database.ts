import { type MetricDatum, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import {
  DescribeDBClustersCommand,
  StartDBInstanceCommand,
  StopDBInstanceCommand,
} from '@aws-sdk/client-rds';
import type { AwsClients } from '../account/aws-clients';
import type { Scheduler } from '../driver/scheduler';

/** The cluster's members as the emulator has them. */
export interface ClusterRoles {
  readonly writer: string | undefined;
  readonly readers: readonly string[];
}

/**
 * The Aurora cluster as the world outside the control plane: its instances fail and recover
 * (an instance that is not `available` is what the failover observer reads as unhealthy), and
 * CloudWatch receives each reader's `AuroraReplicaLag` every minute. The emulator does not
 * promote a reader on its own: failover is the control plane's to do here.
 */
export class AuroraCluster {
  private readonly lagMs = new Map<string, number | undefined>();
  private readonly down = new Set<string>();
  private readonly listeners = new Set<(instance: string, change: 'failed' | 'recovered') => void>();

  constructor(
    private readonly scheduler: Scheduler,
    private readonly emulator: AwsClients,
    readonly clusterIdentifier: string,
    /** Replica lag of a healthy reader, in ms. @default 20 */
    private readonly normalLagMs = 20,
  ) {}

  /** The writer and readers now. */
  async roles(): Promise<ClusterRoles> {
    const described = await this.emulator.rds.send(
      new DescribeDBClustersCommand({ DBClusterIdentifier: this.clusterIdentifier }),
    );
    const members = described.DBClusters?.[0]?.DBClusterMembers ?? [];
    return {
      writer: members.find((m) => m.IsClusterWriter)?.DBInstanceIdentifier,
      readers: members.filter((m) => !m.IsClusterWriter).map((m) => m.DBInstanceIdentifier!),
    };
  }

  /**
   * Calls `listener` when an instance fails or recovers (before the emulator is told), so servers
   * standing in for the instances can follow; returns the unsubscribe.
   */
  onInstanceChange(listener: (instance: string, change: 'failed' | 'recovered') => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The instance stops answering (the emulator reports it `stopped`, not `available`). */
  async fail(instance: string): Promise<void> {
    this.down.add(instance);
    for (const listener of this.listeners) listener(instance, 'failed');
    await this.emulator.rds.send(new StopDBInstanceCommand({ DBInstanceIdentifier: instance }));
  }

  /** The instance is back (`available`). */
  async recover(instance: string): Promise<void> {
    this.down.delete(instance);
    for (const listener of this.listeners) listener(instance, 'recovered');
    await this.emulator.rds.send(new StartDBInstanceCommand({ DBInstanceIdentifier: instance }));
  }

  /** Sets a reader's replica lag in ms; `undefined` stops its datapoints (the metric goes stale). */
  setReplicaLag(instance: string, lagMs: number | undefined): void {
    this.lagMs.set(instance, lagMs);
  }

  /** Publishes the minute's replica lag every minute. */
  start(): void {
    const now = this.scheduler.clock.now();
    this.scheduler.every(Math.floor(now / 60_000) * 60_000 + 60_000, 60_000, 'aurora metrics', (at) =>
      this.publish(at - 60_000),
    );
  }

  /**
   * Publishes one minute of the cluster's metrics: `AuroraReplicaLag` per reader that is up (and
   * its maximum for the cluster), CPU, freeable memory and connections for the cluster.
   */
  async publish(minute: number): Promise<void> {
    const { readers } = await this.roles();
    const timestamp = new Date(minute);
    const data: MetricDatum[] = readers.flatMap((id) => {
      if (this.down.has(id)) return [];
      const lag = this.lagMs.has(id) ? this.lagMs.get(id) : this.normalLagMs;
      if (lag === undefined) return [];
      return [
        {
          MetricName: 'AuroraReplicaLag',
          Dimensions: [{ Name: 'DBInstanceIdentifier', Value: id }],
          Timestamp: timestamp,
          Value: lag,
          Unit: 'Milliseconds' as const,
        },
      ];
    });
    if (data.length > 0) {
      await this.emulator.cloudWatch.send(
        new PutMetricDataCommand({ Namespace: 'AWS/RDS', MetricData: data }),
      );
    }
  }
}
