import {
  GetHealthCheckCommand,
  GetHealthCheckStatusCommand,
  type Route53Client,
  UpdateHealthCheckCommand,
} from '@aws-sdk/client-route-53';
import { type GlobalResources, resourcesOf } from '../../../core/failover/region/resources';
import type { HealthReading } from '../../../core/failover/region/types';
import type { ActionOutcome } from '../../../core/failover/types';
import { failureOf } from '../failover/aws-errors';
import { type AdapterClock, deadlineSignal, pollUntil, systemClock } from '../failover/polling';
import { checkersHealthy } from '../failover/route53-dns';

/** Threshold of the gate: 1 follows the primary ALB's check; 2 (above its one child) is always unhealthy. */
const FOLLOW = 1;
const HOLD_ON_STANDBY = 2;

/**
 * Route 53 between the regional ALBs: reads each ALB's health check, and moves traffic through
 * the calculated gate in front of the PRIMARY record (lib/regional/regional-dns.ts).
 */
export class RegionalDns {
  constructor(
    private readonly client: Route53Client,
    private readonly resources: GlobalResources,
    private readonly clock: AdapterClock = systemClock,
    private readonly pollIntervalMs = 10_000,
  ) {}

  /** The checkers' verdict on `region`'s ALB, dated by the newest report. */
  async health(region: string, deadline: number): Promise<HealthReading> {
    const { healthCheckId } = resourcesOf(this.resources, region);
    const response = await this.client.send(
      new GetHealthCheckStatusCommand({ HealthCheckId: healthCheckId }),
      {
        abortSignal: deadlineSignal(deadline, this.clock),
      },
    );
    const observations = response.HealthCheckObservations ?? [];
    const at = Math.max(0, ...observations.map((o) => o.StatusReport?.CheckedTime?.getTime() ?? 0));
    return { healthy: checkersHealthy(observations), at };
  }

  /** Sets the gate so Route 53 answers with `region`'s record; the version read guards the update. */
  async routeTo(region: string, deadline: number): Promise<ActionOutcome> {
    resourcesOf(this.resources, region);
    const HealthCheckId = this.resources.primaryGateHealthCheckId;
    const threshold = region === this.resources.primaryRegion ? FOLLOW : HOLD_ON_STANDBY;
    let version: number | undefined;
    try {
      const current = await this.client.send(new GetHealthCheckCommand({ HealthCheckId }), {
        abortSignal: deadlineSignal(deadline, this.clock),
      });
      if (current.HealthCheck?.HealthCheckConfig?.HealthThreshold === threshold) {
        return { ok: true, detail: `gate already routes to ${region}` };
      }
      version = current.HealthCheck?.HealthCheckVersion;
    } catch (error) {
      return failureOf(error, false);
    }
    try {
      await this.client.send(
        new UpdateHealthCheckCommand({
          HealthCheckId,
          HealthCheckVersion: version,
          HealthThreshold: threshold,
        }),
        { abortSignal: deadlineSignal(deadline, this.clock) },
      );
      return { ok: true, detail: `gate threshold ${threshold}: traffic to ${region}` };
    } catch (error) {
      return failureOf(error, true);
    }
  }

  /**
   * Polls until Route 53 would answer with `region`: the PRIMARY record while its gate holds
   * (threshold 1 and the primary ALB healthy), else the SECONDARY one, which Route 53 answers only
   * while the standby ALB is healthy.
   */
  verify(region: string, deadline: number): Promise<ActionOutcome> {
    const standby = Object.keys(this.resources.regions).find((r) => r !== this.resources.primaryRegion)!;
    const read = async () => {
      const gate = await this.client.send(
        new GetHealthCheckCommand({ HealthCheckId: this.resources.primaryGateHealthCheckId }),
        { abortSignal: deadlineSignal(deadline, this.clock) },
      );
      const follows = gate.HealthCheck?.HealthCheckConfig?.HealthThreshold === FOLLOW;
      const [primary, secondary] = await Promise.all([
        this.health(this.resources.primaryRegion, deadline),
        this.health(standby, deadline),
      ]);
      return (follows && primary.healthy) || !secondary.healthy ? this.resources.primaryRegion : standby;
    };
    return pollUntil(
      read,
      (serving) => serving === region || `Route 53 answers with ${serving}`,
      deadline,
      this.pollIntervalMs,
      this.clock,
    );
  }
}
