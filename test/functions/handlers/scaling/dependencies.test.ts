import {
  AutoScalingClient,
  DescribeAutoScalingGroupsCommand,
  DescribeScalingActivitiesCommand,
  SetDesiredCapacityCommand,
} from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
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
const dynamodbClient = new DynamoDBClient({ region: 'eu-west-1', maxAttempts: 1 });
const clients = {
  autoScaling: new AutoScalingClient({ region: 'eu-west-1', maxAttempts: 1 }),
  cloudwatch: new CloudWatchClient({ region: 'eu-west-1', maxAttempts: 1 }),
  dynamodb: DynamoDBDocumentClient.from(dynamodbClient),
  dynamodbClient,
  sns: new SNSClient({ region: 'eu-west-1', maxAttempts: 1 }),
};
const asg = mockClient(clients.autoScaling);
const cw = mockClient(clients.cloudwatch);
const ddb = mockClient(clients.dynamodb);
const raw = mockClient(clients.dynamodbClient);
const sns = mockClient(clients.sns);

// The adapters read the wall clock (Powertools too); the metrics below are stamped for NOW.
beforeAll(() => jest.useFakeTimers({ now: NOW, doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] }));
afterAll(() => jest.useRealTimers());
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
  for (const mock of [asg, cw, ddb, raw, sns]) mock.reset();
  raw.on(PutItemCommand).resolves({});
  raw.on(UpdateItemCommand).resolves({});
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
  it('wires one scheduled run through the SDK: claim, lock, read, act, hold, notify, record, release, complete', async () => {
    const deps = createScalingDeps(settings, clients);
    const { outcome, record } = await runScaling(deps, {
      eventKey: 'scaling:e-1',
      runId: 'req-1',
      trigger: 'schedule',
      reason: 'schedule',
      deadline: NOW + 60_000,
    });
    expect(outcome).toMatchObject({ status: 'decided', action: 'scaled' });
    expect(record).toMatchObject({ status: 'acted', event: 'done', problems: [] });
    expect(asg.commandCalls(SetDesiredCapacityCommand).map((c) => c.args[0].input)).toEqual([
      { AutoScalingGroupName: 'misybot-fleet', DesiredCapacity: 3, HonorCooldown: false },
    ]);
    expect(raw.commandCalls(PutItemCommand)[0]!.args[0].input).toMatchObject({
      TableName: 'misybot-state',
      Item: {
        pk: { S: 'IDEMPOTENCY#scaling' },
        status: { S: 'INPROGRESS' },
        in_progress_expiration: { N: String(NOW + 60_000) },
      },
    });
    expect(raw.commandCalls(UpdateItemCommand)[0]!.args[0].input.ExpressionAttributeValues).toMatchObject({
      ':status': { S: 'COMPLETED' },
    });
    const puts = ddb.commandCalls(PutCommand).map((c) => c.args[0].input.Item!);
    expect(puts.map((item) => `${item.pk}|${String(item.sk).split('#')[0]}`)).toEqual([
      'LOCK#scaling#misybot-fleet|LOCK',
      'SCALING#misybot-fleet|INTENT',
      'HOLD|fleet',
      'SCALING#misybot-fleet|DECISION',
      'SCALING#misybot-fleet|LATEST',
    ]);
    expect(puts[1]).toMatchObject({ startTime: NOW, toCapacity: 3, eventKey: expect.any(String) });
    expect(puts[2]).toMatchObject({ until: NOW + settings.defaultPolicy.warmupSeconds * 1000 });
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

describe('the ramp headroom through the SDK', () => {
  it("reads the ALB's RequestCount for the headroom's ramp even without a leading signal, 15 minutes back", async () => {
    const policy = parsePolicySet({
      targetTracking: [{ name: 'cpu', metric: 'cpu', target: 60 }],
      behaviour: { scaleOut: { headroom: {} } },
    });
    const deps = createScalingDeps({ ...settings, defaultPolicy: policy }, clients);
    await runScaling(deps, {
      eventKey: 'scaling:e-3',
      runId: 'req-3',
      trigger: 'schedule',
      reason: 'schedule',
      deadline: NOW + 60_000,
    });
    const input = cw.commandCalls(GetMetricDataCommand)[0]!.args[0].input;
    // NOW is 12:00:30: whole minutes, from 11:45 to 12:00.
    expect(input.StartTime).toEqual(new Date('2024-03-04T11:45:00Z'));
    expect(input.EndTime).toEqual(new Date('2024-03-04T12:00:00Z'));
    expect(input.MetricDataQueries!.map((q) => q.Id)).toEqual(['cpu_0', 'cpu_1', 'req']);
    expect(input.MetricDataQueries![2]).toEqual({
      Id: 'req',
      ReturnData: true,
      MetricStat: {
        Metric: {
          Namespace: 'AWS/ApplicationELB',
          MetricName: 'RequestCount',
          Dimensions: [
            { Name: 'TargetGroup', Value: settings.targetGroupFullName },
            { Name: 'LoadBalancer', Value: settings.loadBalancerFullName },
          ],
        },
        Period: 60,
        Stat: 'Sum',
      },
    });
  });
});

describe('createScalingHandlerDeps', () => {
  it('binds the service to the real adapters and the wall clock', async () => {
    const deps = createScalingHandlerDeps(settings, clients);
    expect(deps.now()).toBe(NOW);
    const { outcome } = await deps.run({
      eventKey: 'scaling:e-2',
      runId: 'req-2',
      trigger: 'schedule',
      reason: 'schedule',
      deadline: NOW + 60_000,
    });
    expect(outcome).toMatchObject({ status: 'decided', action: 'scaled' });
  });
});
