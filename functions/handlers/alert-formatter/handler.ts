import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, SNSEvent, SNSEventRecord } from 'aws-lambda';
import { WebhookSecretError, type WebhookUrlSource } from '../../adapters/aws/webhook-secrets';
import { type WebhookDelivery, WebhookDeliveryError } from '../../adapters/http/webhook-poster';
import { toSlackMessage } from '../../core/alerting/formats/slack';
import { toTeamsMessage } from '../../core/alerting/formats/teams';
import { notificationFromTopicMessage } from '../../core/alerting/formats/topic-message';
import type { Notification } from '../../core/alerting/notification';
import { type Concluded, type GuardedRunDeps, runGuarded } from '../../core/runs/guarded-run';
import { describeError } from '../../core/runs/record';
import { rejectedRun, writeRunRecord } from '../../core/runs/run-log';
import { InputError } from '../../shared/errors';
import type { FormatterSettings, WebhookTarget } from './settings';

/** What the formatter needs, built once per execution environment. */
export interface FormatterDeps {
  readonly settings: FormatterSettings;
  readonly urls: WebhookUrlSource;
  /** `postWebhook` with its retry options. */
  readonly post: (url: string, body: unknown) => Promise<WebhookDelivery>;
  /** Event records, one per message and channel: a retry posts only to the channels that missed it. */
  readonly run: GuardedRunDeps;
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
 * Posts each alert-topic message to the Slack and Teams webhooks of its topic's severity, all
 * at once, each delivery once (an event record per message and channel). Failure policy: a
 * permanent failure (4xx other than 429, unusable secret) is reported and does not fail the
 * invocation when another channel got the message, because a retry would not help; the
 * invocation fails (Lambda retries, then the on-failure queue keeps the event) when a failure may
 * be transient or when no channel got the message at all. Every message ends in a run record.
 */
export function createFormatterHandler(deps: FormatterDeps) {
  const { logger, metrics } = deps;
  return async (
    event: SNSEvent,
    context: Pick<Context, 'awsRequestId' | 'getRemainingTimeInMillis'>,
  ): Promise<{ delivered: number; failed: number }> => {
    const runId = context.awsRequestId;
    if (!Array.isArray(event?.Records)) {
      const error = new InputError('the event has no Records: expected an SNS event');
      writeRunRecord(
        logger,
        metrics,
        rejectedRun('alert-formatter', runId, error.message, deps.run.clock(), true),
      );
      throw error;
    }
    const deadline = deps.run.clock() + context.getRemainingTimeInMillis();
    let delivered = 0;
    let failedCount = 0;
    const mustRetry: WebhookFailure[] = [];
    for (const record of event.Records) {
      const guarded = await runGuarded(
        deps.run,
        {
          fn: 'alert-formatter',
          eventKey: `alert-formatter#${record.Sns?.MessageId}`,
          runId,
          deadline,
          // The message as a whole has no record of its own: each channel's delivery has one.
          repeatable: true,
        },
        async () => conclude(await deliverRecord(deps, record, deadline)),
      );
      const outcome = guarded.value;
      writeRunRecord(logger, metrics, guarded.record, {
        messageId: record.Sns?.MessageId,
        ...(outcome ? { failures: outcome.failures } : {}),
      });
      if (outcome === undefined) {
        // The message could not be read at all (a topic that is not an alert topic, a bad body).
        throw new InputError(guarded.record.reason);
      }
      delivered += outcome.delivered;
      failedCount += outcome.failures.length;
      if (guarded.record.event === 'retry') mustRetry.push(...outcome.failures);
    }
    metrics.addMetric('WebhookDeliveries', MetricUnit.Count, delivered);
    metrics.addMetric('WebhookFailures', MetricUnit.Count, failedCount);
    if (mustRetry.length > 0) throw new WebhookFanOutError(mustRetry);
    return { delivered, failed: failedCount };
  };
}

/** What one message's fan-out did: new deliveries, channels that already had it, failures. */
interface RecordOutcome {
  readonly delivered: number;
  readonly already: number;
  readonly failures: readonly WebhookFailure[];
}

function conclude(outcome: RecordOutcome): Concluded<RecordOutcome> {
  const { delivered, already, failures } = outcome;
  const counts = `${delivered} delivered, ${already} already delivered, ${failures.length} failed`;
  const nothingDelivered = delivered + already === 0 && failures.length > 0;
  const retry = nothingDelivered || failures.some((f) => !f.permanent);
  if (failures.length > 0) {
    const detail = failures.map((f) => `${f.webhook} (${f.error})`).join('; ');
    return {
      status: 'failed',
      reason: `${counts}: ${detail}${retry ? '' : '; permanent, not retried'}`,
      retry,
      value: outcome,
    };
  }
  return { status: delivered > 0 ? 'acted' : 'skipped', reason: counts, retry: false, value: outcome };
}

async function deliverRecord(
  deps: FormatterDeps,
  record: SNSEventRecord,
  deadline: number,
): Promise<RecordOutcome> {
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
    .map((target, index) => ({
      target,
      key: `alert-formatter#${sns.MessageId}#${index}`,
      label: label(target, index),
    }))
    .filter(({ target }) => target.severity === severity);
  const onces = await Promise.all(
    targets.map(({ target, key }) =>
      deps.run.idempotency.once({ key, deadline }, async () => {
        const url = await deps.urls.url(target.secretArn);
        const delivery = await deps.post(url, render(target, notification));
        return { status: delivery.status };
      }),
    ),
  );
  let delivered = 0;
  let already = 0;
  const failures: WebhookFailure[] = [];
  onces.forEach((once, index) => {
    const webhook = targets[index]!.label;
    switch (once.kind) {
      case 'ran':
        delivered++;
        if (once.completionError !== undefined) {
          logger.warn('Delivered, but its record was not saved: a retry may post it again', {
            messageId: sns.MessageId,
            webhook,
            error: describeError(once.completionError),
          });
        }
        return;
      case 'replayed':
        already++;
        return;
      case 'failed': {
        const error = once.error as Error;
        failures.push({
          messageId: sns.MessageId,
          webhook,
          error: `${error.name}: ${error.message}`,
          permanent: isPermanent(error),
        });
        return;
      }
      default:
        failures.push({
          messageId: sns.MessageId,
          webhook,
          error:
            once.kind === 'unclaimed'
              ? `delivery record: ${describeError(once.error)}`
              : `delivery record: ${once.kind === 'in-progress' ? 'another invocation holds it in progress' : once.kind}`,
          permanent: false,
        });
    }
  });
  logger.info('Alert delivered to chat', {
    messageId: sns.MessageId,
    notificationId: notification.id,
    kind: notification.kind,
    severity,
    webhooks: targets.length,
    alreadyDelivered: already,
    delivered,
    failed: failures.length,
  });
  return { delivered, already, failures };
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
