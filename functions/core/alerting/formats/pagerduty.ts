import type { Notification } from '../notification';

/** A PagerDuty Events API v2 event (`POST https://events.pagerduty.com/v2/enqueue`). */
export interface PagerDutyEvent {
  readonly routing_key: string;
  readonly event_action: 'trigger' | 'resolve';
  /** The incident id: PagerDuty folds every event of one incident into one alert. */
  readonly dedup_key: string;
  readonly payload?: {
    readonly summary: string;
    readonly source: string;
    readonly severity: 'critical' | 'error' | 'warning' | 'info';
    readonly timestamp: string;
    readonly component: string;
    readonly group?: string;
    readonly class: string;
    readonly custom_details: Record<string, unknown>;
  };
}

const SUMMARY_MAX = 1024;

/**
 * Renders a notification as a PagerDuty event: `resolved` resolves the alert, everything else
 * triggers (re-triggering an open alert only updates it). A held summary returns `undefined`:
 * nothing was paged, so there is nothing to open or resolve in PagerDuty.
 */
export function toPagerDutyEvent(notification: Notification, routingKey: string): PagerDutyEvent | undefined {
  if (notification.kind === 'held-summary') return undefined;
  if (notification.kind === 'resolved') {
    return { routing_key: routingKey, event_action: 'resolve', dedup_key: notification.incidentId };
  }
  const source =
    [notification.labels.platform, notification.labels.stage].filter(Boolean).join('/') || 'misybot-ha';
  const summary =
    notification.title.length > SUMMARY_MAX
      ? `${notification.title.slice(0, SUMMARY_MAX - 1)}…`
      : notification.title;
  return {
    routing_key: routingKey,
    event_action: 'trigger',
    dedup_key: notification.incidentId,
    payload: {
      summary,
      source,
      severity: notification.severity,
      timestamp: notification.at,
      component: notification.component,
      ...(notification.labels.stage ? { group: notification.labels.stage } : {}),
      class: notification.kind,
      custom_details: {
        status: notification.status,
        reasons: notification.reasons,
        checks: notification.checks,
        opened_at: notification.openedAt,
        ...(notification.held ? { held: notification.held } : {}),
      },
    },
  };
}
