import type { DynamoDbAlertRules } from '../../adapters/aws/alert-rules-store';
import { SCALING_COMPONENT } from '../../adapters/aws/scaling/scaling-notifier';
import type { ScalingOutcome } from '../../core/scaling/service';
import type { ScalingLog } from './handler';

/** Writes alert holds: {@link DynamoDbAlertRules} in production. */
export type HoldWriter = Pick<DynamoDbAlertRules, 'setHold'>;

/** What the scale-out hold needs besides the outcome. */
export interface ScaleOutHoldContext {
  readonly writer: HoldWriter;
  /** How long new instances take to warm up; the hold ends then. */
  readonly warmupSeconds: number;
  readonly groupName: string;
  readonly runId: string;
  readonly now: number;
  readonly log: ScalingLog;
}

/**
 * After an actual scale-out, holds the `fleet` component's symptom alerts (the launching
 * instances failing their first checks) until the new instances have warmed up. A scale-in or a
 * later `none` leaves the hold to lapse on its own. A failed write is logged and ignored: the
 * capacity is already set, and the hold only spares the on-call a page.
 * @returns whether a hold was written.
 */
export async function holdAfterScaleOut(
  outcome: ScalingOutcome,
  context: ScaleOutHoldContext,
): Promise<boolean> {
  if (outcome.status !== 'decided' || outcome.action !== 'scaled' || outcome.decision.direction !== 'out')
    return false;
  const { writer, warmupSeconds, groupName, runId, now, log } = context;
  try {
    await writer.setHold({
      component: SCALING_COMPONENT,
      reason: 'scale-out',
      startedAt: now,
      until: now + warmupSeconds * 1000,
      setBy: `scaling ${groupName} ${runId}`,
    });
    return true;
  } catch (error) {
    log.warn(`scaling: could not set the alert hold on ${SCALING_COMPONENT}`, {
      eventKey: outcome.eventKey,
      component: SCALING_COMPONENT,
      error,
    });
    return false;
  }
}
