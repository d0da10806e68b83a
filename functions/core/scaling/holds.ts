import type { AlertHolds } from './ports';
import type { ScalingDecision } from './types';

/** The health engine's component the fleet's checks belong to (and scaling alerts name). */
export const SCALING_COMPONENT = 'fleet';

/** Who set a hold, and for how long new instances take to warm up. */
export interface ScaleOutHold {
  readonly groupName: string;
  readonly runId: string;
  /** The effective policy's warm-up: the hold ends when the new instances count. */
  readonly warmupSeconds: number;
  readonly now: number;
}

/**
 * After an actual scale-out, holds the `fleet` component's symptom alerts (the launching instances
 * failing their first checks) until the new instances have warmed up. A scale-in or a `none`
 * leaves an earlier hold to lapse on its own.
 * @returns whether a hold is due; a failed write throws (the caller reports it, the capacity stands).
 */
export async function holdAfterScaleOut(
  holds: AlertHolds,
  decision: ScalingDecision,
  acted: boolean,
  hold: ScaleOutHold,
): Promise<boolean> {
  if (!acted || decision.direction !== 'out') return false;
  await holds.setHold({
    component: SCALING_COMPONENT,
    reason: 'scale-out',
    startedAt: hold.now,
    until: hold.now + hold.warmupSeconds * 1000,
    setBy: `scaling ${hold.groupName} ${hold.runId}`,
  });
  return true;
}
