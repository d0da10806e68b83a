import {
  AutoScalingClient,
  DescribeAutoScalingGroupsCommand,
  type DescribeAutoScalingGroupsCommandOutput,
  UpdateAutoScalingGroupCommand,
} from '@aws-sdk/client-auto-scaling';
import {
  GetHealthCheckCommand,
  type GetHealthCheckCommandOutput,
  GetHealthCheckStatusCommand,
  type GetHealthCheckStatusCommandOutput,
  Route53Client,
  UpdateHealthCheckCommand,
} from '@aws-sdk/client-route-53';
import { mockClient } from 'aws-sdk-client-mock';
import { RegionalDns } from '../../../../../functions/adapters/aws/region/regional-dns';
import { RegionalFleet } from '../../../../../functions/adapters/aws/region/regional-fleet';
import { SteppingClock, sdkError } from '../failover/clock';
import { resources, T } from './fixtures';

const asgClient = new AutoScalingClient({ region: 'eu-central-1', maxAttempts: 1 });
const r53Client = new Route53Client({ region: 'us-east-1', maxAttempts: 1 });
const asg = mockClient(asgClient);
const route53 = mockClient(r53Client);
let clock: SteppingClock;
const deadline = () => clock.now() + 900_000;
const group = (min: number, desired: number, healthy = 0) =>
  ({
    AutoScalingGroups: [
      {
        AutoScalingGroupName: 'misybot-fleet-standby',
        MinSize: min,
        MaxSize: 10,
        DesiredCapacity: desired,
        Instances: Array.from({ length: healthy }, (_, i) => ({
          InstanceId: `i-${i}`,
          LifecycleState: 'InService',
          HealthStatus: 'Healthy',
        })),
      },
    ],
  }) as unknown as DescribeAutoScalingGroupsCommandOutput;
const statusOf = (healthy: boolean) =>
  ({
    HealthCheckObservations: [1, 2, 3].map((n) => ({
      Region: 'eu-west-1',
      StatusReport: {
        Status: healthy ? 'Success: HTTP Status Code 200' : 'Failure: timeout',
        CheckedTime: new Date(T - n * 1000),
      },
    })),
  }) as unknown as GetHealthCheckStatusCommandOutput;
const gate = (threshold: number) =>
  ({
    HealthCheck: {
      Id: 'gate-1111',
      HealthCheckVersion: 4,
      CallerReference: 'x',
      HealthCheckConfig: { Type: 'CALCULATED', HealthThreshold: threshold },
    },
  }) as unknown as GetHealthCheckCommandOutput;

beforeEach(() => {
  asg.reset();
  route53.reset();
  clock = new SteppingClock(T);
});

describe('RegionalFleet', () => {
  const fleet = () => new RegionalFleet(asgClient, 'misybot-fleet-standby', clock, 15_000);

  it('raises the minimum and desired capacity of the standby group to what the region needs', async () => {
    asg.on(DescribeAutoScalingGroupsCommand).resolves(group(1, 1, 1));
    asg.on(UpdateAutoScalingGroupCommand).resolves({});
    await expect(fleet().scaleTo(4, deadline())).resolves.toMatchObject({ ok: true });
    expect(asg.commandCalls(UpdateAutoScalingGroupCommand).map((c) => c.args[0].input)).toEqual([
      { AutoScalingGroupName: 'misybot-fleet-standby', MinSize: 4, DesiredCapacity: 4 },
    ]);
  });

  it('never lowers a group that already runs more', async () => {
    asg.on(DescribeAutoScalingGroupsCommand).resolves(group(4, 6, 6));
    await expect(fleet().scaleTo(4, deadline())).resolves.toMatchObject({
      ok: true,
      detail: 'misybot-fleet-standby already at 6',
    });
    expect(asg.commandCalls(UpdateAutoScalingGroupCommand)).toHaveLength(0);
  });

  it('refuses a capacity above the maximum CloudFormation set', async () => {
    asg.on(DescribeAutoScalingGroupsCommand).resolves(group(1, 1));
    await expect(fleet().scaleTo(11, deadline())).resolves.toMatchObject({
      ok: false,
      failure: 'rejected',
      accepted: false,
    });
  });

  it('reports a throttled update as not accepted', async () => {
    asg.on(DescribeAutoScalingGroupsCommand).resolves(group(1, 1));
    asg.on(UpdateAutoScalingGroupCommand).rejects(sdkError('Throttling', 'Rate exceeded'));
    await expect(fleet().scaleTo(4, deadline())).resolves.toMatchObject({
      failure: 'throttled',
      accepted: false,
    });
  });

  it('waits until enough instances are in service and healthy', async () => {
    asg
      .on(DescribeAutoScalingGroupsCommand)
      .resolvesOnce(group(4, 4, 2))
      .resolves(group(4, 4, 4));
    await expect(fleet().waitFor(4, deadline())).resolves.toMatchObject({ ok: true });
    expect(clock.sleeps).toEqual([15_000]);
  });
});

describe('RegionalDns', () => {
  const dns = () => new RegionalDns(r53Client, resources, clock, 10_000);

  it('holds traffic on the standby by raising the gate threshold above its one child, with the version read', async () => {
    route53.on(GetHealthCheckCommand).resolves(gate(1));
    route53.on(UpdateHealthCheckCommand).resolves({});
    await expect(dns().routeTo('eu-central-1', deadline())).resolves.toMatchObject({ ok: true });
    expect(route53.commandCalls(UpdateHealthCheckCommand).map((c) => c.args[0].input)).toEqual([
      { HealthCheckId: 'gate-1111', HealthCheckVersion: 4, HealthThreshold: 2 },
    ]);
  });

  it('hands traffic back to the primary by letting the gate follow its ALB again', async () => {
    route53.on(GetHealthCheckCommand).resolves(gate(2));
    route53.on(UpdateHealthCheckCommand).resolves({});
    await dns().routeTo('eu-west-1', deadline());
    expect(route53.commandCalls(UpdateHealthCheckCommand)[0]?.args[0].input).toMatchObject({
      HealthThreshold: 1,
    });
  });

  it('reports a concurrent edit of the gate as a rejection', async () => {
    route53.on(GetHealthCheckCommand).resolves(gate(1));
    route53
      .on(UpdateHealthCheckCommand)
      .rejects(sdkError('HealthCheckVersionMismatch', 'version changed', 409));
    await expect(dns().routeTo('eu-central-1', deadline())).resolves.toMatchObject({
      failure: 'rejected',
      accepted: false,
    });
  });

  it('reads a region as healthy from its checkers and dates it by the newest report', async () => {
    route53.on(GetHealthCheckStatusCommand, { HealthCheckId: 'hc-standby' }).resolves(statusOf(true));
    await expect(dns().health('eu-central-1', deadline())).resolves.toEqual({ healthy: true, at: T - 1000 });
  });

  it('verifies the standby serves once the gate holds and the standby ALB is healthy', async () => {
    route53.on(GetHealthCheckCommand).resolvesOnce(gate(1)).resolves(gate(2));
    route53.on(GetHealthCheckStatusCommand, { HealthCheckId: 'hc-primary' }).resolves(statusOf(true));
    route53.on(GetHealthCheckStatusCommand, { HealthCheckId: 'hc-standby' }).resolves(statusOf(true));
    await expect(dns().verify('eu-central-1', deadline())).resolves.toMatchObject({ ok: true });
    expect(clock.sleeps).toEqual([10_000]);
  });

  it('does not call the standby served while its ALB is unhealthy (Route 53 would answer the primary)', async () => {
    route53.on(GetHealthCheckCommand).resolves(gate(2));
    route53.on(GetHealthCheckStatusCommand, { HealthCheckId: 'hc-primary' }).resolves(statusOf(false));
    route53.on(GetHealthCheckStatusCommand, { HealthCheckId: 'hc-standby' }).resolves(statusOf(false));
    await expect(dns().verify('eu-central-1', T + 15_000)).resolves.toMatchObject({
      ok: false,
      failure: 'timeout',
      message: 'deadline passed: Route 53 answers with eu-west-1',
    });
  });
});
