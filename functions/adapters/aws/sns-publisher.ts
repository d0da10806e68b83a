import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { toSnsMessage } from '../../core/alerting/formats/sns';
import type { Notification, Severity } from '../../core/alerting/notification';
import type { Notifier } from '../../core/alerting/service';

const TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/;

/** A topic map that cannot route every severity. */
export class InvalidTopicError extends Error {
  override readonly name = 'InvalidTopicError';
}

/**
 * Publishes notifications to the SNS topic of their severity: a human subject for email and
 * SMS subscribers, the notification as JSON for the formatter function and HTTPS endpoints, and
 * `severity`, `kind` and `component` message attributes for subscription filter policies.
 */
export class SnsNotifier implements Notifier {
  /** @throws {InvalidTopicError} when a severity has no topic ARN, so wiring fails at start, not mid-incident. */
  constructor(
    private readonly client: SNSClient,
    private readonly topicArns: Readonly<Record<Severity, string>>,
  ) {
    for (const severity of ['critical', 'warning', 'info'] as const) {
      const arn = topicArns[severity];
      if (!TOPIC_ARN.test(arn ?? '')) {
        throw new InvalidTopicError(
          `no SNS topic ARN for severity "${severity}", got ${JSON.stringify(arn)}`,
        );
      }
    }
  }

  async publish(notification: Notification): Promise<void> {
    await publishNotification(this.client, this.topicArns[notification.severity], notification);
  }
}

/**
 * Publishes one notification to one topic in the platform's SNS format (subject, JSON message,
 * string message attributes), for publishers that route by something other than severity.
 */
export async function publishNotification(
  client: SNSClient,
  topicArn: string,
  notification: Notification,
): Promise<void> {
  const { subject, message, attributes } = toSnsMessage(notification);
  await client.send(
    new PublishCommand({
      TopicArn: topicArn,
      Subject: subject,
      Message: message,
      MessageAttributes: Object.fromEntries(
        Object.entries(attributes).map(([name, value]) => [name, { DataType: 'String', StringValue: value }]),
      ),
    }),
  );
}
