import { randomUUID } from 'node:crypto';
import { type AutoScalingGroup, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import type { AwsClients } from '../../account/aws-clients';
import type { VirtualClock } from '../../clock/virtual-clock';
import { awsError, queryResult, type XmlValue } from '../aws-responses';
import type { FaultProxy } from '../fault-proxy';

const NAMESPACE = 'http://autoscaling.amazonaws.com/doc/2011-01-01/';

/** One scaling activity, as `DescribeScalingActivities` returns it. */
export interface ScalingActivity {
  readonly activityId: string;
  readonly groupName: string;
  readonly description: string;
  readonly cause: string;
  readonly startTime: number;
  readonly endTime: number;
  readonly instanceId: string;
}

const iso = (time: number) => new Date(time).toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * The Auto Scaling group's activity history, which moto keeps empty: every accepted
 * `SetDesiredCapacity` becomes one activity per instance launched or terminated, with AWS's own
 * description and cause sentences (the scaling engine reads its cooldowns from them). The
 * group's bounds are enforced as AWS does (`ValidationError`), which moto does not.
 */
export class ScalingActivitiesStandIn {
  private readonly activities: ScalingActivity[] = [];

  constructor(
    private readonly clock: VirtualClock,
    /** Clients straight to the emulator. */
    private readonly emulator: AwsClients,
  ) {}

  /** The activities of `groupName`, newest first. */
  history(groupName: string): ScalingActivity[] {
    return this.activities.filter((a) => a.groupName === groupName).sort((a, b) => b.startTime - a.startTime);
  }

  /** Records activities for a change the group made on its own (a health replacement). */
  record(activity: Omit<ScalingActivity, 'activityId'>): void {
    this.activities.push({ ...activity, activityId: randomUUID() });
  }

  install(proxy: FaultProxy): void {
    proxy.intercept('autoscaling', 'SetDesiredCapacity', async (request, forward) => {
      const name = String(request.params.AutoScalingGroupName ?? '');
      const desired = Number(request.params.DesiredCapacity);
      const before = await this.group(name);
      if (!before) return forward();
      if (desired > (before.MaxSize ?? 0)) {
        return awsError(
          'query',
          400,
          'ValidationError',
          `New SetDesiredCapacity value ${desired} is above max value ${before.MaxSize} for the AutoScalingGroup.`,
        );
      }
      if (desired < (before.MinSize ?? 0)) {
        return awsError(
          'query',
          400,
          'ValidationError',
          `New SetDesiredCapacity value ${desired} is below min value ${before.MinSize} for the AutoScalingGroup.`,
        );
      }
      const response = await forward();
      if (response.status !== 200) return response;
      const after = await this.group(name);
      this.changed(name, before, after, this.clock.now());
      return response;
    });
    proxy.intercept('autoscaling', 'DescribeScalingActivities', async (request) => {
      const name = String(request.params.AutoScalingGroupName ?? '');
      const max = Math.min(100, Number(request.params.MaxRecords ?? 100));
      const start = Number(request.params.NextToken ?? 0);
      const page = this.history(name).slice(start, start + max);
      const next = start + page.length < this.history(name).length ? String(start + page.length) : undefined;
      return queryResult('DescribeScalingActivities', NAMESPACE, {
        Activities: page.map(
          (a): Record<string, XmlValue> => ({
            ActivityId: a.activityId,
            AutoScalingGroupName: a.groupName,
            Description: a.description,
            Cause: a.cause,
            StartTime: new Date(a.startTime),
            EndTime: new Date(a.endTime),
            StatusCode: 'Successful',
            Progress: 100,
            Details: JSON.stringify({ 'Subnet ID': 'subnet-emulated', 'Availability Zone': 'us-east-1a' }),
          }),
        ),
        NextToken: next,
      });
    });
  }

  private async group(name: string): Promise<AutoScalingGroup | undefined> {
    const described = await this.emulator.autoScaling.send(
      new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }),
    );
    return described.AutoScalingGroups?.[0];
  }

  private changed(
    name: string,
    before: AutoScalingGroup,
    after: AutoScalingGroup | undefined,
    now: number,
  ): void {
    const from = before.DesiredCapacity ?? 0;
    const to = after?.DesiredCapacity ?? from;
    const had = new Set((before.Instances ?? []).map((i) => i.InstanceId));
    const has = new Set((after?.Instances ?? []).map((i) => i.InstanceId));
    const request = `At ${iso(now)} a user request explicitly set group desired capacity changing the desired capacity from ${from} to ${to}.`;
    for (const id of has) {
      if (had.has(id) || !id) continue;
      this.record({
        groupName: name,
        instanceId: id,
        description: `Launching a new EC2 instance: ${id}`,
        cause: `${request}  At ${iso(now + 1000)} an instance was started in response to a difference between desired and actual capacity, increasing the capacity from ${from} to ${to}.`,
        startTime: now + 1000,
        endTime: now + 31_000,
      });
    }
    for (const id of had) {
      if (has.has(id) || !id) continue;
      this.record({
        groupName: name,
        instanceId: id,
        description: `Terminating EC2 instance: ${id}`,
        cause: `${request}  At ${iso(now + 1000)} an instance was taken out of service in response to a difference between desired and actual capacity, shrinking the capacity from ${from} to ${to}.  At ${iso(now + 1000)} instance ${id} was selected for termination.`,
        startTime: now + 1000,
        endTime: now + 61_000,
      });
    }
  }
}
