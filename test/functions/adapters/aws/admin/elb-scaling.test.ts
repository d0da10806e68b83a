import {
  AutoScalingClient,
  DescribeAutoScalingGroupsCommand,
  SetDesiredCapacityCommand,
} from '@aws-sdk/client-auto-scaling';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeListenersCommand,
  DescribeTargetGroupAttributesCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  ModifyListenerCommand,
  ModifyTargetGroupAttributesCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { ElbLoadBalancerBackend } from '../../../../../functions/adapters/aws/admin/load-balancer-backend';
import { AwsScalingBackend } from '../../../../../functions/adapters/aws/admin/scaling-backend';

const elb = mockClient(ElasticLoadBalancingV2Client);
const autoScaling = mockClient(AutoScalingClient);
const documentClient = DynamoDBDocumentClient.from(
  new DynamoDBClient({ region: 'eu-west-1', maxAttempts: 1 }),
);
const dynamo = mockClient(documentClient);

beforeEach(() => {
  for (const mock of [elb, autoScaling, dynamo]) mock.reset();
});

describe('ElbLoadBalancerBackend', () => {
  const groups = [
    { name: 'primary', arn: 'tg-1' },
    { name: 'canary', arn: 'tg-2' },
  ];
  const backend = new ElbLoadBalancerBackend(
    new ElasticLoadBalancingV2Client({ region: 'eu-west-1' }),
    'listener-1',
    groups,
  );
  const forward = {
    Type: 'forward' as const,
    ForwardConfig: {
      TargetGroups: [
        { TargetGroupArn: 'tg-1', Weight: 90 },
        { TargetGroupArn: 'tg-2', Weight: 10 },
      ],
      TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 60 },
    },
  };

  it('describes weights, algorithms and target health per group', async () => {
    elb.on(DescribeListenersCommand).resolves({ Listeners: [{ DefaultActions: [forward] }] });
    elb.on(DescribeTargetGroupAttributesCommand).resolves({
      Attributes: [
        { Key: 'load_balancing.algorithm.type', Value: 'weighted_random' },
        { Key: 'load_balancing.algorithm.anomaly_mitigation', Value: 'on' },
      ],
    });
    elb.on(DescribeTargetHealthCommand, { TargetGroupArn: 'tg-1' }).resolves({
      TargetHealthDescriptions: [
        {
          Target: { Id: 'i-1', Port: 8080 },
          TargetHealth: { State: 'unhealthy', Reason: 'Target.Timeout' },
        },
      ],
    });
    elb.on(DescribeTargetHealthCommand, { TargetGroupArn: 'tg-2' }).resolves({});
    const view = await backend.describe();
    expect(view.targetGroups).toEqual([
      {
        name: 'primary',
        arn: 'tg-1',
        weight: 90,
        algorithm: 'weighted_random',
        anomalyMitigation: true,
        targets: [{ id: 'i-1', port: 8080, state: 'unhealthy', reason: 'Target.Timeout' }],
      },
      {
        name: 'canary',
        arn: 'tg-2',
        weight: 10,
        algorithm: 'weighted_random',
        anomalyMitigation: true,
        targets: [],
      },
    ]);
  });

  it('replaces the forward action with the new weights, keeping stickiness', async () => {
    elb.on(DescribeListenersCommand).resolves({ Listeners: [{ DefaultActions: [forward] }] });
    elb.on(ModifyListenerCommand).resolves({});
    await backend.setWeights([
      { targetGroup: 'primary', weight: 50 },
      { targetGroup: 'canary', weight: 50 },
    ]);
    expect(elb.commandCalls(ModifyListenerCommand)[0]!.args[0].input).toEqual({
      ListenerArn: 'listener-1',
      DefaultActions: [
        {
          Type: 'forward',
          ForwardConfig: {
            TargetGroups: [
              { TargetGroupArn: 'tg-1', Weight: 50 },
              { TargetGroupArn: 'tg-2', Weight: 50 },
            ],
            TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 60 },
          },
        },
      ],
    });
  });

  it('sets the algorithm on every group; anomaly mitigation only with weighted_random', async () => {
    elb.on(ModifyTargetGroupAttributesCommand).resolves({});
    await backend.setAlgorithm('round_robin', false);
    await backend.setAlgorithm('weighted_random', true);
    const inputs = elb.commandCalls(ModifyTargetGroupAttributesCommand).map((c) => c.args[0].input);
    expect(inputs[0]).toEqual({
      TargetGroupArn: 'tg-1',
      Attributes: [{ Key: 'load_balancing.algorithm.type', Value: 'round_robin' }],
    });
    expect(inputs[3]).toEqual({
      TargetGroupArn: 'tg-2',
      Attributes: [
        { Key: 'load_balancing.algorithm.type', Value: 'weighted_random' },
        { Key: 'load_balancing.algorithm.anomaly_mitigation', Value: 'on' },
      ],
    });
  });

  it('refuses to weigh a listener without a forward action', async () => {
    elb
      .on(DescribeListenersCommand)
      .resolves({ Listeners: [{ DefaultActions: [{ Type: 'fixed-response' }] }] });
    await expect(backend.setWeights([{ targetGroup: 'primary', weight: 1 }])).rejects.toMatchObject({
      name: 'UnprocessableError',
    });
  });
});

describe('AwsScalingBackend', () => {
  const backend = new AwsScalingBackend(
    new AutoScalingClient({ region: 'eu-west-1' }),
    documentClient,
    'state',
    {
      loadPolicyOverride: async () => ({ document: { targetTracking: [] }, updatedBy: 'arn:bob' }),
    },
  );

  it('reads the group, the override, the latest run and recent decisions', async () => {
    autoScaling.on(DescribeAutoScalingGroupsCommand).resolves({
      AutoScalingGroups: [
        {
          AutoScalingGroupName: 'g',
          MinSize: 2,
          MaxSize: 10,
          DesiredCapacity: 3,
          Instances: [{ InstanceId: 'i-1', LifecycleState: 'InService', HealthStatus: 'Healthy' }],
        } as never,
      ],
    });
    dynamo.on(GetCommand).resolves({ Item: { pk: 'SCALING#g', sk: 'LATEST', summary: 'hold' } });
    dynamo.on(QueryCommand).resolves({
      Items: [{ pk: 'SCALING#g', sk: 'DECISION#x', gsi1pk: 'SCALING', expiresAt: 1, desired: 3 }],
    });
    expect(await backend.group('g')).toEqual({
      name: 'g',
      minCapacity: 2,
      maxCapacity: 10,
      desiredCapacity: 3,
      instances: [{ id: 'i-1', lifecycleState: 'InService', healthStatus: 'Healthy' }],
    });
    expect(await backend.record('g', 5)).toEqual({
      override: { policy: { targetTracking: [] }, updatedBy: 'arn:bob' },
      latest: { summary: 'hold' },
      decisions: [{ desired: 3 }],
    });
    expect(dynamo.commandCalls(QueryCommand)[0]!.args[0].input).toMatchObject({
      ScanIndexForward: false,
      Limit: 5,
      ExpressionAttributeValues: { ':pk': 'SCALING#g', ':decision': 'DECISION#' },
    });
  });

  it("writes the override in the scaling store's layout and sets capacity; a cooldown is a conflict", async () => {
    dynamo.on(PutCommand).resolves({});
    await backend.savePolicy('g', {
      policy: { dryRun: false } as never,
      updatedAt: 't',
      updatedBy: 'arn:alice',
      reason: 'why',
    });
    expect(dynamo.commandCalls(PutCommand)[0]!.args[0].input.Item).toEqual({
      pk: 'SCALING#g',
      sk: 'POLICY',
      policy: { dryRun: false },
      updatedAt: 't',
      updatedBy: 'arn:alice',
      reason: 'why',
    });
    autoScaling
      .on(SetDesiredCapacityCommand)
      .resolvesOnce({})
      .rejectsOnce(Object.assign(new Error('cooldown'), { name: 'ScalingActivityInProgressFault' }));
    await backend.setCapacity('g', 4, false);
    expect(autoScaling.commandCalls(SetDesiredCapacityCommand)[0]!.args[0].input).toEqual({
      AutoScalingGroupName: 'g',
      DesiredCapacity: 4,
      HonorCooldown: false,
    });
    await expect(backend.setCapacity('g', 4, true)).rejects.toMatchObject({ name: 'ConflictError' });
  });
});
