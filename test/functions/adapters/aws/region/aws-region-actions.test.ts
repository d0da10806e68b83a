import {
  AutoScalingClient,
  DescribeAutoScalingGroupsCommand,
  type DescribeAutoScalingGroupsCommandOutput,
  UpdateAutoScalingGroupCommand,
} from '@aws-sdk/client-auto-scaling';
import { ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { DescribeGlobalClustersCommand, FailoverGlobalClusterCommand, RDSClient } from '@aws-sdk/client-rds';
import { Route53Client } from '@aws-sdk/client-route-53';
import { mockClient } from 'aws-sdk-client-mock';
import { AwsRegionActions } from '../../../../../functions/adapters/aws/region/aws-region-actions';
import { GlobalDatabase } from '../../../../../functions/adapters/aws/region/global-database';
import { GlobalDatastore } from '../../../../../functions/adapters/aws/region/global-datastore';
import { RegionalDns } from '../../../../../functions/adapters/aws/region/regional-dns';
import { SteppingClock } from '../failover/clock';
import { globalCluster, PRIMARY_ARN, resources, STANDBY_ARN, T } from './fixtures';

const clients = {
  rds: new RDSClient({ region: 'eu-central-1', maxAttempts: 1 }),
  asgPrimary: new AutoScalingClient({ region: 'eu-west-1', maxAttempts: 1 }),
  asgStandby: new AutoScalingClient({ region: 'eu-central-1', maxAttempts: 1 }),
};
const rds = mockClient(clients.rds);
const asgPrimary = mockClient(clients.asgPrimary);
const asgStandby = mockClient(clients.asgStandby);
const clock = new SteppingClock(T);
const actions = new AwsRegionActions({
  database: new GlobalDatabase(() => clients.rds, resources, 'eu-central-1', clock),
  datastore: new GlobalDatastore(new ElastiCacheClient({ region: 'eu-central-1' }), resources, clock),
  dns: new RegionalDns(new Route53Client({ region: 'us-east-1' }), resources, clock),
  autoScaling: (region) => (region === 'eu-west-1' ? clients.asgPrimary : clients.asgStandby),
  resources,
  clock,
});
const group = {
  AutoScalingGroups: [{ MinSize: 1, MaxSize: 10, DesiredCapacity: 1 }],
} as unknown as DescribeAutoScalingGroupsCommandOutput;

beforeEach(() => {
  rds.reset();
  asgPrimary.reset();
  asgStandby.reset();
});

describe('AwsRegionActions', () => {
  it("scales the fleet of the action's region through that region's client and group", async () => {
    asgPrimary.on(DescribeAutoScalingGroupsCommand).resolves(group);
    asgPrimary.on(UpdateAutoScalingGroupCommand).resolves({});
    await expect(
      actions.execute({ kind: 'scale-fleet', region: 'eu-west-1', capacity: 3 }, T + 60_000),
    ).resolves.toMatchObject({ ok: true });
    expect(asgPrimary.commandCalls(UpdateAutoScalingGroupCommand)[0]?.args[0].input).toEqual({
      AutoScalingGroupName: 'misybot-fleet-primary',
      MinSize: 3,
      DesiredCapacity: 3,
    });
    expect(asgStandby.calls()).toHaveLength(0);
  });

  it('fails the global database over for a failover-database action', async () => {
    rds.on(DescribeGlobalClustersCommand).resolves(globalCluster(PRIMARY_ARN));
    rds.on(FailoverGlobalClusterCommand).resolves({});
    await actions.execute(
      { kind: 'failover-database', region: 'eu-central-1', allowDataLoss: true },
      T + 60_000,
    );
    expect(rds.commandCalls(FailoverGlobalClusterCommand)[0]?.args[0].input).toMatchObject({
      TargetDbClusterIdentifier: STANDBY_ARN,
      AllowDataLoss: true,
    });
  });

  it('names a region it has no resources for', () => {
    expect(() => actions.execute({ kind: 'scale-fleet', region: 'us-east-1', capacity: 1 }, T)).toThrow(
      'no resources configured for region "us-east-1" (known: eu-west-1, eu-central-1)',
    );
  });
});
