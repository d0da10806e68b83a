import { Duration, Stack } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { AnyPrincipal, Effect, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { type ITopic, SubscriptionProtocol, Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription, UrlSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { type IQueue, Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { AlertingSettings, Severity } from '../../functions/shared/config';

export const SEVERITIES: readonly Severity[] = ['critical', 'warning', 'info'];

/** A chat channel that cannot be an SNS subscription: a formatter Lambda subscribes for it. */
export interface WebhookSubscription {
  readonly severity: Severity;
  readonly protocol: 'slack' | 'teams';
  /** Secrets Manager secret holding the incoming-webhook URL. */
  readonly webhookSecretName: string;
}

/**
 * The one way a construct takes the alert topics: alarms and functions ask for the topic of a
 * severity, so they do not depend on {@link AlertTopics}.
 */
export interface SeverityTopics {
  topic(severity: Severity): ITopic;
}

/** The chat channels of the topics, for the formatter that posts to them. */
export interface ChatChannels {
  readonly webhookSubscriptions: readonly WebhookSubscription[];
  /** Where a subscription's undeliverable messages go. */
  readonly deliveryFailures: IQueue;
}

export interface AlertTopicsProps {
  /** Who is told about what, per severity. */
  readonly settings: AlertingSettings;
  /**
   * Prefix of the topics' display names; SMS recipients see it as the sender, and carriers
   * keep only the first 10 characters or so, hence the short default.
   * @default 'MisyBot'
   */
  readonly displayNamePrefix?: string;
}

/**
 * The three alert topics (critical, warning, info), encrypted with one customer-managed key
 * and accepting only TLS publishers. E-mail, SMS and HTTPS endpoints are subscribed here;
 * Slack and Teams channels are collected in {@link webhookSubscriptions} for the formatter.
 * Every subscription's undeliverable messages go to {@link deliveryFailures} (SNS redrive), whose
 * alarm pages on the critical topic: a channel that still works hears that another does not.
 */
export class AlertTopics extends Construct implements SeverityTopics, ChatChannels {
  readonly key: Key;
  readonly critical: Topic;
  readonly warning: Topic;
  readonly info: Topic;
  readonly webhookSubscriptions: readonly WebhookSubscription[];
  /** The dead-letter queue of every subscription, the formatter's included. */
  readonly deliveryFailures: Queue;
  readonly deliveryFailuresAlarm: Alarm;

  constructor(scope: Construct, id: string, props: AlertTopicsProps) {
    super(scope, id);
    const prefix = props.displayNamePrefix ?? 'MisyBot';
    if (prefix.trim() === '' || prefix.length > 80) {
      throw new Error(`displayNamePrefix must hold 1 to 80 characters, got "${prefix}".`);
    }
    const { account, partition } = Stack.of(this);

    this.key = new Key(this, 'Key', {
      description: 'Encrypts the MisyBot HA alert topics',
      enableKeyRotation: true,
    });
    // The publishers below encrypt with the topic's key on their own behalf; without these
    // grants an alarm goes to ALARM and the notification is silently dropped.
    const keyUse = ['kms:Decrypt', 'kms:GenerateDataKey*'];
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowAlarmsAndEventBridgeToPublish',
        actions: keyUse,
        principals: [
          new ServicePrincipal('cloudwatch.amazonaws.com'),
          new ServicePrincipal('events.amazonaws.com'),
        ],
        resources: ['*'],
      }),
    );
    // Auto Scaling notifications are sent by its service-linked role. Naming that role as the
    // principal would fail on an account where it does not exist yet, so match it by condition.
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowAutoScalingNotificationsToPublish',
        actions: keyUse,
        principals: [new AnyPrincipal()],
        resources: ['*'],
        conditions: {
          StringEquals: { 'kms:CallerAccount': account },
          ArnLike: {
            'aws:PrincipalArn': `arn:${partition}:iam::${account}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling*`,
          },
        },
      }),
    );

    this.deliveryFailures = new Queue(this, 'DeliveryFailures', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // The longest SQS allows: the messages are alerts someone missed.
      retentionPeriod: Duration.days(14),
    });
    const deadLetterQueue = this.deliveryFailures;
    const subscriptions: WebhookSubscription[] = [];
    const create = (severity: Severity, label: string): Topic => {
      const topic = new Topic(this, label, {
        displayName: `${prefix} ${severity}`,
        masterKey: this.key,
        enforceSSL: true,
      });
      // enforceSSL replaces SNS's default topic policy, so alarms in this account are let in
      // explicitly; EventBridge targets add their own statement when a rule is wired.
      topic.addToResourcePolicy(
        new PolicyStatement({
          sid: 'AllowCloudWatchAlarmsToPublish',
          effect: Effect.ALLOW,
          actions: ['sns:Publish'],
          principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
          resources: [topic.topicArn],
          conditions: { StringEquals: { 'aws:SourceAccount': account } },
        }),
      );
      for (const subscription of props.settings[severity]) {
        switch (subscription.protocol) {
          case 'email':
            topic.addSubscription(new EmailSubscription(subscription.endpoint, { deadLetterQueue }));
            break;
          case 'sms':
            // CDK's SmsSubscription has no dead-letter queue option; SNS takes one for SMS too.
            topic.addSubscription({
              bind: () => ({
                subscriberId: subscription.endpoint,
                protocol: SubscriptionProtocol.SMS,
                endpoint: subscription.endpoint,
                deadLetterQueue,
              }),
            });
            break;
          case 'https':
            topic.addSubscription(
              new UrlSubscription(subscription.endpoint, {
                protocol: SubscriptionProtocol.HTTPS,
                deadLetterQueue,
              }),
            );
            break;
          case 'slack':
          case 'teams':
            subscriptions.push({
              severity,
              protocol: subscription.protocol,
              webhookSecretName: subscription.webhookSecretName,
            });
            break;
        }
      }
      return topic;
    };
    this.critical = create('critical', 'Critical');
    this.warning = create('warning', 'Warning');
    this.info = create('info', 'Info');
    this.webhookSubscriptions = subscriptions;

    this.deliveryFailuresAlarm = new Alarm(this, 'DeliveryFailuresAlarm', {
      metric: this.deliveryFailures.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: 'Maximum',
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription:
        '[critical] Alerts could not be delivered to a subscription (e-mail, SMS, HTTPS or the chat formatter): they wait in the delivery-failures queue',
    });
    const page = new SnsAction(this.critical);
    this.deliveryFailuresAlarm.addAlarmAction(page);
    this.deliveryFailuresAlarm.addOkAction(page);
  }

  topic(severity: Severity): Topic {
    switch (severity) {
      case 'critical':
        return this.critical;
      case 'warning':
        return this.warning;
      case 'info':
        return this.info;
    }
  }
}
