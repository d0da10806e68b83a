import { DescribeDBInstancesCommand, type RDSClient, RebootDBInstanceCommand } from '@aws-sdk/client-rds';
import type { ActionOutcome, HealthSnapshot } from '../../../core/failover/types';
import { failureOf } from './aws-errors';
import { type AdapterClock, deadlineSignal, pollUntil, systemClock } from './polling';

/** An RDS Multi-AZ DB instance: the primary and its synchronous standby, named by zone. */
export interface MultiAzConfig {
  readonly instanceIdentifier: string;
  /** @default 5000 */
  readonly pollIntervalMs?: number;
}

/**
 * Multi-AZ failover by reboot with `ForceFailover`. The engine names sides by availability
 * zone, because that is all that changes: the instance keeps its identifier and endpoint.
 */
export class RdsMultiAzInstance {
  private readonly pollIntervalMs: number;

  constructor(
    private readonly client: RDSClient,
    private readonly config: MultiAzConfig,
    private readonly clock: AdapterClock = systemClock,
  ) {
    this.pollIntervalMs = config.pollIntervalMs ?? 5000;
  }

  async rebootWithFailover(deadline: number): Promise<ActionOutcome> {
    try {
      await this.client.send(
        new RebootDBInstanceCommand({
          DBInstanceIdentifier: this.config.instanceIdentifier,
          ForceFailover: true,
        }),
        { abortSignal: deadlineSignal(deadline, this.clock) },
      );
      return { ok: true, detail: `reboot with failover of ${this.config.instanceIdentifier} accepted` };
    } catch (error) {
      return failureOf(error, true);
    }
  }

  /** Polls until the instance is available with its primary in `zone`. */
  waitForZone(zone: string, deadline: number): Promise<ActionOutcome> {
    const read = async () => {
      const response = await this.client.send(
        new DescribeDBInstancesCommand({ DBInstanceIdentifier: this.config.instanceIdentifier }),
        { abortSignal: deadlineSignal(deadline, this.clock) },
      );
      return response.DBInstances?.[0];
    };
    return pollUntil(
      read,
      (instance) =>
        (instance?.DBInstanceStatus === 'available' && instance.AvailabilityZone === zone) ||
        `primary in ${instance?.AvailabilityZone ?? 'unknown'}, status ${instance?.DBInstanceStatus ?? 'not found'}`,
      deadline,
      this.pollIntervalMs,
      this.clock,
    );
  }

  /** Both sides; the standby is synchronous, so its lag is zero by construction. */
  async observe(): Promise<HealthSnapshot> {
    const response = await this.client.send(
      new DescribeDBInstancesCommand({ DBInstanceIdentifier: this.config.instanceIdentifier }),
    );
    const instance = response.DBInstances?.[0];
    const available = instance?.DBInstanceStatus === 'available';
    const standbyZone = instance?.MultiAZ ? instance.SecondaryAvailabilityZone : undefined;
    return {
      primary: { id: instance?.AvailabilityZone ?? 'unknown', healthy: available },
      standbys: standbyZone ? [{ id: standbyZone, healthy: available, replicaLagSeconds: 0 }] : [],
    };
  }
}
