import {
  DescribeCacheClustersCommand,
  DescribeReplicationGroupsCommand,
  ElastiCacheClient,
} from '@aws-sdk/client-elasticache';
import { mockClient } from 'aws-sdk-client-mock';
import { createElasticacheProbe } from '../../../../functions/adapters/aws/elasticache-status';
import { elasticacheCheck, signal, throttled } from './aws-fixtures';

const client = new ElastiCacheClient({ region: 'eu-west-1', maxAttempts: 1 });
const ec = mockClient(client);
const probe = createElasticacheProbe(client);
const check = elasticacheCheck;
const group = (roles: string[], Status = 'available') => ({
  ReplicationGroups: [
    {
      Status,
      NodeGroups: [
        {
          NodeGroupId: '0001',
          Status: 'available',
          NodeGroupMembers: roles.map((CurrentRole, i) => ({
            CacheClusterId: `misybot-cache-00${i + 1}`,
            CurrentRole,
          })),
        },
      ],
    },
  ],
});

beforeEach(() => ec.reset());

describe('ElastiCache probe', () => {
  it('is up with a primary and available replicas, describing each replica', async () => {
    ec.on(DescribeReplicationGroupsCommand).resolves(group(['primary', 'replica']));
    ec.on(DescribeCacheClustersCommand).resolves({
      CacheClusters: [{ CacheClusterId: 'misybot-cache-002', CacheClusterStatus: 'available' }],
    });
    expect(await probe(check, signal())).toEqual({
      status: 'up',
      observed: { nodeGroups: 1, replicas: 1, availableReplicas: 1 },
    });
    expect(ec.commandCalls(DescribeReplicationGroupsCommand)[0]!.args[0].input).toEqual({
      ReplicationGroupId: 'misybot-cache',
    });
    expect(ec.commandCalls(DescribeCacheClustersCommand)[0]!.args[0].input).toEqual({
      CacheClusterId: 'misybot-cache-002',
    });
  });

  it('is down when a node group has no primary', async () => {
    ec.on(DescribeReplicationGroupsCommand).resolves(group(['replica', 'replica']));
    expect(await probe(check, signal())).toEqual({
      status: 'down',
      error: 'no primary in node group(s) 0001',
    });
  });

  it('warns when a replica is not available, or when there is none', async () => {
    ec.on(DescribeReplicationGroupsCommand).resolves(group(['primary', 'replica']));
    ec.on(DescribeCacheClustersCommand).resolves({
      CacheClusters: [{ CacheClusterId: 'misybot-cache-002', CacheClusterStatus: 'restore-failed' }],
    });
    expect((await probe(check, signal())).warning).toBe('replica misybot-cache-002 is restore-failed');
    ec.reset();
    ec.on(DescribeReplicationGroupsCommand).resolves(group(['primary']));
    expect((await probe(check, signal())).warning).toBe('no replica: a primary failure would lose the cache');
  });

  it('is down when the replication group is not serving', async () => {
    ec.on(DescribeReplicationGroupsCommand).resolves(group(['primary'], 'create-failed'));
    expect((await probe(check, signal())).error).toBe('replication group misybot-cache is create-failed');
  });

  it('answers unknown when throttled, on either call', async () => {
    ec.on(DescribeReplicationGroupsCommand).rejects(throttled());
    expect((await probe(check, signal())).status).toBe('unknown');
    ec.reset();
    ec.on(DescribeReplicationGroupsCommand).resolves(group(['primary', 'replica']));
    ec.on(DescribeCacheClustersCommand).rejects(throttled());
    expect(await probe(check, signal())).toEqual({
      status: 'unknown',
      error: 'DescribeCacheClusters throttled (ThrottlingException)',
    });
  });
});
