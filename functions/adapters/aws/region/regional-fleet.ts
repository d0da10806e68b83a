import {
  type AutoScalingClient,
  type AutoScalingGroup,
  DescribeAutoScalingGroupsCommand,
  UpdateAutoScalingGroupCommand,
} from '@aws-sdk/client-auto-scaling';
import type { ActionOutcome } from '../../../core/failover/types';
import { failureOf } from '../failover/aws-errors';
import { type AdapterClock, deadlineSignal, pollUntil, systemClock } from '../failover/polling';

/** Instances of a group that are in service and healthy. */
export function healthyInService(group: AutoScalingGroup | undefined): number {
  return (group?.Instances ?? []).filter(
    (instance) => instance.LifecycleState === 'InService' && instance.HealthStatus === 'Healthy',
  ).length;
}

/** A region's fleet: raise it to the capacity a region needs before it takes traffic. */
export class RegionalFleet {
  constructor(
    private readonly client: AutoScalingClient,
    private readonly groupName: string,
    private readonly clock: AdapterClock = systemClock,
    private readonly pollIntervalMs = 15_000,
  ) {}

  async describe(deadline: number): Promise<AutoScalingGroup | undefined> {
    const response = await this.client.send(
      new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [this.groupName] }),
      { abortSignal: deadlineSignal(deadline, this.clock) },
    );
    return response.AutoScalingGroups?.[0];
  }

  /**
   * Raises the minimum and the desired capacity to `capacity`, never lowering either, and
   * refuses a capacity above the group's maximum rather than changing the bounds CloudFormation
   * owns. The minimum is raised too: the standby has no scaling function to keep it up.
   */
  async scaleTo(capacity: number, deadline: number): Promise<ActionOutcome> {
    let group: AutoScalingGroup | undefined;
    try {
      group = await this.describe(deadline);
    } catch (error) {
      return failureOf(error, false);
    }
    if (!group)
      return {
        ok: false,
        failure: 'rejected',
        message: `no Auto Scaling group ${this.groupName}`,
        accepted: false,
      };
    const max = group.MaxSize ?? 0;
    if (capacity > max) {
      return {
        ok: false,
        failure: 'rejected',
        message: `capacity ${capacity} is above the group's maximum ${max}`,
        accepted: false,
      };
    }
    const min = group.MinSize ?? 0;
    const desired = group.DesiredCapacity ?? 0;
    if (min >= capacity && desired >= capacity)
      return { ok: true, detail: `${this.groupName} already at ${desired}` };
    try {
      await this.client.send(
        new UpdateAutoScalingGroupCommand({
          AutoScalingGroupName: this.groupName,
          MinSize: Math.max(min, capacity),
          DesiredCapacity: Math.max(desired, capacity),
        }),
        { abortSignal: deadlineSignal(deadline, this.clock) },
      );
      return { ok: true, detail: `${this.groupName} raised to ${Math.max(desired, capacity)}` };
    } catch (error) {
      return failureOf(error, true);
    }
  }

  /** Polls until `capacity` instances are in service and healthy. */
  waitFor(capacity: number, deadline: number): Promise<ActionOutcome> {
    return pollUntil(
      () => this.describe(deadline),
      (group) =>
        healthyInService(group) >= capacity || `${healthyInService(group)} of ${capacity} instances healthy`,
      deadline,
      this.pollIntervalMs,
      this.clock,
    );
  }
}
