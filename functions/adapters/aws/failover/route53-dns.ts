import {
  GetHealthCheckCommand,
  GetHealthCheckStatusCommand,
  type HealthCheckObservation,
  type Route53Client,
  UpdateHealthCheckCommand,
} from '@aws-sdk/client-route-53';
import type { ActionOutcome, DnsSide, HealthSnapshot } from '../../../core/failover/types';
import { failureOf } from './aws-errors';
import { type AdapterClock, deadlineSignal, pollUntil, systemClock } from './polling';

/** The Route 53 health checks behind the failover records. */
export interface DnsFailoverConfig {
  /** The health check of the PRIMARY failover record; inverted to force a failover. */
  readonly primaryHealthCheckId: string;
  /** The SECONDARY record's health check; a record without one is always healthy to Route 53. */
  readonly secondaryHealthCheckId?: string;
  /** @default 5000 */
  readonly pollIntervalMs?: number;
}

/**
 * Route 53 considers an endpoint healthy when more than 18% of its checkers do. Checkers
 * report the endpoint's own result ("Success: HTTP Status Code 200, OK"); inversion is applied
 * on top, by Route 53, when it decides which record to answer with.
 */
export function checkersHealthy(observations: readonly HealthCheckObservation[] | undefined): boolean {
  const reports = observations ?? [];
  if (reports.length === 0) return false;
  const healthy = reports.filter((o) => o.StatusReport?.Status?.startsWith('Success')).length;
  return healthy / reports.length > 0.18;
}

/** Forces and verifies DNS failover through the primary's health check. */
export class Route53Dns {
  private readonly pollIntervalMs: number;

  constructor(
    private readonly client: Route53Client,
    private readonly config: DnsFailoverConfig,
    private readonly clock: AdapterClock = systemClock,
  ) {
    this.pollIntervalMs = config.pollIntervalMs ?? 5000;
  }

  /**
   * Sets `Inverted` on the primary's health check. The update carries the version just read,
   * so an edit made meanwhile by someone else fails (`HealthCheckVersionMismatch`) instead of
   * being overwritten; a check already in the wanted state is left alone.
   */
  async setInverted(inverted: boolean, deadline: number): Promise<ActionOutcome> {
    const HealthCheckId = this.config.primaryHealthCheckId;
    let version: number | undefined;
    try {
      const current = await this.client.send(new GetHealthCheckCommand({ HealthCheckId }), {
        abortSignal: deadlineSignal(deadline, this.clock),
      });
      if ((current.HealthCheck?.HealthCheckConfig?.Inverted ?? false) === inverted) {
        return {
          ok: true,
          detail: `health check ${HealthCheckId} already ${inverted ? 'inverted' : 'not inverted'}`,
        };
      }
      version = current.HealthCheck?.HealthCheckVersion;
    } catch (error) {
      return failureOf(error, false);
    }
    try {
      await this.client.send(
        new UpdateHealthCheckCommand({ HealthCheckId, HealthCheckVersion: version, Inverted: inverted }),
        { abortSignal: deadlineSignal(deadline, this.clock) },
      );
      return { ok: true, detail: `health check ${HealthCheckId} ${inverted ? 'inverted' : 'restored'}` };
    } catch (error) {
      return failureOf(error, true);
    }
  }

  /** Waits until Route 53 would answer with the `expect` record, judged from config and checkers. */
  verifyRouting(expect: DnsSide, deadline: number): Promise<ActionOutcome> {
    const HealthCheckId = this.config.primaryHealthCheckId;
    const read = async () => {
      const abortSignal = deadlineSignal(deadline, this.clock);
      const check = await this.client.send(new GetHealthCheckCommand({ HealthCheckId }), { abortSignal });
      const status = await this.client.send(new GetHealthCheckStatusCommand({ HealthCheckId }), {
        abortSignal,
      });
      const inverted = check.HealthCheck?.HealthCheckConfig?.Inverted ?? false;
      return checkersHealthy(status.HealthCheckObservations) !== inverted;
    };
    return pollUntil(
      read,
      (primaryServes) =>
        primaryServes === (expect === 'primary') ||
        `Route 53 still routes to the ${primaryServes ? 'primary' : 'secondary'}`,
      deadline,
      this.pollIntervalMs,
      this.clock,
    );
  }

  /**
   * The endpoints' own health (not inverted), as the health checkers see them, and whether
   * Route 53 sends users to the primary (its check not inverted, or inverted but failing).
   */
  async observe(): Promise<HealthSnapshot> {
    const status = (id: string) =>
      this.client
        .send(new GetHealthCheckStatusCommand({ HealthCheckId: id }))
        .then((r) => checkersHealthy(r.HealthCheckObservations));
    const secondaryId = this.config.secondaryHealthCheckId;
    const [primary, secondary, check] = await Promise.all([
      status(this.config.primaryHealthCheckId),
      secondaryId ? status(secondaryId) : Promise.resolve(true),
      this.client.send(new GetHealthCheckCommand({ HealthCheckId: this.config.primaryHealthCheckId })),
    ]);
    const inverted = check.HealthCheck?.HealthCheckConfig?.Inverted ?? false;
    return {
      primary: { id: 'primary', healthy: primary },
      standbys: [{ id: 'secondary', healthy: secondary }],
      usersReachPrimary: primary !== inverted,
    };
  }
}
