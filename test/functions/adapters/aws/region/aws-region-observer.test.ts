import { ACMClient, DescribeCertificateCommand } from '@aws-sdk/client-acm';
import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import {
  CloudWatchClient,
  GetMetricDataCommand,
  type GetMetricDataCommandOutput,
} from '@aws-sdk/client-cloudwatch';
import { DescribeGlobalReplicationGroupsCommand, ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { DescribeDBClustersCommand, DescribeGlobalClustersCommand, RDSClient } from '@aws-sdk/client-rds';
import { GetHealthCheckStatusCommand, Route53Client } from '@aws-sdk/client-route-53';
import { DescribeSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { AwsRegionObserver } from '../../../../../functions/adapters/aws/region/aws-region-observer';
import { GlobalDatabase } from '../../../../../functions/adapters/aws/region/global-database';
import { GlobalDatastore } from '../../../../../functions/adapters/aws/region/global-datastore';
import { RegionalDns } from '../../../../../functions/adapters/aws/region/regional-dns';
import { SteppingClock, sdkError } from '../failover/clock';
import { datastore, globalCluster, PRIMARY_ARN, resources, T } from './fixtures';

const clients = {
  rds: new RDSClient({ region: 'eu-central-1', maxAttempts: 1 }),
  cache: new ElastiCacheClient({ region: 'eu-central-1', maxAttempts: 1 }),
  route53: new Route53Client({ region: 'us-east-1', maxAttempts: 1 }),
  cloudWatch: new CloudWatchClient({ region: 'eu-central-1', maxAttempts: 1 }),
  acm: new ACMClient({ region: 'eu-central-1', maxAttempts: 1 }),
  secrets: new SecretsManagerClient({ region: 'eu-central-1', maxAttempts: 1 }),
  asg: new AutoScalingClient({ region: 'eu-central-1', maxAttempts: 1 }),
};
const mocks = {
  rds: mockClient(clients.rds),
  cache: mockClient(clients.cache),
  route53: mockClient(clients.route53),
  cloudWatch: mockClient(clients.cloudWatch),
  acm: mockClient(clients.acm),
  secrets: mockClient(clients.secrets),
  asg: mockClient(clients.asg),
};
const clock = new SteppingClock(T);
const observer = new AwsRegionObserver({
  database: new GlobalDatabase(() => clients.rds, resources, 'eu-central-1', clock),
  datastore: new GlobalDatastore(clients.cache, resources, clock),
  dns: new RegionalDns(clients.route53, resources, clock),
  cloudWatch: () => clients.cloudWatch,
  acm: () => clients.acm,
  secrets: () => clients.secrets,
  autoScaling: () => clients.asg,
  resources,
  clock,
});
const healthy = {
  HealthCheckObservations: [{ StatusReport: { Status: 'Success: 200', CheckedTime: new Date(T - 5000) } }],
};
const lagResults = (status: string) =>
  ({
    MetricDataResults: [
      { Id: 'replication', StatusCode: status, Timestamps: [new Date(T - 60_000)], Values: [850] },
      { Id: 'rpo', StatusCode: status, Timestamps: [new Date(T - 60_000)], Values: [3] },
    ],
  }) as GetMetricDataCommandOutput;

beforeEach(() => {
  for (const mock of Object.values(mocks)) mock.reset();
  mocks.rds.on(DescribeGlobalClustersCommand).resolves(globalCluster(PRIMARY_ARN));
  mocks.rds
    .on(DescribeDBClustersCommand)
    .resolves({ DBClusters: [{ DBClusterMembers: [{ DBInstanceIdentifier: 'r1' }] }] });
  mocks.cache.on(DescribeGlobalReplicationGroupsCommand).resolves(datastore('eu-west-1'));
  mocks.route53.on(GetHealthCheckStatusCommand).resolves(healthy);
  mocks.cloudWatch.on(GetMetricDataCommand).resolves(lagResults('Complete'));
  mocks.acm
    .on(DescribeCertificateCommand)
    .resolves({ Certificate: { Status: 'ISSUED', NotAfter: new Date(T + 90 * 86_400_000) } });
  mocks.asg.on(DescribeAutoScalingGroupsCommand).resolves({
    AutoScalingGroups: [
      {
        MaxSize: 10,
        DesiredCapacity: 1,
        Instances: [{ LifecycleState: 'InService', HealthStatus: 'Healthy' }],
      },
    ] as never,
  });
  mocks.secrets
    .on(DescribeSecretCommand, { SecretId: resources.regions['eu-central-1']!.secretArns[0] })
    .resolves({ Name: 'misybot/cache', PrimaryRegion: 'eu-west-1' });
  mocks.secrets
    .on(DescribeSecretCommand, {
      SecretId: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:misybot/cache-AbCdEf',
    })
    .resolves({ Name: 'misybot/cache', ReplicationStatus: [{ Region: 'eu-central-1', Status: 'InSync' }] });
});

describe('AwsRegionObserver', () => {
  it('reads both regions, the lag of the standby cluster and its readiness', async () => {
    await expect(observer.observe('eu-west-1', 'eu-central-1')).resolves.toEqual({
      observedAt: T,
      global: {
        databaseWriterRegion: 'eu-west-1',
        databaseStatus: 'available',
        cachePrimaryRegion: 'eu-west-1',
        cacheStatus: 'available',
      },
      health: {
        'eu-west-1': { healthy: true, at: T - 5000 },
        'eu-central-1': { healthy: true, at: T - 5000 },
      },
      replicationLagMs: { value: 850, at: T - 60_000, complete: true },
      rpoLagSeconds: { value: 3, at: T - 60_000, complete: true },
      standby: {
        fleet: { inService: 1, desired: 1, max: 10 },
        certificate: { status: 'ISSUED', notAfter: T + 90 * 86_400_000 },
        secrets: [{ name: 'misybot/cache', inSync: true }],
        databaseInstances: 1,
      },
    });
  });

  it('asks CloudWatch for both lag metrics of the standby cluster, newest first', async () => {
    await observer.observe('eu-west-1', 'eu-central-1');
    const input = mocks.cloudWatch.commandCalls(GetMetricDataCommand)[0]?.args[0].input as {
      MetricDataQueries: unknown[];
    };
    expect(input).toMatchObject({
      StartTime: new Date(T - 600_000),
      EndTime: new Date(T),
      ScanBy: 'TimestampDescending',
    });
    expect(input.MetricDataQueries).toEqual(
      ['AuroraGlobalDBReplicationLag', 'AuroraGlobalDBRPOLag'].map((MetricName, index) => ({
        Id: index === 0 ? 'replication' : 'rpo',
        MetricStat: {
          Metric: {
            Namespace: 'AWS/RDS',
            MetricName,
            Dimensions: [{ Name: 'DBClusterIdentifier', Value: 'misybot-standby' }],
          },
          Period: 60,
          Stat: 'Maximum',
        },
      })),
    );
  });

  it('marks partial lag data as incomplete, for the guard to refuse', async () => {
    mocks.cloudWatch.on(GetMetricDataCommand).resolves(lagResults('PartialData'));
    const observation = await observer.observe('eu-west-1', 'eu-central-1');
    expect(observation.replicationLagMs?.complete).toBe(false);
  });

  it('leaves out what throttling or a timeout kept it from reading, instead of failing', async () => {
    mocks.cloudWatch.on(GetMetricDataCommand).rejects(sdkError('Throttling', 'Rate exceeded'));
    mocks.rds
      .on(DescribeGlobalClustersCommand)
      .rejects(Object.assign(new Error('aborted'), { name: 'TimeoutError' }));
    const observation = await observer.observe('eu-west-1', 'eu-central-1');
    expect(observation.replicationLagMs).toBeUndefined();
    expect(observation.rpoLagSeconds).toBeUndefined();
    expect(observation.global).toBeUndefined();
    expect(observation.standby.fleet).toBeDefined();
  });

  it('reports a secret replica the primary says is not in sync', async () => {
    mocks.secrets
      .on(DescribeSecretCommand, {
        SecretId: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:misybot/cache-AbCdEf',
      })
      .resolves({ Name: 'misybot/cache', ReplicationStatus: [{ Region: 'eu-central-1', Status: 'Failed' }] });
    const observation = await observer.observe('eu-west-1', 'eu-central-1');
    expect(observation.standby.secrets).toEqual([{ name: 'misybot/cache', inSync: false }]);
  });

  it('trusts an existing replica when the primary region cannot answer', async () => {
    mocks.secrets
      .on(DescribeSecretCommand, {
        SecretId: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:misybot/cache-AbCdEf',
      })
      .rejects(Object.assign(new Error('connect ETIMEDOUT'), { name: 'TimeoutError' }));
    const observation = await observer.observe('eu-west-1', 'eu-central-1');
    expect(observation.standby.secrets).toEqual([{ name: 'misybot/cache', inSync: true }]);
  });
});
