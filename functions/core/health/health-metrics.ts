import type { ComponentStatus } from './rollup';

/**
 * The health check's CloudWatch metric names and values, shared by the function that emits them
 * (EMF, namespace `MisyBot/HA`) and the alarms in `lib/observability/health-alarms.ts` that read them.
 */

/** Metric names. `Check` and `Component` are the dimensions of the per-check and per-component ones. */
export const HEALTH_METRICS = {
  /** Per check and round: 1 when the probe saw the check up, 0 when down. */
  checkUp: 'CheckUp',
  /** Per check and round: the probe's latency in milliseconds. */
  checkLatency: 'CheckLatency',
  /** Per component and round: see {@link COMPONENT_STATUS_VALUE}. */
  componentStatus: 'ComponentStatus',
  /** 1 per completed round: the heartbeat. */
  rounds: 'HealthRounds',
  roundDuration: 'HealthRoundDuration',
  /** Per invocation: rounds that did not fit the remaining time. */
  roundsSkipped: 'HealthRoundsSkipped',
} as const;

/**
 * `ComponentStatus` values. Higher is worse, so an alarm reads "≥ 2" as "down" and a graph's
 * maximum shows the worst round. `unknown` (no check has a verdict) emits no datapoint: missing
 * data is the honest answer, and the heartbeat alarm covers a function that stopped running.
 */
export const COMPONENT_STATUS_VALUE: Readonly<Record<Exclude<ComponentStatus, 'unknown'>, number>> = {
  healthy: 0,
  degraded: 1,
  down: 2,
};
