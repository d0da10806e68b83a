import {
  type DBCluster,
  DescribeDBClustersCommand,
  FailoverDBClusterCommand,
  type RDSClient,
} from '@aws-sdk/client-rds';
import type { ActionOutcome } from '../../../core/failover/types';
import { failureOf } from './aws-errors';
import { type AdapterClock, deadlineSignal, pollUntil, systemClock } from './polling';

/** The Aurora cluster whose writer fails over. */
export interface AuroraConfig {
  readonly clusterIdentifier: string;
  /** @default 5000 */
  readonly pollIntervalMs?: number;
}

/** The cluster's writer, or `undefined` while none is elected. */
export function writerOf(cluster: DBCluster | undefined): string | undefined {
  return cluster?.DBClusterMembers?.find((m) => m.IsClusterWriter)?.DBInstanceIdentifier;
}

/** Aurora failover: promote a chosen reader, then wait until it is the writer. */
export class AuroraCluster {
  private readonly pollIntervalMs: number;

  constructor(
    private readonly client: RDSClient,
    private readonly config: AuroraConfig,
    private readonly clock: AdapterClock = systemClock,
  ) {
    this.pollIntervalMs = config.pollIntervalMs ?? 5000;
  }

  /**
   * Asks Aurora to promote `targetInstance`. The call returns once the failover is accepted,
   * not done: only {@link waitForWriter} says it happened. `InvalidDBClusterStateFault` (a
   * failover or maintenance already running) comes back as a rejection.
   */
  async failover(targetInstance: string, deadline: number): Promise<ActionOutcome> {
    try {
      await this.client.send(
        new FailoverDBClusterCommand({
          DBClusterIdentifier: this.config.clusterIdentifier,
          TargetDBInstanceIdentifier: targetInstance,
        }),
        { abortSignal: deadlineSignal(deadline, this.clock) },
      );
      return {
        ok: true,
        detail: `failover of ${this.config.clusterIdentifier} to ${targetInstance} accepted`,
      };
    } catch (error) {
      return failureOf(error, true);
    }
  }

  /** Polls `DescribeDBClusters` until `instance` is the writer and the cluster is available again. */
  waitForWriter(instance: string, deadline: number): Promise<ActionOutcome> {
    const read = async () => {
      const response = await this.client.send(
        new DescribeDBClustersCommand({ DBClusterIdentifier: this.config.clusterIdentifier }),
        { abortSignal: deadlineSignal(deadline, this.clock) },
      );
      return response.DBClusters?.[0];
    };
    return pollUntil(
      read,
      (cluster) => {
        const writer = writerOf(cluster);
        if (writer === instance && cluster?.Status === 'available') return true;
        return `writer is ${writer ?? 'none'}, cluster ${cluster?.Status ?? 'not found'}`;
      },
      deadline,
      this.pollIntervalMs,
      this.clock,
    );
  }
}
