import {
  DescribeReplicationGroupsCommand,
  ElastiCacheClient,
  TestFailoverCommand,
} from '@aws-sdk/client-elasticache';
import { mockClient } from 'aws-sdk-client-mock';
import { ElastiCacheReplicationGroup } from '../../../../../functions/adapters/aws/failover/elasticache';
import { SteppingClock, sdkError } from './clock';

const client = new ElastiCacheClient({ region: 'eu-west-1', maxAttempts: 1 });
const elasticache = mockClient(client);
const T = Date.UTC(2026, 0, 1);
const groupWith = (primary: string, Status = 'available') => ({
  ReplicationGroups: [
    {
      ReplicationGroupId: 'misybot-cache',
      Status,
      NodeGroups: [
        {
          NodeGroupId: '0001',
          NodeGroupMembers: ['c-001', 'c-002'].map((id) => ({
            CacheClusterId: id,
            CurrentRole: id === primary ? 'primary' : 'replica',
          })),
        },
      ],
    },
  ],
});

let clock: SteppingClock;
let cache: ElastiCacheReplicationGroup;
beforeEach(() => {
  elasticache.reset();
  clock = new SteppingClock(T);
  cache = new ElastiCacheReplicationGroup(
    client,
    { replicationGroupId: 'misybot-cache', pollIntervalMs: 10_000 },
    clock,
  );
});

describe('ElastiCacheReplicationGroup', () => {
  it('calls TestFailover on the configured node group', async () => {
    elasticache.on(TestFailoverCommand).resolves({});
    await expect(cache.testFailover(T + 600_000)).resolves.toMatchObject({ ok: true });
    expect(elasticache.commandCalls(TestFailoverCommand).map((c) => c.args[0].input)).toEqual([
      { ReplicationGroupId: 'misybot-cache', NodeGroupId: '0001' },
    ]);
  });

  it('reports AWS refusing past its TestFailover quota as a rejection', async () => {
    elasticache
      .on(TestFailoverCommand)
      .rejects(sdkError('APICallRateForCustomerExceeded', 'too many TestFailover calls'));
    await expect(cache.testFailover(T + 600_000)).resolves.toMatchObject({
      ok: false,
      failure: 'rejected',
      accepted: false,
    });
  });

  it('waits until a replica is promoted and the group is available', async () => {
    elasticache
      .on(DescribeReplicationGroupsCommand)
      .resolvesOnce(groupWith('c-001', 'modifying'))
      .resolvesOnce(groupWith('c-002', 'modifying'))
      .resolves(groupWith('c-002'));
    await expect(cache.waitForNewPrimary('c-001', T + 600_000)).resolves.toMatchObject({ ok: true });
    expect(elasticache.commandCalls(DescribeReplicationGroupsCommand)[0]!.args[0].input).toEqual({
      ReplicationGroupId: 'misybot-cache',
    });
  });

  it('times out when the primary never changes', async () => {
    elasticache.on(DescribeReplicationGroupsCommand).resolves(groupWith('c-001'));
    await expect(cache.waitForNewPrimary('c-001', T + 30_000)).resolves.toMatchObject({
      failure: 'timeout',
      message: 'deadline passed: primary is c-001, group available',
    });
  });

  it('observes the primary and replicas, none healthy while the group is not available', async () => {
    elasticache
      .on(DescribeReplicationGroupsCommand)
      .resolvesOnce(groupWith('c-001'))
      .resolves(groupWith('c-001', 'modifying'));
    await expect(cache.observe()).resolves.toEqual({
      primary: { id: 'c-001', healthy: true },
      standbys: [{ id: 'c-002', healthy: true }],
    });
    await expect(cache.observe()).resolves.toEqual({
      primary: { id: 'c-001', healthy: false },
      standbys: [{ id: 'c-002', healthy: false }],
    });
  });
});
