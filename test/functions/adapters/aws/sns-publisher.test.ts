import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { SnsNotifier } from '../../../../functions/adapters/aws/sns-publisher';
import type { Notification } from '../../../../functions/core/alerting/notification';
import { throttled } from './aws-fixtures';

const client = new SNSClient({ region: 'eu-west-1', maxAttempts: 1 });
const sns = mockClient(client);
const topics = {
  critical: 'arn:aws:sns:eu-west-1:123456789012:critical',
  warning: 'arn:aws:sns:eu-west-1:123456789012:warning',
  info: 'arn:aws:sns:eu-west-1:123456789012:info',
};
const notifier = new SnsNotifier(client, topics);
const notification: Notification = {
  version: 1,
  id: 'db@2026-01-01T00:00:00.000Z#1',
  incidentId: 'db@2026-01-01T00:00:00.000Z',
  kind: 'opened',
  severity: 'warning',
  component: 'db',
  status: 'degraded',
  title: 'db is degraded',
  reasons: [],
  checks: [],
  openedAt: '2026-01-01T00:00:00.000Z',
  at: '2026-01-01T00:00:00.000Z',
  labels: {},
};

beforeEach(() => sns.reset());

describe('SnsNotifier', () => {
  it('publishes to the topic of the severity with a subject, the JSON and filterable attributes', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    await notifier.publish(notification);
    expect(sns.commandCalls(PublishCommand)[0]!.args[0].input).toEqual({
      TopicArn: topics.warning,
      Subject: '[WARNING] db is degraded',
      Message: JSON.stringify(notification),
      MessageAttributes: {
        severity: { DataType: 'String', StringValue: 'warning' },
        kind: { DataType: 'String', StringValue: 'opened' },
        component: { DataType: 'String', StringValue: 'db' },
      },
    });
  });

  it('refuses a topic map that cannot route every severity', () => {
    expect(() => new SnsNotifier(client, { ...topics, info: '' })).toThrow(
      expect.objectContaining({
        name: 'InvalidTopicError',
        message: 'no SNS topic ARN for severity "info", got ""',
      }),
    );
  });

  it('lets throttling surface so the router can put the incident back for a retry', async () => {
    sns.on(PublishCommand).rejects(throttled());
    await expect(notifier.publish(notification)).rejects.toThrow('Rate exceeded');
  });
});
