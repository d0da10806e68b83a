import * as z from '../../../shared/config/zod';
import type { Notification, Severity } from '../notification';
import { NotificationParseError, parseSnsMessage } from './sns';

/**
 * The alert topics carry more than the health check's notifications: the platform's CloudWatch
 * alarms and Auto Scaling publish to them too. The formatter renders every message, so each is
 * turned into a {@link Notification}: ours as they are, alarms from their state change, and
 * anything else as its subject and text.
 */

/** An SNS message as the formatter receives it. */
export interface TopicMessage {
  readonly message: string;
  readonly subject?: string | null;
  /** SNS message id: stable across redeliveries of the same message. */
  readonly messageId: string;
  /** ISO time SNS accepted the message. */
  readonly timestamp: string;
  /** The severity of the topic it came from. */
  readonly severity: Severity;
}

const alarmSchema = z.looseObject({
  AlarmName: z.string().check(z.minLength(1)),
  AlarmDescription: z.nullish(z.string()),
  NewStateValue: z.enum(['ALARM', 'OK', 'INSUFFICIENT_DATA']),
  NewStateReason: z.optional(z.string()),
  StateChangeTime: z.optional(z.string()),
  AWSAccountId: z.optional(z.string()),
  Region: z.optional(z.string()),
});

const TEXT_MAX = 1500;
const TITLE_MAX = 150;

/** Turns any message on an alert topic into a notification the chat formats can render. */
export function notificationFromTopicMessage(input: TopicMessage): Notification {
  try {
    return parseSnsMessage(input.message);
  } catch (error) {
    if (!(error instanceof NotificationParseError)) throw error;
  }
  let json: unknown;
  try {
    json = JSON.parse(input.message);
  } catch {
    json = undefined;
  }
  const alarm = alarmSchema.safeParse(json);
  return alarm.success ? fromAlarm(alarm.data, input) : fromText(input);
}

function fromAlarm(alarm: z.infer<typeof alarmSchema>, input: TopicMessage): Notification {
  const at = isoTime(alarm.StateChangeTime) ?? input.timestamp;
  const state = alarm.NewStateValue;
  const reason = alarm.NewStateReason ?? state;
  const description = alarm.AlarmDescription || alarm.AlarmName;
  return {
    version: 1,
    id: `alarm:${alarm.AlarmName}#${at}`,
    incidentId: `alarm:${alarm.AlarmName}`,
    kind: state === 'ALARM' ? 'opened' : state === 'OK' ? 'resolved' : 'updated',
    severity: input.severity,
    component: alarm.AlarmName,
    status:
      state === 'OK'
        ? 'healthy'
        : state === 'ALARM'
          ? input.severity === 'critical'
            ? 'down'
            : 'degraded'
          : 'unknown',
    title: truncate(
      state === 'OK' ? `${alarm.AlarmName} is back to OK` : `${alarm.AlarmName} is ${state}`,
      TITLE_MAX,
    ),
    reasons: [reason],
    checks: [
      {
        checkId: alarm.AlarmName,
        description: truncate(description, TITLE_MAX),
        status: state === 'OK' ? 'healthy' : state === 'ALARM' ? 'unhealthy' : 'unknown',
        ...(state === 'OK' ? {} : { error: truncate(reason, TEXT_MAX) }),
      },
    ],
    openedAt: at,
    at,
    labels: {
      source: 'cloudwatch-alarm',
      ...(alarm.AWSAccountId ? { account: alarm.AWSAccountId } : {}),
      ...(alarm.Region ? { region: alarm.Region } : {}),
    },
  };
}

function fromText(input: TopicMessage): Notification {
  const firstLine = input.message.split('\n', 1)[0]?.trim() ?? '';
  const title = truncate(input.subject?.trim() || firstLine || 'Message on the alert topic', TITLE_MAX);
  const id = `sns:${input.messageId}`;
  return {
    version: 1,
    id,
    incidentId: id,
    kind: 'updated',
    severity: input.severity,
    component: 'sns',
    status: 'unknown',
    title,
    reasons: [truncate(input.message, TEXT_MAX)],
    checks: [
      {
        checkId: 'message',
        description: 'Message',
        status: 'unknown',
        error: truncate(input.message, TEXT_MAX),
      },
    ],
    openedAt: input.timestamp,
    at: input.timestamp,
    labels: { source: 'sns' },
  };
}

/** CloudWatch writes `2026-01-01T00:00:00.000+0000`; channels get plain ISO. */
function isoTime(text: string | undefined): string | undefined {
  if (!text) return undefined;
  const ms = Date.parse(text.replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
