import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeDBClustersCommand, DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { createAuroraProbe } from '../../../../functions/adapters/aws/aurora-status';
import { auroraCheck, signal, throttled } from './aws-fixtures';

const rdsClient = new RDSClient({ region: 'eu-west-1', maxAttempts: 1 });
const cwClient = new CloudWatchClient({ region: 'eu-west-1', maxAttempts: 1 });
const rds = mockClient(rdsClient);
const cw = mockClient(cwClient);
const NOW = Date.UTC(2026, 0, 1, 12);
const probe = createAuroraProbe({ rds: rdsClient, cloudwatch: cwClient, now: () => NOW });
const check = auroraCheck;

function cluster(status = 'available', writer = 'db-1') {
  rds.on(DescribeDBClustersCommand).resolves({
    DBClusters: [
      {
        Status: status,
        DBClusterMembers: [
          { DBInstanceIdentifier: 'db-1', IsClusterWriter: writer === 'db-1' },
          { DBInstanceIdentifier: 'db-2', IsClusterWriter: writer === 'db-2' },
        ],
      },
    ],
  });
}
function instances(statuses: Record<string, string>) {
  rds.on(DescribeDBInstancesCommand).resolves({
    DBInstances: Object.entries(statuses).map(([id, s]) => ({
      DBInstanceIdentifier: id,
      DBInstanceStatus: s,
    })),
  });
}

beforeEach(() => {
  rds.reset();
  cw.reset();
  cw.on(GetMetricDataCommand).resolves({ MetricDataResults: [{ Id: 'lag0', Values: [40, 900] }] });
});

describe('Aurora probe', () => {
  it('describes the cluster and its instances, and reads AuroraReplicaLag for each reader', async () => {
    cluster();
    instances({ 'db-1': 'available', 'db-2': 'available' });
    expect(await probe(check, signal())).toEqual({
      status: 'up',
      observed: { instances: 2, readers: 1, maxReplicaLagMs: 40 },
    });
    expect(rds.commandCalls(DescribeDBClustersCommand)[0]!.args[0].input).toEqual({
      DBClusterIdentifier: 'misybot-db',
    });
    expect(rds.commandCalls(DescribeDBInstancesCommand)[0]!.args[0].input).toEqual({
      Filters: [{ Name: 'db-cluster-id', Values: ['misybot-db'] }],
    });
    expect(cw.commandCalls(GetMetricDataCommand)[0]!.args[0].input).toEqual({
      MetricDataQueries: [
        {
          Id: 'lag0',
          ReturnData: true,
          MetricStat: {
            Metric: {
              Namespace: 'AWS/RDS',
              MetricName: 'AuroraReplicaLag',
              Dimensions: [{ Name: 'DBInstanceIdentifier', Value: 'db-2' }],
            },
            Period: 60,
            Stat: 'Maximum',
          },
        },
      ],
      StartTime: new Date(NOW - 300_000),
      EndTime: new Date(NOW),
      ScanBy: 'TimestampDescending',
    });
  });

  it('warns when the latest replica lag is over the maximum', async () => {
    cluster();
    instances({ 'db-1': 'available', 'db-2': 'available' });
    cw.on(GetMetricDataCommand).resolves({ MetricDataResults: [{ Id: 'lag0', Values: [3200, 10] }] });
    expect((await probe(check, signal())).warning).toBe('reader db-2 lags 3200 ms (max 1000)');
  });

  it('is down while the cluster fails over, and when the writer is not available', async () => {
    cluster('failing-over');
    instances({ 'db-1': 'available', 'db-2': 'available' });
    expect(await probe(check, signal())).toEqual({
      status: 'down',
      error: 'cluster misybot-db is failing-over',
    });
    rds.reset();
    cluster('available', 'db-2');
    instances({ 'db-1': 'available', 'db-2': 'rebooting' });
    expect(await probe(check, signal())).toEqual({ status: 'down', error: 'writer db-2 is rebooting' });
  });

  it('warns, not fails, when a reader is unavailable', async () => {
    cluster();
    instances({ 'db-1': 'available', 'db-2': 'rebooting' });
    expect(await probe(check, signal())).toMatchObject({ status: 'up', warning: 'reader db-2 is rebooting' });
  });

  it('keeps the verdict when the lag metric is throttled, and answers unknown when RDS is', async () => {
    cluster();
    instances({ 'db-1': 'available', 'db-2': 'available' });
    cw.on(GetMetricDataCommand).rejects(throttled());
    expect(await probe(check, signal())).toEqual({ status: 'up', observed: { instances: 2, readers: 1 } });
    rds.on(DescribeDBClustersCommand).rejects(throttled());
    expect((await probe(check, signal())).status).toBe('unknown');
  });
});
