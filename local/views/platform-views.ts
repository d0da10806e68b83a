import { DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import type { DeployedResource } from '../account/deployment';
import type { LocalPlatform } from '../platform/local-platform';
import type { ApiCall } from '../proxy/fault-proxy';

/** The Auto Scaling group's name. */
export function groupName(platform: LocalPlatform): string {
  return platform.model.only('AWS::AutoScaling::AutoScalingGroup').physicalId;
}

/** The group's desired capacity and instances in service, as the emulator has them. */
export async function fleetSize(platform: LocalPlatform): Promise<{ desired: number; inService: number }> {
  const described = await platform.aws.autoScaling.send(
    new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [groupName(platform)] }),
  );
  const group = described.AutoScalingGroups?.[0];
  return {
    desired: group?.DesiredCapacity ?? 0,
    inService: (group?.Instances ?? []).filter((i) => i.LifecycleState === 'InService').length,
  };
}

/** The alarm whose metric matches (namespace, metric name), by its deployed definition. */
export function alarmOn(
  platform: LocalPlatform,
  namespace: string,
  metricName: string,
  dimension?: string,
): DeployedResource {
  const found = platform.model.alarms.filter(
    (alarm) =>
      alarm.properties.Namespace === namespace &&
      alarm.properties.MetricName === metricName &&
      (dimension === undefined ||
        ((alarm.properties.Dimensions ?? []) as { Name: string; Value: string }[]).some(
          (d) => d.Value === dimension,
        )),
  );
  if (found.length !== 1)
    throw new Error(
      `expected one alarm on ${namespace} ${metricName} ${dimension ?? ''}, found ${found.length}`,
    );
  return found[0]!;
}

/** Calls a function made to one operation, oldest first. */
export function callsTo(platform: LocalPlatform, operation: string, since = 0): ApiCall[] {
  return platform.calls.filter((call) => call.operation === operation && call.at >= since);
}

/** Invocations of the function with this Powertools service name, oldest first. */
export function invocationsOf(platform: LocalPlatform, service: string, since = 0) {
  const name = platform.model.fn(service).name;
  return platform.invocations.filter((i) => i.functionName === name && i.startedAt >= since);
}
