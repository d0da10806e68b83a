import {
  type Activity,
  AutoScalingClient,
  DescribeAutoScalingGroupsCommand,
  DescribeScalingActivitiesCommand,
  SetDesiredCapacityCommand,
} from '@aws-sdk/client-auto-scaling';
import { mockClient } from 'aws-sdk-client-mock';
import {
  desiredChanges,
  parseDesiredChange,
} from '../../../../../functions/adapters/aws/scaling/activity-parser';
import { AutoScalingGroupAdapter } from '../../../../../functions/adapters/aws/scaling/auto-scaling';
import { throttled } from '../aws-fixtures';

const client = new AutoScalingClient({ region: 'eu-west-1', maxAttempts: 1 });
const asg = mockClient(client);
const adapter = new AutoScalingGroupAdapter(client, 'misybot-fleet');
const NOW = Date.parse('2024-03-04T12:00:00Z');
const SINCE = NOW - 300_000;

const at = (iso: string) => new Date(iso);
const scaleOut: Activity[] = [2, 3].map((n) => ({
  ActivityId: `a-${n}`,
  AutoScalingGroupName: 'misybot-fleet',
  Description: `Launching a new EC2 instance: i-0000000000000000${n}`,
  Cause:
    'At 2024-03-04T11:58:00Z a user request explicitly set group desired capacity changing the desired capacity from 2 to 4.  At 2024-03-04T11:58:05Z an instance was started in response to a difference between desired and actual capacity, increasing the capacity from 2 to 4.',
  StartTime: at(`2024-03-04T11:58:0${n}Z`),
  StatusCode: 'Successful',
}));
const healthReplacement: Activity = {
  ActivityId: 'a-health',
  AutoScalingGroupName: 'misybot-fleet',
  Description: 'Terminating EC2 instance: i-0000000000000000f',
  Cause:
    'At 2024-03-04T11:57:00Z an instance was taken out of service in response to an ELB system health check failure.',
  StartTime: at('2024-03-04T11:57:00Z'),
  StatusCode: 'Successful',
};

beforeEach(() => asg.reset());

describe('activity parsing', () => {
  it('reads the desired-capacity change and its own time from the cause', () => {
    expect(parseDesiredChange(scaleOut[0]!)).toEqual({
      startTime: Date.parse('2024-03-04T11:58:00Z'),
      fromCapacity: 2,
      toCapacity: 4,
    });
  });

  it('reads a scale-in and an alarm-triggered change', () => {
    expect(
      parseDesiredChange({
        ...healthReplacement,
        Cause:
          'At 2024-03-04T11:50:10Z a monitor alarm cpu-low in state ALARM triggered policy in changing the desired capacity from 5 to 3.  At 2024-03-04T11:50:20Z an instance was taken out of service in response to a difference between desired and actual capacity, shrinking the capacity from 5 to 3.',
      }),
    ).toEqual({ startTime: Date.parse('2024-03-04T11:50:10Z'), fromCapacity: 5, toCapacity: 3 });
  });

  it('falls back to the activity start when the cause has no time', () => {
    expect(
      parseDesiredChange({ ...healthReplacement, Cause: 'changing the desired capacity from 1 to 2' }),
    ).toEqual({ startTime: Date.parse('2024-03-04T11:57:00Z'), fromCapacity: 1, toCapacity: 2 });
  });

  it('ignores health replacements, and counts one change launching two instances once', () => {
    expect(parseDesiredChange(healthReplacement)).toBeUndefined();
    expect(desiredChanges([...scaleOut, healthReplacement])).toEqual([
      { startTime: Date.parse('2024-03-04T11:58:00Z'), fromCapacity: 2, toCapacity: 4 },
    ]);
  });
});

describe('AutoScalingGroupAdapter', () => {
  it('reads the group with launch times from its own launch activities', async () => {
    asg.on(DescribeAutoScalingGroupsCommand).resolves({
      AutoScalingGroups: [
        {
          AutoScalingGroupName: 'misybot-fleet',
          MinSize: 2,
          MaxSize: 10,
          DesiredCapacity: 4,
          DefaultCooldown: 300,
          AvailabilityZones: ['eu-west-1a'],
          CreatedTime: at('2024-01-01T00:00:00Z'),
          HealthCheckType: 'ELB',
          Instances: [
            {
              InstanceId: 'i-old',
              LifecycleState: 'InService',
              AvailabilityZone: 'eu-west-1a',
              HealthStatus: 'Healthy',
              ProtectedFromScaleIn: false,
            },
            {
              InstanceId: 'i-00000000000000002',
              LifecycleState: 'InService',
              AvailabilityZone: 'eu-west-1a',
              HealthStatus: 'Healthy',
              ProtectedFromScaleIn: false,
            },
            {
              InstanceId: 'i-00000000000000003',
              LifecycleState: 'Pending:Wait',
              AvailabilityZone: 'eu-west-1a',
              HealthStatus: 'Healthy',
              ProtectedFromScaleIn: false,
            },
          ],
        },
      ],
    });
    asg.on(DescribeScalingActivitiesCommand).resolves({ Activities: [...scaleOut].reverse() });
    const snapshot = await adapter.read(SINCE);
    expect(asg.commandCalls(DescribeAutoScalingGroupsCommand)[0]!.args[0].input).toEqual({
      AutoScalingGroupNames: ['misybot-fleet'],
      MaxRecords: 1,
    });
    expect(asg.commandCalls(DescribeScalingActivitiesCommand)[0]!.args[0].input).toEqual({
      AutoScalingGroupName: 'misybot-fleet',
      MaxRecords: 100,
    });
    expect(snapshot).toEqual({
      group: {
        minCapacity: 2,
        maxCapacity: 10,
        desiredCapacity: 4,
        instances: [
          { id: 'i-old', launchTime: SINCE, lifecycleState: 'InService' },
          {
            id: 'i-00000000000000002',
            launchTime: Date.parse('2024-03-04T11:58:02Z'),
            lifecycleState: 'InService',
          },
          {
            id: 'i-00000000000000003',
            launchTime: Date.parse('2024-03-04T11:58:03Z'),
            lifecycleState: 'Pending',
          },
        ],
      },
      activities: [{ startTime: Date.parse('2024-03-04T11:58:00Z'), fromCapacity: 2, toCapacity: 4 }],
    });
  });

  it('follows NextToken until an activity older than the look-back', async () => {
    asg.on(DescribeAutoScalingGroupsCommand).resolves({
      AutoScalingGroups: [
        { AutoScalingGroupName: 'misybot-fleet', MinSize: 1, MaxSize: 5, DesiredCapacity: 4 } as never,
      ],
    });
    asg
      .on(DescribeScalingActivitiesCommand)
      .resolvesOnce({ Activities: [scaleOut[1]!], NextToken: 'page-2' })
      .resolvesOnce({
        Activities: [scaleOut[0]!, { ...healthReplacement, StartTime: at('2024-03-04T11:50:00Z') }],
        NextToken: 'page-3',
      })
      .resolves({ Activities: [] });
    const snapshot = await adapter.read(SINCE);
    const calls = asg.commandCalls(DescribeScalingActivitiesCommand).map((c) => c.args[0].input);
    expect(calls).toEqual([
      { AutoScalingGroupName: 'misybot-fleet', MaxRecords: 100 },
      { AutoScalingGroupName: 'misybot-fleet', MaxRecords: 100, NextToken: 'page-2' },
    ]);
    expect(snapshot.activities).toHaveLength(1);
  });

  it('refuses a group that does not exist', async () => {
    asg.on(DescribeAutoScalingGroupsCommand).resolves({ AutoScalingGroups: [] });
    asg.on(DescribeScalingActivitiesCommand).resolves({ Activities: [] });
    await expect(adapter.read(SINCE)).rejects.toMatchObject({
      name: 'GroupNotFoundError',
      message: 'Auto Scaling group "misybot-fleet" does not exist',
    });
  });

  it('refuses a group described without its sizes, rather than reading them as 0', async () => {
    asg.on(DescribeAutoScalingGroupsCommand).resolves({
      AutoScalingGroups: [{ AutoScalingGroupName: 'misybot-fleet', DesiredCapacity: 6 } as never],
    });
    asg.on(DescribeScalingActivitiesCommand).resolves({ Activities: [] });
    await expect(adapter.read(SINCE)).rejects.toMatchObject({
      name: 'IncompleteGroupError',
      message:
        'Auto Scaling group "misybot-fleet" was described without MinSize, MaxSize: no decision without its bounds',
    });
  });

  it('lets throttling surface after the SDK retries, so nothing is decided', async () => {
    asg.on(DescribeAutoScalingGroupsCommand).rejects(throttled());
    asg.on(DescribeScalingActivitiesCommand).resolves({ Activities: [] });
    await expect(adapter.read(SINCE)).rejects.toMatchObject({ name: 'ThrottlingException' });
  });

  it('sets the desired capacity without the group cooldown (the engine keeps its own)', async () => {
    asg.on(SetDesiredCapacityCommand).resolves({});
    await adapter.setDesiredCapacity(7);
    expect(asg.commandCalls(SetDesiredCapacityCommand)[0]!.args[0].input).toEqual({
      AutoScalingGroupName: 'misybot-fleet',
      DesiredCapacity: 7,
      HonorCooldown: false,
    });
  });

  it('lets a throttled SetDesiredCapacity surface', async () => {
    asg.on(SetDesiredCapacityCommand).rejects(throttled());
    await expect(adapter.setDesiredCapacity(7)).rejects.toThrow('Rate exceeded');
  });
});
