import { randomUUID } from 'node:crypto';
import type { Notification } from '../../../core/alerting/notification';
import type { FailoverAlert, Notifier } from '../../../core/failover/ports';

/** Publishes an alerting notification, as `SnsNotifier` (sns-publisher.ts) does. */
export interface NotificationPublisher {
  publish(notification: Notification): Promise<void>;
}

/** Options of the failover notifier; the defaults are the real ones. */
export interface FailoverNotifierOptions {
  /** Added to every notification's labels, e.g. `platform` and `stage` for the headline. @default {} */
  readonly labels?: Readonly<Record<string, string>>;
  /** @default Date.now */
  readonly clock?: () => number;
  /** @default crypto.randomUUID */
  readonly newId?: () => string;
}

// The alerting format has no failover vocabulary; this is how loud each alert reads there.
const STATUS_BY_SEVERITY = { critical: 'down', warning: 'degraded', info: 'healthy' } as const;

/**
 * A failover alert in the alerting format, so failover alerts reach email, SMS, webhooks and
 * the Slack/Teams formatter exactly like health alerts. The message (the incident timeline the
 * engine summarised: detected → decided → switched → recovered, then one line per action)
 * becomes the notification's reasons, one line each.
 */
export function failoverNotification(
  alert: FailoverAlert,
  at: number,
  id: string,
  labels: Readonly<Record<string, string>> = {},
): Notification {
  const when = new Date(at).toISOString();
  return {
    version: 1,
    id,
    incidentId: alert.incidentId ?? `failover-${alert.component}`,
    kind: 'updated',
    severity: alert.severity,
    component: alert.component,
    status: STATUS_BY_SEVERITY[alert.severity],
    title: alert.subject,
    reasons: alert.message.split('\n').filter((line) => line.trim() !== ''),
    checks: [],
    openedAt: when,
    at: when,
    labels: { ...labels, engine: 'failover', failoverComponent: alert.component },
  };
}

/**
 * The failover engine's notifier over the platform's SNS topics. The topic is chosen by the
 * alert's severity by the publisher; a failed publish throws, and the engine records the alert
 * as undelivered without failing the operation.
 */
export class SnsFailoverNotifier implements Notifier {
  private readonly clock: () => number;
  private readonly newId: () => string;
  private readonly labels: Readonly<Record<string, string>>;

  constructor(
    private readonly publisher: NotificationPublisher,
    options: FailoverNotifierOptions = {},
  ) {
    this.clock = options.clock ?? Date.now;
    this.newId = options.newId ?? randomUUID;
    this.labels = options.labels ?? {};
  }

  send(alert: FailoverAlert): Promise<void> {
    return this.publisher.publish(failoverNotification(alert, this.clock(), this.newId(), this.labels));
  }
}
