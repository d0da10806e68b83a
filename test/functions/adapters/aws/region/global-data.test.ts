import {
  DescribeGlobalReplicationGroupsCommand,
  ElastiCacheClient,
  FailoverGlobalReplicationGroupCommand,
} from '@aws-sdk/client-elasticache';
import {
  CreateDBInstanceCommand,
  DescribeDBClustersCommand,
  DescribeGlobalClustersCommand,
  FailoverGlobalClusterCommand,
  RDSClient,
  SwitchoverGlobalClusterCommand,
} from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { GlobalDatabase } from '../../../../../functions/adapters/aws/region/global-database';
import { GlobalDatastore } from '../../../../../functions/adapters/aws/region/global-datastore';
import { SteppingClock, sdkError } from '../failover/clock';
import { datastore, globalCluster, PRIMARY_ARN, resources, STANDBY_ARN, T } from './fixtures';

const rdsClient = new RDSClient({ region: 'eu-central-1', maxAttempts: 1 });
const cacheClient = new ElastiCacheClient({ region: 'eu-central-1', maxAttempts: 1 });
const rds = mockClient(rdsClient);
const cache = mockClient(cacheClient);
let clock: SteppingClock;
let database: GlobalDatabase;
let datastoreAdapter: GlobalDatastore;
const deadline = () => clock.now() + 900_000;

beforeEach(() => {
  rds.reset();
  cache.reset();
  clock = new SteppingClock(T);
  database = new GlobalDatabase(() => rdsClient, resources, 'eu-central-1', clock, 10_000);
  datastoreAdapter = new GlobalDatastore(cacheClient, resources, clock, 10_000);
});

describe('GlobalDatabase', () => {
  it('switches over to the standby cluster by ARN, with no data loss option', async () => {
    rds.on(DescribeGlobalClustersCommand).resolves(globalCluster(PRIMARY_ARN));
    rds.on(SwitchoverGlobalClusterCommand).resolves({});
    await expect(database.promote('eu-central-1', 'switchover', deadline())).resolves.toMatchObject({
      ok: true,
    });
    expect(rds.commandCalls(SwitchoverGlobalClusterCommand).map((c) => c.args[0].input)).toEqual([
      { GlobalClusterIdentifier: 'misybot-geo-ha-global', TargetDbClusterIdentifier: STANDBY_ARN },
    ]);
    expect(rds.commandCalls(FailoverGlobalClusterCommand)).toHaveLength(0);
  });

  it('fails over with AllowDataLoss for an unplanned failover', async () => {
    rds.on(DescribeGlobalClustersCommand).resolves(globalCluster(PRIMARY_ARN));
    rds.on(FailoverGlobalClusterCommand).resolves({});
    await database.promote('eu-central-1', 'failover', deadline());
    expect(rds.commandCalls(FailoverGlobalClusterCommand).map((c) => c.args[0].input)).toEqual([
      {
        GlobalClusterIdentifier: 'misybot-geo-ha-global',
        TargetDbClusterIdentifier: STANDBY_ARN,
        AllowDataLoss: true,
      },
    ]);
  });

  it('changes nothing when the target already writes (a retried step)', async () => {
    rds.on(DescribeGlobalClustersCommand).resolves(globalCluster(STANDBY_ARN));
    await expect(database.promote('eu-central-1', 'failover', deadline())).resolves.toMatchObject({
      ok: true,
      detail: `${STANDBY_ARN} already writes`,
    });
    expect(rds.commandCalls(FailoverGlobalClusterCommand)).toHaveLength(0);
  });

  it('reports a throttled promotion as not accepted, and a timed-out one as possibly accepted', async () => {
    rds.on(DescribeGlobalClustersCommand).resolves(globalCluster(PRIMARY_ARN));
    rds
      .on(SwitchoverGlobalClusterCommand)
      .rejectsOnce(sdkError('ThrottlingException', 'Rate exceeded', 400))
      .rejectsOnce(Object.assign(new Error('aborted'), { name: 'TimeoutError' }));
    await expect(database.promote('eu-central-1', 'switchover', deadline())).resolves.toEqual({
      ok: false,
      failure: 'throttled',
      message: 'ThrottlingException: Rate exceeded',
      accepted: false,
    });
    await expect(database.promote('eu-central-1', 'switchover', deadline())).resolves.toMatchObject({
      failure: 'timeout',
      accepted: true,
    });
  });

  it('refuses a promotion while the global cluster is in a state that forbids it', async () => {
    rds.on(DescribeGlobalClustersCommand).resolves(globalCluster(PRIMARY_ARN));
    rds
      .on(SwitchoverGlobalClusterCommand)
      .rejects(sdkError('InvalidGlobalClusterStateFault', 'switching over'));
    await expect(database.promote('eu-central-1', 'switchover', deadline())).resolves.toMatchObject({
      failure: 'rejected',
      accepted: false,
    });
  });

  it('waits through throttled reads until the standby writes and the global cluster is available', async () => {
    rds
      .on(DescribeGlobalClustersCommand)
      .resolvesOnce(globalCluster(PRIMARY_ARN, 'switching-over'))
      .rejectsOnce(sdkError('Throttling', 'slow down'))
      .resolvesOnce(globalCluster(STANDBY_ARN, 'switching-over'))
      .resolves(globalCluster(STANDBY_ARN));
    await expect(database.waitForWriter('eu-central-1', deadline())).resolves.toMatchObject({ ok: true });
    expect(clock.sleeps).toEqual([10_000, 10_000, 10_000]);
  });

  it('gives up waiting at the deadline and says where the writer is', async () => {
    rds.on(DescribeGlobalClustersCommand).resolves(globalCluster(PRIMARY_ARN, 'failing-over'));
    await expect(database.waitForWriter('eu-central-1', T + 25_000)).resolves.toEqual({
      ok: false,
      failure: 'timeout',
      message: 'deadline passed: writer in eu-west-1, global cluster failing-over',
      accepted: false,
    });
  });

  it('adds one instance to a headless cluster and waits until the cluster lists it', async () => {
    rds
      .on(DescribeDBClustersCommand)
      .resolvesOnce({ DBClusters: [{ DBClusterMembers: [] }] })
      .resolvesOnce({ DBClusters: [{ DBClusterMembers: [] }] })
      .resolves({
        DBClusters: [{ DBClusterMembers: [{ DBInstanceIdentifier: 'misybot-standby-takeover' }] }],
      });
    rds.on(CreateDBInstanceCommand).resolves({});
    await expect(database.addInstance('eu-central-1', deadline())).resolves.toMatchObject({ ok: true });
    expect(rds.commandCalls(CreateDBInstanceCommand).map((c) => c.args[0].input)).toEqual([
      {
        DBInstanceIdentifier: 'misybot-standby-takeover',
        DBClusterIdentifier: 'misybot-standby',
        Engine: 'aurora-postgresql',
        DBInstanceClass: 'db.r6g.large',
        PromotionTier: 0,
      },
    ]);
  });
});

describe('GlobalDatastore', () => {
  it('fails the datastore over to the standby group', async () => {
    cache.on(DescribeGlobalReplicationGroupsCommand).resolves(datastore('eu-west-1'));
    cache.on(FailoverGlobalReplicationGroupCommand).resolves({});
    await expect(datastoreAdapter.failover('eu-central-1', deadline())).resolves.toMatchObject({ ok: true });
    expect(cache.commandCalls(DescribeGlobalReplicationGroupsCommand)[0]?.args[0].input).toEqual({
      GlobalReplicationGroupId: 'ldgnf-misybot-geo-ha-cache',
      ShowMemberInfo: true,
    });
    expect(cache.commandCalls(FailoverGlobalReplicationGroupCommand).map((c) => c.args[0].input)).toEqual([
      {
        GlobalReplicationGroupId: 'ldgnf-misybot-geo-ha-cache',
        PrimaryRegion: 'eu-central-1',
        PrimaryReplicationGroupId: 'misybot-cache-standby',
      },
    ]);
  });

  it('changes nothing when the primary is already in the target region', async () => {
    cache.on(DescribeGlobalReplicationGroupsCommand).resolves(datastore('eu-central-1'));
    await datastoreAdapter.failover('eu-central-1', deadline());
    expect(cache.commandCalls(FailoverGlobalReplicationGroupCommand)).toHaveLength(0);
  });

  it('reports a throttled failover as a failure that was not accepted', async () => {
    cache.on(DescribeGlobalReplicationGroupsCommand).resolves(datastore('eu-west-1'));
    cache.on(FailoverGlobalReplicationGroupCommand).rejects(sdkError('ThrottlingException', 'Rate exceeded'));
    await expect(datastoreAdapter.failover('eu-central-1', deadline())).resolves.toMatchObject({
      ok: false,
      failure: 'throttled',
      accepted: false,
    });
  });

  it('waits until the standby group is primary and the datastore available', async () => {
    cache
      .on(DescribeGlobalReplicationGroupsCommand)
      .resolvesOnce(datastore('eu-central-1', 'modifying'))
      .resolves(datastore('eu-central-1'));
    await expect(datastoreAdapter.waitForPrimary('eu-central-1', deadline())).resolves.toMatchObject({
      ok: true,
    });
    expect(clock.sleeps).toEqual([10_000]);
  });
});
