import type { Context, SNSEvent } from 'aws-lambda';
import {
  type ChatDeliveryDeps,
  deliverAlertMessages,
  type WebhookFailure,
} from '../../core/alerting/chat-delivery';
import { rejectedRun, writeRunRecord } from '../../core/runs/run-log';
import { InputError } from '../../shared/errors';
import type { FormatterSettings } from './settings';

/** What the formatter needs, built once per execution environment. */
export interface FormatterDeps extends Omit<ChatDeliveryDeps, 'channels' | 'topicSeverities'> {
  readonly settings: FormatterSettings;
}

/**
 * The invocation failed so Lambda retries it and, after the retries, sends the event to the
 * on-failure destination. Channels that got the message are skipped on the retry, in any
 * execution environment: each delivery is an event record in the state table.
 */
export class WebhookFanOutError extends Error {
  override readonly name = 'WebhookFanOutError';

  constructor(readonly failures: readonly WebhookFailure[]) {
    super(`not delivered: ${failures.map((f) => `${f.webhook} (${f.error})`).join('; ')}`);
  }
}

/**
 * The alert formatter: reads the SNS event, posts its messages to the chat channels
 * (`deliverAlertMessages`, functions/core/alerting/chat-delivery.ts) and fails the invocation
 * when a delivery must be retried.
 */
export function createFormatterHandler(deps: FormatterDeps) {
  const { settings, ...ports } = deps;
  const delivery: ChatDeliveryDeps = {
    ...ports,
    channels: settings.webhooks,
    topicSeverities: settings.topicSeverities,
  };
  return async (
    event: SNSEvent,
    context: Pick<Context, 'awsRequestId' | 'getRemainingTimeInMillis'>,
  ): Promise<{ delivered: number; failed: number }> => {
    const runId = context.awsRequestId;
    if (!Array.isArray(event?.Records)) {
      const error = new InputError('the event has no Records: expected an SNS event');
      writeRunRecord(
        deps.log,
        deps.metrics,
        rejectedRun('alert-formatter', runId, error.message, deps.run.clock(), true),
      );
      throw error;
    }
    const messages = event.Records.map(({ Sns }) => ({
      messageId: Sns?.MessageId,
      topicArn: Sns?.TopicArn,
      message: Sns?.Message,
      subject: Sns?.Subject,
      timestamp: Sns?.Timestamp,
    }));
    const deadline = deps.run.clock() + context.getRemainingTimeInMillis();
    const outcome = await deliverAlertMessages(delivery, messages, { runId, deadline });
    if (outcome.mustRetry.length > 0) throw new WebhookFanOutError(outcome.mustRetry);
    return { delivered: outcome.delivered, failed: outcome.failed };
  };
}
