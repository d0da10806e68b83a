import * as z from '../../shared/config/zod';

/**
 * The one message format every channel is rendered from. It travels as the SNS message body
 * (JSON), so the formatter function can parse it back with {@link notificationSchema}.
 */

export const severitySchema = z.enum(['critical', 'warning', 'info']);
/** Which SNS topic, and how loudly. */
export type Severity = z.infer<typeof severitySchema>;

/** Severity order, for escalation. */
export const SEVERITY_RANK: Readonly<Record<Severity, number>> = { info: 0, warning: 1, critical: 2 };

export const notificationKindSchema = z.enum([
  'opened',
  'escalated',
  'updated',
  'reminder',
  'resolved',
  'held-summary',
]);
/** Why a notification is sent. */
export type NotificationKind = z.infer<typeof notificationKindSchema>;

export const suppressionSchema = z.strictObject({
  by: z.enum(['silence', 'inhibition', 'hold']),
  /** The silence id, the inhibiting component, or the hold's reason (`failover`, `scale-out`). */
  ref: z.string(),
  since: z.number(),
  /** Rounds the incident's alerts were suppressed for. */
  rounds: z.int(),
});
/** Why an incident's alerts are not sent right now. */
export type Suppression = z.infer<typeof suppressionSchema>;

// Built with the first parse: only the alert formatter parses notifications; the functions that
// publish them build none (esbuild drops the unused schema), which spares their cold start.
export const notificationSchema = z.lazy(() =>
  z.strictObject({
    version: z.literal(1),
    /** Unique per notification; receivers can de-duplicate on it. */
    id: z.string(),
    /** Stable for the whole incident (PagerDuty `dedup_key`). */
    incidentId: z.string(),
    kind: notificationKindSchema,
    severity: severitySchema,
    component: z.string(),
    status: z.enum(['healthy', 'degraded', 'down', 'unknown']),
    title: z.string(),
    reasons: z.array(z.string()),
    checks: z.array(
      z.strictObject({
        checkId: z.string(),
        description: z.string(),
        status: z.enum(['healthy', 'unhealthy', 'unknown', 'flapping']),
        error: z.optional(z.string()),
        warning: z.optional(z.string()),
      }),
    ),
    openedAt: z.iso.datetime(),
    at: z.iso.datetime(),
    resolvedAt: z.optional(z.iso.datetime()),
    durationMs: z.optional(z.int().check(z.nonnegative())),
    /** Set when alerts were held, silenced or inhibited before this notification. */
    held: z.optional(
      z.strictObject({ reasons: z.array(z.string()), since: z.iso.datetime(), rounds: z.int() }),
    ),
    labels: z.record(z.string(), z.string()),
  }),
);
/** A notification, whatever channel carries it. */
export type Notification = z.infer<typeof notificationSchema>;

/** The subject line every channel leads with, e.g. `[CRITICAL] api is down`. */
export function notificationHeadline(notification: Notification): string {
  const tag = notification.kind === 'resolved' ? 'RESOLVED' : notification.severity.toUpperCase();
  const scope = [notification.labels.platform, notification.labels.stage].filter(Boolean).join('/');
  return `[${tag}]${scope ? ` ${scope}` : ''} ${notification.title}`;
}

/** `4m 10s`, `2h 5m`, `12s`: durations as on-call engineers read them. */
export function humanDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = seconds % 60;
  if (days > 0) return `${days}d ${hours}h`;
  if (hours > 0) return `${hours}h ${minutes}m`;
  if (minutes > 0) return `${minutes}m ${rest}s`;
  return `${rest}s`;
}
