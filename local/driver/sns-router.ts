import { randomUUID } from 'node:crypto';
import type { DeployedSubscription, PlatformModel } from '../account/platform-model';
import type { AsyncInvoker } from './async-invoker';
import { matchesPattern } from './event-pattern';
import type { Scheduler } from './scheduler';

/** A message published to a topic. */
export interface Published {
  readonly at: number;
  readonly topicArn: string;
  readonly messageId: string;
  readonly subject?: string;
  readonly message: string;
  readonly attributes: Readonly<Record<string, { readonly Type: string; readonly Value: string }>>;
  /** Who published it (a function's name, or `cloudwatch` for alarm actions). */
  readonly publisher: string;
}

/** A delivery to an endpoint the emulator cannot reach for real (email, SMS), kept for the suite. */
export interface OutboxMessage {
  readonly at: number;
  readonly protocol: string;
  readonly endpoint: string;
  readonly topicArn: string;
  readonly subject?: string;
  readonly message: string;
}

/** Posts an HTTPS subscription's notification; returns the endpoint's status. */
export type HttpsPoster = (url: string, body: string, headers: Record<string, string>) => Promise<number>;

/**
 * SNS's fan-out, as AWS delivers it: every message published to a topic goes to each of its
 * subscriptions from the template: `lambda` through Lambda's asynchronous invocation with the
 * SNS event, `https` as a signed-notification POST, `email` and `sms` into an outbox. Filter
 * policies on message attributes are honoured.
 */
export class SnsRouter {
  readonly published: Published[] = [];
  readonly outbox: OutboxMessage[] = [];
  readonly httpsDeliveries: {
    readonly at: number;
    readonly endpoint: string;
    readonly status: number | string;
  }[] = [];

  constructor(
    private readonly scheduler: Scheduler,
    private readonly model: PlatformModel,
    private readonly invoker: AsyncInvoker,
    private readonly postHttps: HttpsPoster,
  ) {}

  /** Fans a published message out to the topic's subscriptions. */
  publish(message: Omit<Published, 'at'>): void {
    const published: Published = { ...message, at: this.scheduler.clock.now() };
    this.published.push(published);
    for (const subscription of this.model.subscriptions) {
      if (subscription.topicArn !== message.topicArn) continue;
      if (
        subscription.filterPolicy &&
        !matchesPattern(subscription.filterPolicy, attributeValues(message.attributes))
      )
        continue;
      this.deliver(subscription, published);
    }
  }

  /** Messages published to `topicArn`, oldest first. */
  on(topicArn: string): Published[] {
    return this.published.filter((p) => p.topicArn === topicArn);
  }

  private deliver(subscription: DeployedSubscription, message: Published): void {
    const notification = {
      Type: 'Notification',
      MessageId: message.messageId,
      TopicArn: message.topicArn,
      ...(message.subject ? { Subject: message.subject } : {}),
      Message: message.message,
      Timestamp: new Date(message.at).toISOString(),
      SignatureVersion: '1',
      Signature: 'EMULATED',
      SigningCertUrl: 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-emulated.pem',
      UnsubscribeUrl: `https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${message.topicArn}:${randomUUID()}`,
      MessageAttributes: message.attributes,
    };
    switch (subscription.protocol) {
      case 'lambda': {
        const fn = this.model.byNameOrArn(subscription.endpoint);
        if (!fn) return;
        const event = {
          Records: [
            {
              EventSource: 'aws:sns',
              EventVersion: '1.0',
              EventSubscriptionArn: `${message.topicArn}:${randomUUID()}`,
              Sns: notification,
            },
          ],
        };
        this.invoker.invoke(fn, event, 'sns', message.topicArn);
        return;
      }
      case 'https':
      case 'http': {
        const body = subscription.rawMessageDelivery ? message.message : JSON.stringify(notification);
        const headers = {
          'content-type': 'text/plain; charset=UTF-8',
          'x-amz-sns-message-type': 'Notification',
          'x-amz-sns-message-id': message.messageId,
          'x-amz-sns-topic-arn': message.topicArn,
        };
        this.scheduler.track(
          this.postHttps(subscription.endpoint, body, headers).then(
            (status) =>
              void this.httpsDeliveries.push({
                at: this.scheduler.clock.now(),
                endpoint: subscription.endpoint,
                status,
              }),
            (error: Error) =>
              void this.httpsDeliveries.push({
                at: this.scheduler.clock.now(),
                endpoint: subscription.endpoint,
                status: error.message,
              }),
          ),
        );
        return;
      }
      default:
        this.outbox.push({
          at: message.at,
          protocol: subscription.protocol,
          endpoint: subscription.endpoint,
          topicArn: message.topicArn,
          ...(message.subject ? { subject: message.subject } : {}),
          message: message.message,
        });
    }
  }
}

function attributeValues(attributes: Published['attributes']): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(attributes).map(([name, { Type, Value }]) => [
      name,
      Type === 'Number' ? Number(Value) : Value,
    ]),
  );
}
