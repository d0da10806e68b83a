import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import {
  DescribeReplicationGroupsCommand,
  ElastiCacheClient,
  TestFailoverCommand,
} from '@aws-sdk/client-elasticache';
import { DescribeDBClustersCommand, FailoverDBClusterCommand, RDSClient } from '@aws-sdk/client-rds';
import {
  GetHealthCheckCommand,
  GetHealthCheckStatusCommand,
  Route53Client,
  UpdateHealthCheckCommand,
} from '@aws-sdk/client-route-53';
import { type AwsClientStub, mockClient } from 'aws-sdk-client-mock';
import { AuroraCluster } from '../../../../../functions/adapters/aws/failover/aurora';
import { AuroraObserver } from '../../../../../functions/adapters/aws/failover/aurora-observer';
import { AwsFailoverActions } from '../../../../../functions/adapters/aws/failover/aws-failover-actions';
import { ElastiCacheReplicationGroup } from '../../../../../functions/adapters/aws/failover/elasticache';
import { Route53Dns } from '../../../../../functions/adapters/aws/failover/route53-dns';
import { decide } from '../../../../../functions/core/failover/machine';
import {
  ComponentNotConfiguredError,
  type ResourceAction,
} from '../../../../../functions/core/failover/ports';
import type { FailoverAction, HealthSnapshot } from '../../../../../functions/core/failover/types';
import { initialState } from '../../../../../functions/core/failover/types';
import { testSettings } from '../../../core/failover/fixtures';
import { SteppingClock } from './clock';

const T = Date.UTC(2026, 0, 1);
const route53Client = new Route53Client({ region: 'us-east-1', maxAttempts: 1 });
const rdsClient = new RDSClient({ region: 'eu-west-1', maxAttempts: 1 });
const cacheClient = new ElastiCacheClient({ region: 'eu-west-1', maxAttempts: 1 });
const route53 = mockClient(route53Client);
const rds = mockClient(rdsClient);
const elasticache = mockClient(cacheClient);
const clock = new SteppingClock(T);
const actions = new AwsFailoverActions({
  dns: new Route53Dns(route53Client, { primaryHealthCheckId: 'hc-primary' }, clock),
  database: {
    kind: 'aurora-cluster',
    cluster: new AuroraCluster(rdsClient, { clusterIdentifier: 'misybot' }, clock),
    observer: new AuroraObserver(
      rdsClient,
      new CloudWatchClient({ region: 'eu-west-1', maxAttempts: 1 }),
      'misybot',
      clock,
    ),
  },
  cache: new ElastiCacheReplicationGroup(cacheClient, { replicationGroupId: 'misybot-cache' }, clock),
});

/** The plan a manual drill of `component` produces, run through the adapters. */
async function runDrill(component: 'dns' | 'database' | 'cache', health: HealthSnapshot) {
  const decision = decide(
    initialState(component, T),
    {
      kind: 'command',
      eventId: 'drill',
      command: 'drill',
      dryRun: false,
      reason: 'drill',
      requestedBy: 'sre',
      health,
    },
    testSettings(),
    T,
  );
  const steps = decision.plan.filter((a): a is ResourceAction => a.kind !== 'notify');
  for (const step of steps) expect(await actions.execute(step, T + 600_000)).toMatchObject({ ok: true });
  return steps;
}

const inputs = (
  stub: AwsClientStub<Route53Client> | AwsClientStub<RDSClient> | AwsClientStub<ElastiCacheClient>,
) => stub.calls().map((call) => [call.args[0].constructor.name, call.args[0].input]);

beforeEach(() => {
  route53.reset();
  rds.reset();
  elasticache.reset();
});

describe('AwsFailoverActions: the exact commands of each plan', () => {
  it('drills DNS: invert, verify secondary, restore, verify primary', async () => {
    let inverted = false;
    route53.on(GetHealthCheckCommand).callsFake(() => ({
      HealthCheck: {
        Id: 'hc-primary',
        CallerReference: 'r',
        HealthCheckVersion: 3,
        HealthCheckConfig: { Type: 'HTTPS', Inverted: inverted },
      },
    }));
    route53.on(UpdateHealthCheckCommand).callsFake((input: { Inverted: boolean }) => {
      inverted = input.Inverted;
      return {};
    });
    route53
      .on(GetHealthCheckStatusCommand)
      .resolves({ HealthCheckObservations: [{ StatusReport: { Status: 'Success: HTTP Status Code 200' } }] });
    const steps = await runDrill('dns', {
      primary: { id: 'primary', healthy: true },
      standbys: [{ id: 'secondary', healthy: true }],
    });
    expect(steps.map((s) => s.kind)).toEqual([
      'invert-health-check',
      'verify-dns-routing',
      'restore-health-check',
      'verify-dns-routing',
    ]);
    expect(inputs(route53)).toEqual([
      ['GetHealthCheckCommand', { HealthCheckId: 'hc-primary' }],
      ['UpdateHealthCheckCommand', { HealthCheckId: 'hc-primary', HealthCheckVersion: 3, Inverted: true }],
      ['GetHealthCheckCommand', { HealthCheckId: 'hc-primary' }],
      ['GetHealthCheckStatusCommand', { HealthCheckId: 'hc-primary' }],
      ['GetHealthCheckCommand', { HealthCheckId: 'hc-primary' }],
      ['UpdateHealthCheckCommand', { HealthCheckId: 'hc-primary', HealthCheckVersion: 3, Inverted: false }],
      ['GetHealthCheckCommand', { HealthCheckId: 'hc-primary' }],
      ['GetHealthCheckStatusCommand', { HealthCheckId: 'hc-primary' }],
    ]);
  });

  it('drills Aurora: fail over to the least-lagged reader, wait, fail back, wait', async () => {
    let writer = 'db-1';
    rds.on(FailoverDBClusterCommand).callsFake((input: { TargetDBInstanceIdentifier: string }) => {
      writer = input.TargetDBInstanceIdentifier;
      return {};
    });
    rds.on(DescribeDBClustersCommand).callsFake(() => ({
      DBClusters: [
        {
          Status: 'available',
          DBClusterMembers: ['db-1', 'db-2', 'db-3'].map((id) => ({
            DBInstanceIdentifier: id,
            IsClusterWriter: id === writer,
          })),
        },
      ],
    }));
    await runDrill('database', {
      primary: { id: 'db-1', healthy: true, capacity: 2 },
      standbys: [
        { id: 'db-2', healthy: true, replicaLagSeconds: 3, capacity: 2 },
        { id: 'db-3', healthy: true, replicaLagSeconds: 0.5, capacity: 2 },
      ],
    });
    expect(inputs(rds)).toEqual([
      ['FailoverDBClusterCommand', { DBClusterIdentifier: 'misybot', TargetDBInstanceIdentifier: 'db-3' }],
      ['DescribeDBClustersCommand', { DBClusterIdentifier: 'misybot' }],
      ['FailoverDBClusterCommand', { DBClusterIdentifier: 'misybot', TargetDBInstanceIdentifier: 'db-1' }],
      ['DescribeDBClustersCommand', { DBClusterIdentifier: 'misybot' }],
    ]);
  });

  it('drills the cache: TestFailover twice, each followed by the wait for a new primary', async () => {
    let primary = 'c-001';
    elasticache.on(TestFailoverCommand).callsFake(() => {
      primary = primary === 'c-001' ? 'c-002' : 'c-001';
      return {};
    });
    elasticache.on(DescribeReplicationGroupsCommand).callsFake(() => ({
      ReplicationGroups: [
        {
          Status: 'available',
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
    }));
    await runDrill('cache', {
      primary: { id: 'c-001', healthy: true },
      standbys: [{ id: 'c-002', healthy: true }],
    });
    expect(inputs(elasticache)).toEqual([
      ['TestFailoverCommand', { ReplicationGroupId: 'misybot-cache', NodeGroupId: '0001' }],
      ['DescribeReplicationGroupsCommand', { ReplicationGroupId: 'misybot-cache' }],
      ['TestFailoverCommand', { ReplicationGroupId: 'misybot-cache', NodeGroupId: '0001' }],
      ['DescribeReplicationGroupsCommand', { ReplicationGroupId: 'misybot-cache' }],
    ]);
  });

  it('refuses actions and reads for resources the deployment does not have', async () => {
    const bare = new AwsFailoverActions({});
    const step: FailoverAction = { kind: 'rds-reboot-failover' };
    await expect(bare.execute(step, T)).resolves.toMatchObject({
      ok: false,
      failure: 'rejected',
      accepted: false,
    });
    await expect(bare.observe('cache')).rejects.toBeInstanceOf(ComponentNotConfiguredError);
  });
});
