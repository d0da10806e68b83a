import {
  CreateDBInstanceCommand,
  DescribeDBClustersCommand,
  DescribeGlobalClustersCommand,
  FailoverGlobalClusterCommand,
  type GlobalCluster,
  type RDSClient,
  SwitchoverGlobalClusterCommand,
} from '@aws-sdk/client-rds';
import { type GlobalResources, regionOfArn, resourcesOf } from '../../../core/failover/region/resources';
import type { ActionOutcome } from '../../../core/failover/types';
import { failureOf } from '../failover/aws-errors';
import { type AdapterClock, deadlineSignal, pollUntil, systemClock } from '../failover/polling';

/** The writer member's cluster ARN of a global cluster, if any. */
export function globalWriterArn(cluster: GlobalCluster | undefined): string | undefined {
  return cluster?.GlobalClusterMembers?.find((member) => member.IsWriter)?.DBClusterArn;
}

/**
 * The Aurora global database: planned switchover (no data loss), unplanned failover with
 * `AllowDataLoss`, waiting for the new writer, and an instance for a headless secondary. Each
 * change first checks whether it is already done, so a retried step changes nothing twice.
 */
export class GlobalDatabase {
  constructor(
    private readonly client: (region: string) => RDSClient,
    private readonly resources: GlobalResources,
    /** The region whose endpoint serves the global calls: the standby's, which is up when the primary is not. */
    private readonly home: string,
    private readonly clock: AdapterClock = systemClock,
    private readonly pollIntervalMs = 10_000,
  ) {}

  async describe(deadline: number): Promise<GlobalCluster | undefined> {
    const response = await this.client(this.home).send(
      new DescribeGlobalClustersCommand({ GlobalClusterIdentifier: this.resources.globalClusterIdentifier }),
      { abortSignal: deadlineSignal(deadline, this.clock) },
    );
    return response.GlobalClusters?.[0];
  }

  /** `SwitchoverGlobalCluster` (planned) or `FailoverGlobalCluster` with `AllowDataLoss` (unplanned). */
  async promote(region: string, mode: 'switchover' | 'failover', deadline: number): Promise<ActionOutcome> {
    const target = resourcesOf(this.resources, region).clusterArn;
    const GlobalClusterIdentifier = this.resources.globalClusterIdentifier;
    try {
      if (globalWriterArn(await this.describe(deadline)) === target) {
        return { ok: true, detail: `${target} already writes` };
      }
    } catch (error) {
      return failureOf(error, false);
    }
    const command =
      mode === 'switchover'
        ? new SwitchoverGlobalClusterCommand({ GlobalClusterIdentifier, TargetDbClusterIdentifier: target })
        : new FailoverGlobalClusterCommand({
            GlobalClusterIdentifier,
            TargetDbClusterIdentifier: target,
            AllowDataLoss: true,
          });
    try {
      await this.client(this.home).send(command, { abortSignal: deadlineSignal(deadline, this.clock) });
      return { ok: true, detail: `${mode} of ${GlobalClusterIdentifier} to ${region} accepted` };
    } catch (error) {
      return failureOf(error, true);
    }
  }

  /** Polls until `region`'s cluster is the writer and the global cluster is available again. */
  waitForWriter(region: string, deadline: number): Promise<ActionOutcome> {
    const target = resourcesOf(this.resources, region).clusterArn;
    return pollUntil(
      () => this.describe(deadline),
      (cluster) => {
        const writer = globalWriterArn(cluster);
        if (writer === target && cluster?.Status === 'available') return true;
        return `writer in ${regionOfArn(writer) ?? 'none'}, global cluster ${cluster?.Status ?? 'not found'}`;
      },
      deadline,
      this.pollIntervalMs,
      this.clock,
    );
  }

  /** Members (instances) of `region`'s cluster; 0 for a headless one. */
  async instanceCount(region: string, deadline: number): Promise<number> {
    const { clusterArn } = resourcesOf(this.resources, region);
    const response = await this.client(region).send(
      new DescribeDBClustersCommand({ DBClusterIdentifier: clusterArn }),
      {
        abortSignal: deadlineSignal(deadline, this.clock),
      },
    );
    return response.DBClusters?.[0]?.DBClusterMembers?.length ?? 0;
  }

  /**
   * Gives a headless cluster one instance to promote, named after the cluster, and waits for the
   * cluster to list it. An instance already there (this step retried) is enough.
   */
  async addInstance(region: string, deadline: number): Promise<ActionOutcome> {
    const { clusterArn, databaseInstanceClass } = resourcesOf(this.resources, region);
    const clusterId = clusterArn.split(':').at(-1)!;
    try {
      if ((await this.instanceCount(region, deadline)) > 0)
        return { ok: true, detail: `${clusterId} has an instance` };
      await this.client(region).send(
        new CreateDBInstanceCommand({
          DBInstanceIdentifier: `${clusterId}-takeover`.slice(0, 63),
          DBClusterIdentifier: clusterId,
          Engine: 'aurora-postgresql',
          DBInstanceClass: databaseInstanceClass,
          PromotionTier: 0,
        }),
        { abortSignal: deadlineSignal(deadline, this.clock) },
      );
    } catch (error) {
      return failureOf(error, true);
    }
    return pollUntil(
      () => this.instanceCount(region, deadline),
      (count) => count > 0 || 'no instance listed yet',
      deadline,
      this.pollIntervalMs,
      this.clock,
    );
  }
}
