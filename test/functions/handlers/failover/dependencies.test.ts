import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeReplicationGroupsCommand,
  ElastiCacheClient,
  TestFailoverCommand,
} from '@aws-sdk/client-elasticache';
import { DescribeDBClustersCommand, DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { GetHealthCheckCommand, GetHealthCheckStatusCommand, Route53Client } from '@aws-sdk/client-route-53';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { ComponentNotConfiguredError } from '../../../../functions/core/failover/ports';
import { parseFailoverEnvironment } from '../../../../functions/handlers/failover/config';
import {
  createFailoverWiring,
  type FailoverClients,
} from '../../../../functions/handlers/failover/dependencies';
import { createFailoverHandler } from '../../../../functions/handlers/failover/handle';
import { command, ENV, RecordingLog, RecordingMetrics } from './support';

const region = { region: 'eu-west-1', maxAttempts: 1 };
const dynamoDbClient = new DynamoDBClient(region);
const clients: FailoverClients = {
  dynamoDb: DynamoDBDocumentClient.from(dynamoDbClient),
  dynamoDbClient,
  sns: new SNSClient(region),
  route53: new Route53Client(region),
  rds: new RDSClient(region),
  cloudWatch: new CloudWatchClient(region),
  elastiCache: new ElastiCacheClient(region),
};
const dynamo = mockClient(clients.dynamoDb);
const sns = mockClient(clients.sns);
const route53 = mockClient(clients.route53);
const rds = mockClient(clients.rds);
const cloudWatch = mockClient(clients.cloudWatch);
const elastiCache = mockClient(clients.elastiCache);

function wire(env: NodeJS.ProcessEnv = {}) {
  const config = parseFailoverEnvironment({ ...ENV, ...env });
  return createFailoverWiring(config, clients, { log: new RecordingLog(), metrics: new RecordingMetrics() });
}

beforeEach(() => {
  for (const mock of [dynamo, sns, route53, rds, cloudWatch, elastiCache]) mock.reset();
  dynamo.on(PutCommand).resolves({});
  dynamo.on(DeleteCommand).resolves({});
  dynamo.on(GetCommand).resolves({});
});

describe('createFailoverWiring', () => {
  test('observes each component through its own resource', async () => {
    const { deps } = wire();
    route53.on(GetHealthCheckStatusCommand).resolves({ HealthCheckObservations: [] });
    route53.on(GetHealthCheckCommand).resolves({});
    await deps.observer.observe('dns');
    expect(route53.commandCalls(GetHealthCheckStatusCommand)[0]!.args[0].input).toEqual({
      HealthCheckId: 'hc-0123',
    });
    expect(route53.commandCalls(GetHealthCheckCommand)[0]!.args[0].input).toEqual({
      HealthCheckId: 'hc-0123',
    });

    rds.on(DescribeDBClustersCommand).resolves({
      DBClusters: [{ DBClusterMembers: [{ DBInstanceIdentifier: 'db-1', IsClusterWriter: true }] }],
    });
    rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [] });
    await deps.observer.observe('database');
    expect(rds.commandCalls(DescribeDBClustersCommand)[0]!.args[0].input).toEqual({
      DBClusterIdentifier: 'misybot-aurora',
    });
    expect(rds.commandCalls(DescribeDBInstancesCommand)[0]!.args[0].input).toEqual({
      Filters: [{ Name: 'db-cluster-id', Values: ['misybot-aurora'] }],
    });
    expect(cloudWatch.commandCalls(GetMetricDataCommand)).toHaveLength(0);
  });

  test('leaves a component without its resource unconfigured', async () => {
    const { deps } = wire({ HEALTH_CHECK_ID: undefined });
    await expect(deps.observer.observe('dns')).rejects.toThrow(ComponentNotConfiguredError);
    expect(route53.calls()).toHaveLength(0);
  });

  test('answers a cache drill dry run from the real state table and replication group, calling nothing else', async () => {
    elastiCache.on(DescribeReplicationGroupsCommand).resolves({
      ReplicationGroups: [
        {
          ReplicationGroupId: 'misybot-cache',
          Status: 'available',
          NodeGroups: [
            {
              NodeGroupId: '0001',
              NodeGroupMembers: [
                { CacheClusterId: 'misybot-cache-001', CurrentRole: 'primary' },
                { CacheClusterId: 'misybot-cache-002', CurrentRole: 'replica' },
              ],
            },
          ],
        },
      ],
    });
    const handler = createFailoverHandler(wire());
    const response = await handler(command({ component: 'cache', action: 'drill', dryRun: true }), {
      awsRequestId: 'request-1',
      getRemainingTimeInMillis: () => 60_000,
    });
    expect(response).toMatchObject({
      ok: true,
      status: 'dry-run',
      plan: [
        { kind: 'elasticache-test-failover' },
        { kind: 'wait-for-cache-primary', formerPrimary: 'misybot-cache-001' },
        { kind: 'elasticache-test-failover' },
        { kind: 'wait-for-cache-primary', formerPrimary: 'misybot-cache-002' },
        { kind: 'notify', severity: 'info' },
      ],
    });
    expect(dynamo.commandCalls(GetCommand)[0]!.args[0].input).toEqual({
      TableName: 'misybot-state',
      Key: { pk: 'FAILOVER#cache', sk: 'STATE' },
      ConsistentRead: true,
    });
    expect(dynamo.commandCalls(PutCommand).map((c) => c.args[0].input.Item?.pk)).toEqual([
      'LOCK#failover#cache',
    ]);
    expect(dynamo.commandCalls(DeleteCommand)).toHaveLength(1);
    expect(elastiCache.commandCalls(DescribeReplicationGroupsCommand)[0]!.args[0].input).toEqual({
      ReplicationGroupId: 'misybot-cache',
    });
    expect(elastiCache.commandCalls(TestFailoverCommand)).toHaveLength(0);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
  });

  test('holds alerts in the state table the health function reads them from', async () => {
    const { holds } = wire();
    await holds.setHold({ component: 'database', reason: 'failover', startedAt: 1_000, until: 901_000 });
    await holds.clearHold('database', 'failover');
    expect(dynamo.commandCalls(PutCommand)[0]!.args[0].input).toMatchObject({
      TableName: 'misybot-state',
      Item: { pk: 'HOLD', sk: 'database#failover', until: 901_000 },
    });
    expect(dynamo.commandCalls(DeleteCommand)[0]!.args[0].input).toEqual({
      TableName: 'misybot-state',
      Key: { pk: 'HOLD', sk: 'database#failover' },
    });
  });
});
