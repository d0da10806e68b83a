import {
  type Activity,
  type AutoScalingClient,
  DescribeAutoScalingGroupsCommand,
  DescribeScalingActivitiesCommand,
  SetDesiredCapacityCommand,
} from '@aws-sdk/client-auto-scaling';
import type { GroupSnapshot, ScalingGroup } from '../../../core/scaling/ports';
import type { Instance, LifecycleState } from '../../../core/scaling/types';
import { desiredChanges, parseLaunch } from './activity-parser';

/** The group does not exist (deleted, or the function was deployed with the wrong name). */
export class GroupNotFoundError extends Error {
  override readonly name = 'GroupNotFoundError';
}

/** The group came back without its sizes: deciding without its bounds could empty it. */
export class IncompleteGroupError extends Error {
  override readonly name = 'IncompleteGroupError';
}

// States the engine distinguishes; the rest (warm pools, lifecycle hooks) neither carry load nor
// launch, so they count as Standby.
const KNOWN_STATES = new Set<LifecycleState>([
  'Pending',
  'InService',
  'Terminating',
  'Standby',
  'Detaching',
  'EnteringStandby',
]);
const HOOK_PENDING = new Set(['Pending:Wait', 'Pending:Proceed', 'Warmed:Pending']);
const ACTIVITY_PAGE_SIZE = 100;
// Activities are kept six weeks; a busy group has many. Reading stops at `since`, and this bounds
// a run even if the API kept returning pages.
const MAX_ACTIVITY_PAGES = 20;

/**
 * The Auto Scaling group over the SDK. Errors, throttling included, surface after the SDK's own
 * retries: a run that cannot read the group must not decide anything.
 */
export class AutoScalingGroupAdapter implements ScalingGroup {
  constructor(
    private readonly client: AutoScalingClient,
    private readonly groupName: string,
  ) {}

  async read(since: number): Promise<GroupSnapshot> {
    const [groups, activities] = await Promise.all([
      this.client.send(
        new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [this.groupName], MaxRecords: 1 }),
      ),
      this.activitiesSince(since),
    ]);
    const group = groups.AutoScalingGroups?.[0];
    if (!group) throw new GroupNotFoundError(`Auto Scaling group "${this.groupName}" does not exist`);
    const { MinSize: minCapacity, MaxSize: maxCapacity, DesiredCapacity: desiredCapacity } = group;
    if (minCapacity === undefined || maxCapacity === undefined || desiredCapacity === undefined) {
      const missing = Object.entries({
        MinSize: minCapacity,
        MaxSize: maxCapacity,
        DesiredCapacity: desiredCapacity,
      })
        .filter(([, value]) => value === undefined)
        .map(([name]) => name);
      throw new IncompleteGroupError(
        `Auto Scaling group "${this.groupName}" was described without ${missing.join(', ')}: no decision without its bounds`,
      );
    }
    const launched = new Map<string, number>();
    for (const activity of activities) {
      const launch = parseLaunch(activity);
      if (launch && !launched.has(launch.instanceId)) launched.set(launch.instanceId, launch.time);
    }
    const instances: Instance[] = (group.Instances ?? []).map((instance) => ({
      id: instance.InstanceId ?? '',
      // No launch activity since `since` means the instance is older than the look-back.
      launchTime: launched.get(instance.InstanceId ?? '') ?? since,
      lifecycleState: lifecycleOf(instance.LifecycleState),
    }));
    return {
      group: {
        minCapacity,
        maxCapacity,
        desiredCapacity,
        instances,
      },
      activities: desiredChanges(activities),
    };
  }

  async setDesiredCapacity(capacity: number): Promise<void> {
    await this.client.send(
      new SetDesiredCapacityCommand({
        AutoScalingGroupName: this.groupName,
        DesiredCapacity: capacity,
        // The engine applies its own, direction-specific cooldowns from the group's activities.
        // Honouring the group's single default cooldown on top would silently drop a scale-out
        // the engine already judged safe (e.g. recovering from a scale-in), with only a
        // ScalingActivityInProgress error to show for it.
        HonorCooldown: false,
      }),
    );
  }

  /** Activities that started after `since`, newest first (the API's order). */
  private async activitiesSince(since: number): Promise<Activity[]> {
    const activities: Activity[] = [];
    let nextToken: string | undefined;
    for (let page = 0; page < MAX_ACTIVITY_PAGES; page++) {
      const output = await this.client.send(
        new DescribeScalingActivitiesCommand({
          AutoScalingGroupName: this.groupName,
          MaxRecords: ACTIVITY_PAGE_SIZE,
          ...(nextToken ? { NextToken: nextToken } : {}),
        }),
      );
      let reachedSince = false;
      for (const activity of output.Activities ?? []) {
        if ((activity.StartTime?.getTime() ?? 0) <= since) {
          reachedSince = true;
          continue;
        }
        activities.push(activity);
      }
      nextToken = output.NextToken;
      if (reachedSince || !nextToken) break;
    }
    return activities;
  }
}

function lifecycleOf(state: string | undefined): LifecycleState {
  if (state && KNOWN_STATES.has(state as LifecycleState)) return state as LifecycleState;
  // Launching through a lifecycle hook: capacity is on its way, as with Pending.
  if (state && HOOK_PENDING.has(state)) return 'Pending';
  if (state?.startsWith('Terminating')) return 'Terminating';
  return 'Standby';
}
