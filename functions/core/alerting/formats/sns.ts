import { type Notification, notificationHeadline, notificationSchema } from '../notification';

/** An SNS publish: a human subject, the notification as JSON, and attributes to filter on. */
export interface SnsMessage {
  /** ASCII, no line breaks, under 100 characters (SNS rejects anything else). */
  readonly subject: string;
  readonly message: string;
  readonly attributes: Readonly<Record<'severity' | 'kind' | 'component', string>>;
}

const SUBJECT_MAX = 99;

/** Renders a notification for SNS; email subscribers see the subject, machines parse the message. */
export function toSnsMessage(notification: Notification): SnsMessage {
  return {
    subject: snsSubject(notificationHeadline(notification)),
    message: JSON.stringify(notification),
    attributes: {
      severity: notification.severity,
      kind: notification.kind,
      component: notification.component,
    },
  };
}

/** Parses an SNS message body back into a notification (the formatter function's input). */
export function parseSnsMessage(message: string): Notification {
  let json: unknown;
  try {
    json = JSON.parse(message);
  } catch (error) {
    throw new NotificationParseError('the SNS message is not JSON', { cause: error });
  }
  const result = notificationSchema.safeParse(json);
  if (!result.success) {
    const fields = result.error.issues.map((issue) => issue.path.join('.') || '(root)').join(', ');
    throw new NotificationParseError(`the SNS message is not a notification (fields: ${fields})`, {
      cause: result.error,
    });
  }
  return result.data;
}

/** An SNS message that is not a notification this code wrote. */
export class NotificationParseError extends Error {
  override readonly name = 'NotificationParseError';
}

function snsSubject(text: string): string {
  const ascii = text
    .normalize('NFKD')
    .replace(/[\u2013\u2014]/g, '-')
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[^\x20-\x7e]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  const subject = ascii.length > SUBJECT_MAX ? `${ascii.slice(0, SUBJECT_MAX - 3)}...` : ascii;
  // SNS wants the subject to start with a letter, digit or punctuation; ours starts with "[".
  return subject.length > 0 ? subject : 'MisyBot alert';
}
