import { InputError } from '../../shared/errors';
import type { StructuredLog } from '../log';
import type { MetricsSink } from '../metrics-sink';
import { type Concluded, type GuardedRunDeps, runGuarded } from '../runs/guarded-run';
import { describeError } from '../runs/record';
import { writeRunRecord } from '../runs/run-log';
import { toSlackMessage } from './formats/slack';
import { toTeamsMessage } from './formats/teams';
import { notificationFromTopicMessage } from './formats/topic-message';
import type { Notification, Severity } from './notification';

/** A Slack or Teams channel that gets the messages of one alert topic. */
export interface ChatChannel {
  readonly severity: Severity;
  readonly protocol: 'slack' | 'teams';
  /** The Secrets Manager secret (ARN, or partial ARN without the random suffix) holding the URL. */
  readonly secretArn: string;
}

/** Where the incoming-webhook URL of a channel comes from. */
export interface WebhookUrlSource {
  /** The incoming-webhook URL held by the secret. */
  url(secretId: string): Promise<string>;
}

/** One alert-topic message, as SNS delivered it. */
export interface AlertTopicMessage {
  readonly messageId: string;
  readonly topicArn: string;
  readonly message: string;
  readonly subject?: string | null;
  readonly timestamp: string;
}

/** What the fan-out needs; the formatter function wires it once per execution environment. */
export interface ChatDeliveryDeps {
  readonly channels: readonly ChatChannel[];
  /** Severity of each alert topic, by ARN: alarms and other producers' messages carry none. */
  readonly topicSeverities: ReadonlyMap<string, Severity>;
  readonly urls: WebhookUrlSource;
  /** Posts the rendered message; rejects when the channel did not take it. */
  readonly post: (url: string, body: unknown) => Promise<{ readonly status: number }>;
  /** True when a retry cannot help (the channel refused the message, its secret is unusable). */
  readonly isPermanent: (error: Error) => boolean;
  /** Event records, one per message and channel: a retry posts only to the channels that missed it. */
  readonly run: GuardedRunDeps;
  readonly log: StructuredLog;
  readonly metrics: Pick<MetricsSink, 'addMetric' | 'singleMetric'>;
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

/** What one invocation's fan-out did; `mustRetry` not empty means the invocation must fail. */
export interface ChatDeliveryOutcome {
  readonly delivered: number;
  readonly failed: number;
  readonly mustRetry: readonly WebhookFailure[];
}

/**
 * Posts each alert-topic message to the Slack and Teams channels of its topic's severity, all at
 * once, each delivery once (an event record per message and channel). Failure policy: a permanent
 * failure (refused message, unusable secret) is reported and not retried when another channel got
 * the message, because a retry would not help; the caller must fail the invocation (`mustRetry`)
 * when a failure may be transient or when no channel got the message at all. Every message ends in
 * a run record.
 * @throws {InputError} when a message cannot be read at all (another topic's, a body that is no alert).
 */
export async function deliverAlertMessages(
  deps: ChatDeliveryDeps,
  messages: readonly AlertTopicMessage[],
  invocation: { readonly runId: string; readonly deadline: number },
): Promise<ChatDeliveryOutcome> {
  let delivered = 0;
  let failed = 0;
  const mustRetry: WebhookFailure[] = [];
  for (const message of messages) {
    const guarded = await runGuarded(
      deps.run,
      {
        fn: 'alert-formatter',
        eventKey: `alert-formatter#${message.messageId}`,
        runId: invocation.runId,
        deadline: invocation.deadline,
        // The message as a whole has no record of its own: each channel's delivery has one.
        repeatable: true,
      },
      async () => conclude(await deliverMessage(deps, message, invocation.deadline)),
    );
    const outcome = guarded.value;
    writeRunRecord(deps.log, deps.metrics, guarded.record, {
      messageId: message.messageId,
      ...(outcome ? { failures: outcome.failures } : {}),
    });
    if (outcome === undefined) throw new InputError(guarded.record.reason);
    delivered += outcome.delivered;
    failed += outcome.failures.length;
    if (guarded.record.event === 'retry') mustRetry.push(...outcome.failures);
  }
  deps.metrics.addMetric('WebhookDeliveries', 'Count', delivered);
  deps.metrics.addMetric('WebhookFailures', 'Count', failed);
  return { delivered, failed, mustRetry };
}

/** What one message's fan-out did: new deliveries, channels that already had it, failures. */
interface MessageOutcome {
  readonly delivered: number;
  readonly already: number;
  readonly failures: readonly WebhookFailure[];
}

function conclude(outcome: MessageOutcome): Concluded<MessageOutcome> {
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

async function deliverMessage(
  deps: ChatDeliveryDeps,
  message: AlertTopicMessage,
  deadline: number,
): Promise<MessageOutcome> {
  const severity = deps.topicSeverities.get(message.topicArn);
  if (severity === undefined) {
    throw new InputError(
      `message ${message.messageId} came from ${message.topicArn}, which is not an alert topic`,
    );
  }
  const notification = notificationFromTopicMessage({ ...message, severity });
  const targets = deps.channels
    .map((channel, index) => ({
      channel,
      key: `alert-formatter#${message.messageId}#${index}`,
      label: `${channel.protocol} ${channel.severity} #${index + 1}`,
    }))
    .filter(({ channel }) => channel.severity === severity);
  const onces = await Promise.all(
    targets.map(({ channel, key }) =>
      deps.run.idempotency.once({ key, deadline }, async () => {
        const url = await deps.urls.url(channel.secretArn);
        const delivery = await deps.post(url, render(channel, notification));
        return { status: delivery.status };
      }),
    ),
  );
  let delivered = 0;
  let already = 0;
  const failures: WebhookFailure[] = [];
  const messageId = message.messageId;
  onces.forEach((once, index) => {
    const webhook = targets[index]!.label;
    switch (once.kind) {
      case 'ran':
        delivered++;
        if (once.completionError !== undefined) {
          deps.log.warn('Delivered, but its record was not saved: a retry may post it again', {
            messageId,
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
          messageId,
          webhook,
          error: `${error.name}: ${error.message}`,
          permanent: deps.isPermanent(error),
        });
        return;
      }
      default:
        failures.push({
          messageId,
          webhook,
          error:
            once.kind === 'unclaimed'
              ? `delivery record: ${describeError(once.error)}`
              : `delivery record: ${once.kind === 'in-progress' ? 'another invocation holds it in progress' : once.kind}`,
          permanent: false,
        });
    }
  });
  deps.log.info('Alert delivered to chat', {
    messageId,
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

function render(channel: ChatChannel, notification: Notification): unknown {
  return channel.protocol === 'slack' ? toSlackMessage(notification) : toTeamsMessage(notification);
}
