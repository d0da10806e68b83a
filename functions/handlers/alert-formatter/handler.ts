import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SNSEvent, SNSEventRecord } from 'aws-lambda';
import { WebhookSecretError, type WebhookUrlSource } from '../../adapters/aws/webhook-secrets';
import { type WebhookDelivery, WebhookDeliveryError } from '../../adapters/http/webhook-poster';
import { toSlackMessage } from '../../core/alerting/formats/slack';
import { toTeamsMessage } from '../../core/alerting/formats/teams';
import { notificationFromTopicMessage } from '../../core/alerting/formats/topic-message';
import type { Notification } from '../../core/alerting/notification';
import { InputError } from '../../shared/errors';
import type { DeliveryMemo } from './delivery-memo';
import type { FormatterSettings, WebhookTarget } from './settings';

/** What the formatter needs, built once per execution environment. */
export interface FormatterDeps {
  readonly settings: FormatterSettings;
  readonly urls: WebhookUrlSource;
  /** `postWebhook` with its retry options. */
  readonly post: (url: string, body: unknown) => Promise<WebhookDelivery>;
  readonly delivered: DeliveryMemo;
  readonly logger: Logger;
  readonly metrics: Metrics;
}

/** One webhook that did not get a message. */
export interface WebhookFailure {
  readonly messageId: string;
  /** `slack critical #1`: never the URL. */
  readonly webhook: string;
  readonly error: string;
  /** A retry cannot help: the channel refused the message or its secret is unusable. */
  readonly permanent: boolean;
}

/**
 * The invocation failed so Lambda retries it and, after the retries, sends the event to the
 * on-failure destination. Already-delivered channels are skipped on a retry in the same
 * environment.
 */
export class WebhookFanOutError extends Error {
  override readonly name = 'WebhookFanOutError';

  constructor(readonly failures: readonly WebhookFailure[]) {
    super(`not delivered: ${failures.map((f) => `${f.webhook} (${f.error})`).join('; ')}`);
  }
}

/**
 * Posts each alert-topic message to the Slack and Teams webhooks of its topic's severity, all
 * at once. Failure policy: a permanent failure (4xx other than 429, unusable secret) is reported
 * and does not fail the invocation when another channel got the message, because a retry would
 * not help and would repeat the message elsewhere; the invocation fails (Lambda retries, then
 * the on-failure queue keeps the event) when a failure may be transient or when no channel got
 * the message at all.
 */
export function createFormatterHandler(deps: FormatterDeps) {
  const { logger, metrics } = deps;
  return async (event: SNSEvent): Promise<{ delivered: number; failed: number }> => {
    if (!Array.isArray(event?.Records))
      throw new InputError('the event has no Records: expected an SNS event');
    let delivered = 0;
    const mustRetry: WebhookFailure[] = [];
    let failedCount = 0;
    for (const record of event.Records) {
      const outcome = await deliverRecord(deps, record);
      delivered += outcome.delivered;
      failedCount += outcome.failures.length;
      const nothingDelivered = outcome.delivered === 0 && outcome.failures.length > 0;
      if (nothingDelivered || outcome.failures.some((f) => !f.permanent)) mustRetry.push(...outcome.failures);
      else if (outcome.failures.length > 0) {
        logger.error('Some webhooks did not get the message; not retried (permanent failures)', {
          failures: outcome.failures,
        });
      }
    }
    metrics.addMetric('WebhookDeliveries', MetricUnit.Count, delivered);
    metrics.addMetric('WebhookFailures', MetricUnit.Count, failedCount);
    if (mustRetry.length > 0) {
      logger.error('Webhook delivery failed; the invocation fails for a retry', { failures: mustRetry });
      throw new WebhookFanOutError(mustRetry);
    }
    return { delivered, failed: failedCount };
  };
}

async function deliverRecord(
  deps: FormatterDeps,
  record: SNSEventRecord,
): Promise<{ delivered: number; failures: WebhookFailure[] }> {
  const { settings, logger } = deps;
  const sns = record.Sns;
  const severity = settings.topicSeverities.get(sns.TopicArn);
  if (severity === undefined) {
    throw new InputError(`message ${sns.MessageId} came from ${sns.TopicArn}, which is not an alert topic`);
  }
  const notification = notificationFromTopicMessage({
    message: sns.Message,
    subject: sns.Subject,
    messageId: sns.MessageId,
    timestamp: sns.Timestamp,
    severity,
  });
  const targets = settings.webhooks
    .map((target, index) => ({ target, key: `${sns.MessageId}#${index}`, label: label(target, index) }))
    .filter(({ target }) => target.severity === severity);
  const pending = targets.filter(({ key }) => !deps.delivered.has(key));
  const results = await Promise.allSettled(
    pending.map(async ({ target, key }) => {
      const url = await deps.urls.url(target.secretArn);
      const delivery = await deps.post(url, render(target, notification));
      deps.delivered.add(key);
      return delivery;
    }),
  );
  const failures: WebhookFailure[] = [];
  results.forEach((result, index) => {
    if (result.status === 'fulfilled') return;
    const error = result.reason as Error;
    failures.push({
      messageId: sns.MessageId,
      webhook: pending[index]!.label,
      error: `${error.name}: ${error.message}`,
      permanent: isPermanent(error),
    });
  });
  const delivered = targets.length - failures.length;
  logger.info('Alert delivered to chat', {
    messageId: sns.MessageId,
    notificationId: notification.id,
    kind: notification.kind,
    severity,
    webhooks: targets.length,
    alreadyDelivered: targets.length - pending.length,
    delivered,
    failed: failures.length,
  });
  return { delivered, failures };
}

function render(target: WebhookTarget, notification: Notification): unknown {
  return target.protocol === 'slack' ? toSlackMessage(notification) : toTeamsMessage(notification);
}

function label(target: WebhookTarget, index: number): string {
  return `${target.protocol} ${target.severity} #${index + 1}`;
}

const PERMANENT_SDK_ERRORS = new Set([
  'ResourceNotFoundException',
  'AccessDeniedException',
  'DecryptionFailure',
]);

function isPermanent(error: Error): boolean {
  if (error instanceof WebhookSecretError) return true;
  if (error instanceof WebhookDeliveryError) {
    return error.status !== undefined && error.status >= 400 && error.status < 500 && error.status !== 429;
  }
  return PERMANENT_SDK_ERRORS.has(error.name);
}
