import type { PolicySet } from './policy-schema';

// What a validated policy set reads from the metrics store: the scaling function's reader and
// the simulation ask; the schema (policy-schema.ts) only says what a policy set is.

/**
 * Every metric the policy set reads: its policies' metrics, their leading signals' load counts
 * and the load a scale-out's headroom reads its ramp from.
 */
export function metricNames(policy: PolicySet): string[] {
  const headroom = policy.behaviour.scaleOut.headroom;
  return [
    ...new Set([
      ...[...policy.targetTracking, ...policy.step].map((p) => p.metric),
      ...policy.targetTracking.flatMap((p) => (p.leading ? [p.leading.load, p.leading.loadPerTarget] : [])),
      ...(headroom ? [headroom.load] : []),
    ]),
  ];
}

/**
 * Seconds of metric history a decision reads: the policy's window, or more for a leading
 * signal's calibration or a scale-out headroom's ramp.
 */
export function metricReadSeconds(policy: PolicySet): number {
  return Math.max(
    policy.metrics.windowSeconds,
    ...policy.targetTracking.map((p) => p.leading?.calibrationSeconds ?? 0),
    policy.behaviour.scaleOut.headroom?.windowSeconds ?? 0,
  );
}
