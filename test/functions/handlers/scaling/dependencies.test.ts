import {
  AutoScalingClient,
  DescribeAutoScalingGroupsCommand,
  DescribeScalingActivitiesCommand,
  SetDesiredCapacityCommand,
} from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { defaultPolicyInput } from '../../../../functions/core/scaling/default-policy';
import { parsePolicySet } from '../../../../functions/core/scaling/policy-schema';
import { runScaling } from '../../../../functions/core/scaling/service';
import {
  createScalingDeps,
  createScalingHandlerDeps,
} from '../../../../functions/handlers/scaling/dependencies';

const NOW = Date.parse('2024-03-04T12:00:30Z');
const clients = {
  autoScaling: new AutoScalingClient({ region: 'eu-west-1', maxAttempts: 1 }),
  cloudwatch: new CloudWatchClient({ region: 'eu-west-1', maxAttempts: 1 }),
  dynamodb: DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1', maxAttempts: 1 })),
  sns: new SNSClient({ region: 'eu-west-1', maxAttempts: 1 }),
};
const asg = mockClient(clients.autoScaling);
const cw = mockClient(clients.cloudwatch);
const ddb = mockClient(clients.dynamodb);
const sns = mockClient(clients.sns);
const settings = {
  stateTable: 'misybot-state',
  autoScalingGroupName: 'misybot-fleet',
  targetGroupFullName: 'targetgroup/misybot/0123456789abcdef',
  loadBalancerFullName: 'app/misybot/0123456789abcdef',
  infoTopicArn: 'arn:aws:sns:eu-west-1:123456789012:info',
  warningTopicArn: 'arn:aws:sns:eu-west-1:123456789012:warning',
  defaultPolicy: parsePolicySet(defaultPolicyInput),
  dryRun: false,
};

beforeEach(() => {
  for (const mock of [asg, cw, ddb, sns]) mock.reset();
  asg.on(DescribeAutoScalingGroupsCommand).resolves({
    AutoScalingGroups: [
      {
        AutoScalingGroupName: 'misybot-fleet',
        MinSize: 2,
        MaxSize: 10,
        DesiredCapacity: 2,
        Instances: ['i-a', 'i-b'].map((id) => ({ InstanceId: id, LifecycleState: 'InService' })),
      } as never,
    ],
  });
  asg.on(DescribeScalingActivitiesCommand).resolves({ Activities: [] });
  asg.on(SetDesiredCapacityCommand).resolves({});
  const point = (id: string, value: number) => ({
    Id: id,
    StatusCode: 'Complete' as const,
    Values: [value],
    Timestamps: [new Date(Date.parse('2024-03-04T11:59:00Z'))],
  });
  cw.on(GetMetricDataCommand).resolves({
    MetricDataResults: [
      point('cpu_0', 90),
      point('cpu_1', 90),
      point('mem_0', 50),
      point('mem_1', 50),
      point('rpt', 3240),
      point('req', 6480),
    ],
  });
  ddb.on(PutCommand).resolves({});
  ddb.on(DeleteCommand).resolves({});
  ddb.on(GetCommand).resolves({});
  ddb.on(QueryCommand).resolves({ Items: [] });
  sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
});

describe('createScalingDeps', () => {
  it('wires one scheduled run through the SDK: claim, lock, read, act, notify, record, release', async () => {
    const deps = createScalingDeps(settings, clients);
    const outcome = await runScaling(
      deps,
      { eventKey: 'scaling:e-1', runId: 'req-1', trigger: 'schedule', reason: 'schedule' },
      NOW,
    );
    expect(outcome).toMatchObject({ status: 'decided', action: 'scaled' });
    expect(asg.commandCalls(SetDesiredCapacityCommand).map((c) => c.args[0].input)).toEqual([
      { AutoScalingGroupName: 'misybot-fleet', DesiredCapacity: 3, HonorCooldown: false },
    ]);
    const puts = ddb.commandCalls(PutCommand).map((c) => c.args[0].input.Item!);
    expect(puts.map((item) => `${item.pk}|${String(item.sk).split('#')[0]}`)).toEqual([
      'EVENT#scaling:e-1|EVENT',
      'LOCK#scaling#misybot-fleet|LOCK',
      'SCALING#misybot-fleet|DECISION',
      'SCALING#misybot-fleet|LATEST',
    ]);
    expect(ddb.commandCalls(DeleteCommand)[0]!.args[0].input.Key).toEqual({
      pk: 'LOCK#scaling#misybot-fleet',
      sk: 'LOCK',
    });
    expect(sns.commandCalls(PublishCommand)[0]!.args[0].input.TopicArn).toBe(settings.infoTopicArn);
    expect((cw.commandCalls(GetMetricDataCommand)[0]!.args as unknown[])[1]).toMatchObject({
      abortSignal: expect.any(AbortSignal),
    });
  });
});

describe('createScalingHandlerDeps', () => {
  it("holds the fleet's alerts in the state table for the deployed policy's warm-up", async () => {
    const deps = createScalingHandlerDeps(settings, clients);
    expect(deps.warmupSeconds).toBe(settings.defaultPolicy.warmupSeconds);
    await deps.holds.setHold({ component: 'fleet', reason: 'scale-out', startedAt: NOW, until: NOW + 1 });
    expect(ddb.commandCalls(PutCommand)[0]!.args[0].input).toMatchObject({
      TableName: 'misybot-state',
      Item: { pk: 'HOLD', sk: 'fleet#scale-out' },
    });
  });
});
