import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import {
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  FailoverDBClusterCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { AuroraCluster } from '../../../../../functions/adapters/aws/failover/aurora';
import {
  AuroraObserver,
  classCapacity,
} from '../../../../../functions/adapters/aws/failover/aurora-observer';
import { SteppingClock, sdkError } from './clock';

const rdsClient = new RDSClient({ region: 'eu-west-1', maxAttempts: 1 });
const cwClient = new CloudWatchClient({ region: 'eu-west-1', maxAttempts: 1 });
const rds = mockClient(rdsClient);
const cloudWatch = mockClient(cwClient);
const T = Date.UTC(2026, 0, 1);
const clusterWith = (writer: string, Status = 'available') => ({
  DBClusters: [
    {
      DBClusterIdentifier: 'misybot',
      Status,
      DBClusterMembers: ['db-1', 'db-2', 'db-3'].map((id) => ({
        DBInstanceIdentifier: id,
        IsClusterWriter: id === writer,
      })),
    },
  ],
});

let clock: SteppingClock;
let aurora: AuroraCluster;
beforeEach(() => {
  rds.reset();
  cloudWatch.reset();
  clock = new SteppingClock(T);
  aurora = new AuroraCluster(rdsClient, { clusterIdentifier: 'misybot', pollIntervalMs: 5000 }, clock);
});

describe('AuroraCluster', () => {
  it('fails the cluster over to the chosen reader', async () => {
    rds.on(FailoverDBClusterCommand).resolves({});
    await expect(aurora.failover('db-2', T + 300_000)).resolves.toMatchObject({ ok: true });
    expect(rds.commandCalls(FailoverDBClusterCommand).map((c) => c.args[0].input)).toEqual([
      { DBClusterIdentifier: 'misybot', TargetDBInstanceIdentifier: 'db-2' },
    ]);
  });

  it('reports a cluster already failing over as a rejection that was not accepted', async () => {
    rds
      .on(FailoverDBClusterCommand)
      .rejects(sdkError('InvalidDBClusterStateFault', 'cluster is failing-over'));
    await expect(aurora.failover('db-2', T + 300_000)).resolves.toMatchObject({
      ok: false,
      failure: 'rejected',
      accepted: false,
    });
  });

  it('reports throttling without claiming the failover started', async () => {
    rds.on(FailoverDBClusterCommand).rejects(sdkError('Throttling', 'Rate exceeded'));
    await expect(aurora.failover('db-2', T + 300_000)).resolves.toMatchObject({
      failure: 'throttled',
      accepted: false,
    });
  });

  it('waits until the target is the writer and the cluster is available again', async () => {
    rds
      .on(DescribeDBClustersCommand)
      .resolvesOnce(clusterWith('db-1', 'failing-over'))
      .resolvesOnce(clusterWith('db-2', 'failing-over'))
      .resolves(clusterWith('db-2'));
    await expect(aurora.waitForWriter('db-2', T + 300_000)).resolves.toEqual({
      ok: true,
      detail: 'verified',
    });
    expect(rds.commandCalls(DescribeDBClustersCommand)[0]!.args[0].input).toEqual({
      DBClusterIdentifier: 'misybot',
    });
  });

  it('keeps polling through throttled reads', async () => {
    rds
      .on(DescribeDBClustersCommand)
      .rejectsOnce(sdkError('Throttling', 'Rate exceeded'))
      .resolves(clusterWith('db-2'));
    await expect(aurora.waitForWriter('db-2', T + 300_000)).resolves.toMatchObject({ ok: true });
    expect(clock.sleeps).toEqual([5000]);
  });

  it('fails when the failover was accepted but the writer never changes before the deadline', async () => {
    rds.on(DescribeDBClustersCommand).resolves(clusterWith('db-1'));
    const outcome = await aurora.waitForWriter('db-2', T + 30_000);
    expect(outcome).toEqual({
      ok: false,
      failure: 'timeout',
      message: 'deadline passed: writer is db-1, cluster available',
      accepted: false,
    });
    // Reads at 0, 5, …, 30 s: the last one lands on the deadline.
    expect(rds.commandCalls(DescribeDBClustersCommand).length).toBe(7);
  });

  it('stops waiting at once when the read is refused', async () => {
    rds.on(DescribeDBClustersCommand).rejects(sdkError('AccessDenied', 'not authorized', 403));
    await expect(aurora.waitForWriter('db-2', T + 300_000)).resolves.toMatchObject({ failure: 'rejected' });
    expect(clock.sleeps).toEqual([]);
  });
});

describe('AuroraObserver', () => {
  it('reports the writer and each reader with status, size and AuroraReplicaLag in seconds', async () => {
    rds.on(DescribeDBClustersCommand).resolves(clusterWith('db-1'));
    rds.on(DescribeDBInstancesCommand).resolves({
      DBInstances: [
        { DBInstanceIdentifier: 'db-1', DBInstanceStatus: 'available', DBInstanceClass: 'db.r6g.xlarge' },
        { DBInstanceIdentifier: 'db-2', DBInstanceStatus: 'available', DBInstanceClass: 'db.r6g.xlarge' },
        { DBInstanceIdentifier: 'db-3', DBInstanceStatus: 'rebooting', DBInstanceClass: 'db.r6g.large' },
      ],
    });
    cloudWatch.on(GetMetricDataCommand).resolves({
      MetricDataResults: [
        {
          Id: 'lag0',
          StatusCode: 'Complete',
          Values: [1500, 900],
          Timestamps: [new Date(T - 60_000), new Date(T - 120_000)],
        },
        { Id: 'lag1', StatusCode: 'Complete', Values: [], Timestamps: [] },
      ],
    });
    const observer = new AuroraObserver(rdsClient, cwClient, 'misybot', clock);
    await expect(observer.observe()).resolves.toEqual({
      primary: { id: 'db-1', healthy: true, capacity: 4 },
      standbys: [
        { id: 'db-2', healthy: true, capacity: 4, replicaLagSeconds: 1.5 },
        {
          id: 'db-3',
          healthy: false,
          capacity: 2,
          replicaLagProblem: 'no AuroraReplicaLag datapoint in the last 5 minutes',
        },
      ],
    });
    expect(rds.commandCalls(DescribeDBInstancesCommand)[0]!.args[0].input).toEqual({
      Filters: [{ Name: 'db-cluster-id', Values: ['misybot'] }],
    });
    const query = cloudWatch.commandCalls(GetMetricDataCommand)[0]!.args[0].input;
    expect(query.MetricDataQueries?.[0]).toEqual({
      Id: 'lag0',
      MetricStat: {
        Metric: {
          Namespace: 'AWS/RDS',
          MetricName: 'AuroraReplicaLag',
          Dimensions: [{ Name: 'DBInstanceIdentifier', Value: 'db-2' }],
        },
        Period: 60,
        Stat: 'Maximum',
      },
    });
    expect(query.StartTime).toEqual(new Date(T - 300_000));
  });

  it('reports a stale or partial lag as unknown with the reason, and passes a negative one on for the guard to refuse', async () => {
    rds.on(DescribeDBClustersCommand).resolves(clusterWith('db-1'));
    rds.on(DescribeDBInstancesCommand).resolves({
      DBInstances: ['db-1', 'db-2', 'db-3'].map((id) => ({
        DBInstanceIdentifier: id,
        DBInstanceStatus: 'available',
        DBInstanceClass: 'db.r6g.large',
      })),
    });
    cloudWatch.on(GetMetricDataCommand).resolves({
      MetricDataResults: [
        { Id: 'lag0', StatusCode: 'Complete', Values: [400], Timestamps: [new Date(T - 240_000)] },
        { Id: 'lag1', StatusCode: 'PartialData', Values: [200], Timestamps: [new Date(T - 60_000)] },
      ],
    });
    const stale = await new AuroraObserver(rdsClient, cwClient, 'misybot', clock).observe();
    expect(stale.standbys.map((s) => [s.id, s.replicaLagSeconds, s.replicaLagProblem])).toEqual([
      ['db-2', undefined, 'newest AuroraReplicaLag datapoint is 240s old (at most 180s)'],
      ['db-3', undefined, 'AuroraReplicaLag PartialData from CloudWatch'],
    ]);
    cloudWatch.on(GetMetricDataCommand).resolves({
      MetricDataResults: [
        { Id: 'lag0', StatusCode: 'Complete', Values: [-1], Timestamps: [new Date(T - 60_000)] },
        { Id: 'lag1', StatusCode: 'Complete', Values: [300], Timestamps: [new Date(T - 300_000)] },
      ],
    });
    const lenient = await new AuroraObserver(rdsClient, cwClient, 'misybot', clock, 600).observe();
    expect(lenient.standbys.map((s) => s.replicaLagSeconds)).toEqual([-0.001, 0.3]);
  });

  it('sizes instance classes by vCPUs within a family', () => {
    expect(classCapacity('db.r6g.large')).toBe(2);
    expect(classCapacity('db.r6g.4xlarge')).toBe(16);
    expect(classCapacity('db.serverless')).toBeUndefined();
  });
});
