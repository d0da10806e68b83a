import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { SnsScalingNotifier } from '../../../../../functions/adapters/aws/scaling/scaling-notifier';
import { parseSnsMessage } from '../../../../../functions/core/alerting/formats/sns';
import { decide } from '../../../../../functions/core/scaling/decide';
import { defaultPolicy, groupOf, NOW } from '../../../core/scaling/service-fakes';
import { throttled } from '../aws-fixtures';

const client = new SNSClient({ region: 'eu-west-1', maxAttempts: 1 });
const sns = mockClient(client);
const topics = {
  info: 'arn:aws:sns:eu-west-1:123456789012:info',
  warning: 'arn:aws:sns:eu-west-1:123456789012:warning',
};
const notifier = new SnsScalingNotifier(client, topics);

function decision(desired: number, max: number, cpu: number) {
  const group = groupOf(desired, 2, max);
  const series = {
    name: 'cpu',
    byInstance: Object.fromEntries(
      group.instances.map((i) => [i.id, [{ timestamp: NOW - 60_000, value: cpu }]]),
    ),
  };
  const memory = {
    ...series,
    name: 'memory',
    byInstance: Object.fromEntries(
      Object.keys(series.byInstance).map((id) => [id, [{ timestamp: NOW - 60_000, value: 50 }]]),
    ),
  };
  return decide({
    now: NOW,
    group,
    metrics: [series, memory],
    policy: defaultPolicy,
    recentRecommendations: [],
    activities: [],
  });
}

beforeEach(() => sns.reset());

describe('SnsScalingNotifier', () => {
  it('tells the info topic about an action, in the platform notification format', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const scaled = decision(4, 40, 90);
    await notifier.scaled('misybot-fleet', scaled);
    const input = sns.commandCalls(PublishCommand)[0]!.args[0].input;
    expect(input).toMatchObject({
      TopicArn: topics.info,
      Subject: `[INFO] misybot-fleet scaled out from 4 to ${scaled.desired} instances`,
      MessageAttributes: {
        severity: { DataType: 'String', StringValue: 'info' },
        kind: { DataType: 'String', StringValue: 'updated' },
        component: { DataType: 'String', StringValue: 'fleet' },
      },
    });
    const message = parseSnsMessage(input.Message!);
    expect(message).toMatchObject({
      severity: 'info',
      component: 'fleet',
      labels: { autoScalingGroup: 'misybot-fleet' },
    });
    expect(message.reasons[0]).toBe(scaled.explanation.summary);
    expect(message.reasons).toContain('  policies:');
  });

  it('warns when the group is at its maximum and the policies ask for more', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'm-2' });
    const saturated = decision(4, 4, 95);
    expect(saturated.saturated).toBe(true);
    await notifier.saturated('misybot-fleet', saturated);
    const input = sns.commandCalls(PublishCommand)[0]!.args[0].input;
    expect(input.TopicArn).toBe(topics.warning);
    expect(input.Subject).toBe(
      '[WARNING] misybot-fleet is at its maximum of 4 instances and the policies ask for 7',
    );
    expect(parseSnsMessage(input.Message!)).toMatchObject({
      severity: 'warning',
      kind: 'opened',
      status: 'degraded',
    });
  });

  it('lets a throttled publish surface to the service, which reports it', async () => {
    sns.on(PublishCommand).rejects(throttled());
    await expect(notifier.scaled('misybot-fleet', decision(4, 40, 90))).rejects.toThrow('Rate exceeded');
  });
});
