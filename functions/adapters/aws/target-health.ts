import {
  DescribeTargetHealthCommand,
  type ElasticLoadBalancingV2Client,
  type TargetHealthDescription,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { AlbTargetHealthCheck } from '../../core/health/check-schema';
import type { ProbeOutcome } from '../../core/health/probe';
import { awsFailureOutcome, callOptions } from './aws-errors';

/**
 * The ALB target health probe: up while at least `minHealthy` targets are `healthy`. Targets
 * being registered (`initial`) or drained (`draining`) are normal during deployments and scaling
 * and do not warn; `unhealthy` ones do, even when enough others are healthy.
 */
export function createTargetHealthProbe(
  client: ElasticLoadBalancingV2Client,
): (check: AlbTargetHealthCheck, signal: AbortSignal) => Promise<ProbeOutcome> {
  return async (check, signal) => {
    let targets: TargetHealthDescription[];
    try {
      const output = await client.send(
        new DescribeTargetHealthCommand({ TargetGroupArn: check.targetGroupArn }),
        callOptions(signal),
      );
      targets = output.TargetHealthDescriptions ?? [];
    } catch (error) {
      return awsFailureOutcome('DescribeTargetHealth', error);
    }
    const healthy = targets.filter((t) => t.TargetHealth?.State === 'healthy').length;
    const unhealthy = targets.filter((t) => t.TargetHealth?.State === 'unhealthy');
    const observed = { healthyTargets: healthy, targets: targets.length };
    const listed = unhealthy.slice(0, 5).map(describeTarget).join(', ');
    const more = unhealthy.length > 5 ? ` and ${unhealthy.length - 5} more` : '';
    if (healthy < check.minHealthy) {
      const why = unhealthy.length > 0 ? `: ${listed}${more}` : '';
      return {
        status: 'down',
        error: `${healthy} healthy target(s) of ${targets.length}, need ${check.minHealthy}${why}`,
        observed,
      };
    }
    if (unhealthy.length > 0) {
      return { status: 'up', warning: `${unhealthy.length} unhealthy target(s): ${listed}${more}`, observed };
    }
    return { status: 'up', observed };
  };
}

function describeTarget(target: TargetHealthDescription): string {
  const id = `${target.Target?.Id ?? '?'}${target.Target?.Port ? `:${target.Target.Port}` : ''}`;
  return `${id} (${target.TargetHealth?.Reason ?? 'unhealthy'})`;
}
