/**
 * The failover engine's settings. The first six come from `failover` in the platform config;
 * the rest are engine tunables with defaults chosen for Aurora, Route 53 and ElastiCache as
 * they behave in production.
 */
export interface FailoverCoreSettings {
  /** Fail back on recovery without an operator. @default false */
  readonly autoFailback: boolean;
  /** The primary must be healthy at least this long before an automatic failback. @default 300 */
  readonly holdDownSeconds: number;
  /** Automatic failovers allowed per rolling hour; the next one halts automation and pages. @default 2 */
  readonly maxAutomaticFailoversPerHour: number;
  /** A standby trailing the primary by more than this is not a failover target. @default 10 */
  readonly maxReplicaLagSeconds: number;
  /** Distinct probe rounds in a row that saw the primary unhealthy before an automatic failover. @default 3 */
  readonly failureThreshold: number;
  /**
   * And the time from the first to the last of those observations: deliveries close together are
   * not evidence that a failure lasts. An alarm in `ALARM` carries its own evaluation time. @default 60
   */
  readonly minUnhealthySeconds: number;
  /** Observations within one probe round (of the health engine's interval) count once. @default 10 */
  readonly probeRoundSeconds: number;
  /**
   * The primary's observed health flipping this many times within {@link flapWindowSeconds} holds
   * automatic failover (like the health engine's flapping verdict); flips since a failover hold
   * automatic failback. @default 4
   */
  readonly flapTransitions: number;
  /** @default 300 */
  readonly flapWindowSeconds: number;
  /** Distinct probe rounds in a row that saw the primary healthy before an automatic failback. @default 3 */
  readonly recoveryConsecutiveChecks: number;
  /**
   * Automatic failovers and drills start at least this long after the previous switch, so a
   * flapping primary cannot bounce the component. Manual failover overrides it. @default 600
   */
  readonly minSecondsBetweenFailovers: number;
  /** A standby must have at least this fraction of the primary's capacity. @default 0.5 */
  readonly standbyCapacityFraction: number;
  /**
   * How long an operation holds its lease. Longer than the slowest plan (an Aurora failover plus
   * the wait for the writer), shorter than nothing: a run that dies is taken over after it.
   * @default 900
   */
  readonly operationLeaseSeconds: number;
  /** The deadline for each action, waits included. @default 300 */
  readonly actionTimeoutSeconds: number;
  /**
   * ElastiCache `TestFailover` calls allowed per rolling 24 hours. AWS caps the API per account
   * (5 node groups a day in older documentation, 15 today); the lower figure keeps headroom for
   * other tooling. @default 5
   */
  readonly maxTestFailoversPer24Hours: number;
  /** Aurora clusters fail over to a reader; RDS Multi-AZ instances reboot with failover. @default 'aurora-cluster' */
  readonly databaseKind: 'aurora-cluster' | 'multi-az-instance';
  /** The reader to promote when it passes the pre-checks; otherwise the healthy one with the lowest lag. */
  readonly preferredDatabaseTarget?: string;
  /** How long claimed event ids are remembered. @default 604800 */
  readonly eventRetentionSeconds: number;
}

/** The defaults, matching the platform config's `failover` defaults where they overlap. */
export const defaultFailoverSettings: FailoverCoreSettings = {
  autoFailback: false,
  holdDownSeconds: 300,
  maxAutomaticFailoversPerHour: 2,
  maxReplicaLagSeconds: 10,
  failureThreshold: 3,
  minUnhealthySeconds: 60,
  probeRoundSeconds: 10,
  flapTransitions: 4,
  flapWindowSeconds: 300,
  recoveryConsecutiveChecks: 3,
  minSecondsBetweenFailovers: 600,
  standbyCapacityFraction: 0.5,
  operationLeaseSeconds: 900,
  actionTimeoutSeconds: 300,
  maxTestFailoversPer24Hours: 5,
  databaseKind: 'aurora-cluster',
  eventRetentionSeconds: 7 * 24 * 3600,
};

/**
 * Completes `overrides` with the defaults. Accepts the platform config's `failover` slice as it is:
 * fields the engine does not use (records, TTLs) are ignored.
 */
export function resolveFailoverSettings(overrides: Partial<FailoverCoreSettings> = {}): FailoverCoreSettings {
  const merged: FailoverCoreSettings = { ...defaultFailoverSettings };
  for (const key of Object.keys(defaultFailoverSettings) as (keyof FailoverCoreSettings)[]) {
    if (overrides[key] !== undefined) Object.assign(merged, { [key]: overrides[key] });
  }
  if (overrides.preferredDatabaseTarget !== undefined)
    Object.assign(merged, { preferredDatabaseTarget: overrides.preferredDatabaseTarget });
  return merged;
}
