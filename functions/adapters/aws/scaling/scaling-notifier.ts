import type { SNSClient } from '@aws-sdk/client-sns';
import type { Notification } from '../../../core/alerting/notification';
import { formatExplanation } from '../../../core/scaling/explain';
import { SCALING_COMPONENT } from '../../../core/scaling/holds';
import type { ScalingNotifier } from '../../../core/scaling/ports';
import type { ScalingDecision } from '../../../core/scaling/types';
import { publishNotification } from '../sns-publisher';

/** The two topics the scaling function may publish to. */
export interface ScalingTopics {
  readonly info: string;
  readonly warning: string;
}

/**
 * Publishes scaling notifications in the platform's one notification format (the same JSON the
 * health alerts carry, so the chat formatter and webhook subscribers read both), rendered by the
 * shared SNS formatter. `SnsNotifier` is not reused because it insists on a topic for every
 * severity, and the scaling function is granted only `info` and `warning`.
 */
export class SnsScalingNotifier implements ScalingNotifier {
  constructor(
    private readonly client: SNSClient,
    private readonly topics: ScalingTopics,
  ) {}

  async scaled(group: string, decision: ScalingDecision): Promise<void> {
    const verb = decision.direction === 'out' ? 'scaled out' : 'scaled in';
    await this.publish(this.topics.info, {
      ...base(group, decision, 'scaled'),
      severity: 'info',
      kind: 'updated',
      status: 'healthy',
      // ASCII arrow: SNS subjects are ASCII-only and the formatter would drop "→".
      title: `${group} ${verb} from ${decision.current} to ${decision.desired} instances`,
    });
  }

  async saturated(group: string, decision: ScalingDecision): Promise<void> {
    await this.publish(this.topics.warning, {
      ...base(group, decision, 'saturated'),
      severity: 'warning',
      kind: 'opened',
      status: 'degraded',
      title: `${group} is at its maximum of ${decision.explanation.bounds.max} instances and the policies ask for ${wanted(decision)}`,
    });
  }

  private async publish(topicArn: string, notification: Notification): Promise<void> {
    await publishNotification(this.client, topicArn, notification);
  }
}

/** The largest capacity any policy asked for: what the group would need without its maximum. */
function wanted(decision: ScalingDecision): number {
  const asks = decision.explanation.policies.map((p) => p.recommendation ?? 0);
  return Math.max(decision.recommendation, ...asks);
}

function base(
  group: string,
  decision: ScalingDecision,
  what: string,
): Omit<Notification, 'severity' | 'kind' | 'status' | 'title'> {
  const at = new Date(decision.time).toISOString();
  return {
    version: 1,
    id: `${SCALING_COMPONENT}:${group}@${at}#${what}`,
    incidentId: `${SCALING_COMPONENT}:${group}@${at}#${what}`,
    component: SCALING_COMPONENT,
    reasons: formatExplanation(decision.explanation).trimEnd().split('\n'),
    checks: [],
    openedAt: at,
    at,
    labels: { autoScalingGroup: group },
  };
}
