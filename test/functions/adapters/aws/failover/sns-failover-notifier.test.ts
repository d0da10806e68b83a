import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import {
  failoverNotification,
  SnsFailoverNotifier,
} from '../../../../../functions/adapters/aws/failover/sns-failover-notifier';
import { SnsNotifier } from '../../../../../functions/adapters/aws/sns-publisher';
import { parseSnsMessage } from '../../../../../functions/core/alerting/formats/sns';
import { notificationSchema } from '../../../../../functions/core/alerting/notification';
import type { FailoverAlert } from '../../../../../functions/core/failover/ports';
import { throttled } from '../aws-fixtures';

const client = new SNSClient({ region: 'eu-west-1', maxAttempts: 1 });
const sns = mockClient(client);
const topics = {
  critical: 'arn:aws:sns:eu-west-1:123456789012:critical',
  warning: 'arn:aws:sns:eu-west-1:123456789012:warning',
  info: 'arn:aws:sns:eu-west-1:123456789012:info',
};
const at = Date.UTC(2026, 0, 1, 12, 5, 0);
const timeline = [
  'database failover db-1 → db-2 (health: primary db-1 unhealthy for 2 consecutive checks)',
  'status switched; detected 2026-01-01T12:00:00.000Z, decided +10.0s, switched +42.0s, recovered —',
  'aurora-failover → db-2: ok in 1.0s',
  'wait-for-writer db-2: ok in 31.0s',
].join('\n');
const alert: FailoverAlert = {
  component: 'database',
  severity: 'critical',
  subject: 'database failover db-1 → db-2',
  message: timeline,
  incidentId: 'database-health:database:2026-01-01T12:00:10.000Z',
};

beforeEach(() => sns.reset());

describe('failoverNotification', () => {
  test('is a valid alerting notification whose reasons are the incident timeline', () => {
    const notification = failoverNotification(alert, at, 'n-1', { platform: 'misybot', stage: 'prod' });
    expect(notificationSchema.parse(notification)).toEqual({
      version: 1,
      id: 'n-1',
      incidentId: 'database-health:database:2026-01-01T12:00:10.000Z',
      kind: 'updated',
      severity: 'critical',
      component: 'database',
      status: 'down',
      title: 'database failover db-1 → db-2',
      reasons: timeline.split('\n'),
      checks: [],
      openedAt: '2026-01-01T12:05:00.000Z',
      at: '2026-01-01T12:05:00.000Z',
      labels: { platform: 'misybot', stage: 'prod', engine: 'failover', failoverComponent: 'database' },
    });
  });

  test('groups alerts without an incident under the component, and reads loudness from the severity', () => {
    const { incidentId: _none, ...bare } = alert;
    const info = failoverNotification({ ...bare, severity: 'info', message: 'drill done\n\n' }, at, 'n-2');
    expect(info).toMatchObject({
      incidentId: 'failover-database',
      status: 'healthy',
      reasons: ['drill done'],
    });
    expect(failoverNotification({ ...alert, severity: 'warning' }, at, 'n-3').status).toBe('degraded');
  });
});

describe('SnsFailoverNotifier', () => {
  const notifier = new SnsFailoverNotifier(new SnsNotifier(client, topics), {
    clock: () => at,
    newId: () => 'n-1',
  });

  test('publishes to the topic of the severity, in the format the formatter function parses', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    await notifier.send(alert);
    const input = sns.commandCalls(PublishCommand)[0]!.args[0].input;
    expect(input.TopicArn).toBe(topics.critical);
    // SNS subjects are ASCII: the arrow of the engine's subject is dropped there, kept in the message.
    expect(input.Subject).toBe('[CRITICAL] database failover db-1 db-2');
    expect(input.MessageAttributes).toEqual({
      severity: { DataType: 'String', StringValue: 'critical' },
      kind: { DataType: 'String', StringValue: 'updated' },
      component: { DataType: 'String', StringValue: 'database' },
    });
    expect(parseSnsMessage(input.Message!)).toEqual(failoverNotification(alert, at, 'n-1'));
  });

  test('lets a failed publish throw, so the engine records the alert as undelivered', async () => {
    sns.on(PublishCommand).rejects(throttled());
    await expect(notifier.send({ ...alert, severity: 'info' })).rejects.toThrow('Rate exceeded');
    expect(sns.commandCalls(PublishCommand)[0]!.args[0].input.TopicArn).toBe(topics.info);
  });
});
