import {
  type Action,
  DescribeListenersCommand,
  DescribeTargetGroupAttributesCommand,
  DescribeTargetHealthCommand,
  type ElasticLoadBalancingV2Client,
  ModifyListenerCommand,
  ModifyTargetGroupAttributesCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { UnprocessableError } from '../../../core/admin/errors';
import type { LoadBalancerBackend, TargetGroupView } from '../../../core/admin/ports';

/** A target group the listener forwards to, as the deployment named it. */
export interface NamedTargetGroup {
  readonly name: string;
  readonly arn: string;
}

const ALGORITHM = 'load_balancing.algorithm.type';
const ANOMALY_MITIGATION = 'load_balancing.algorithm.anomaly_mitigation';

/**
 * The ALB through ELBv2: the algorithm is a target group attribute (set on every group, so the
 * listener routes alike whichever group a request lands in); the weights live in the listener's
 * default forward action, which is replaced whole, keeping its stickiness settings.
 */
export class ElbLoadBalancerBackend implements LoadBalancerBackend {
  constructor(
    private readonly client: ElasticLoadBalancingV2Client,
    private readonly listenerArn: string,
    private readonly targetGroups: readonly NamedTargetGroup[],
  ) {}

  async describe(): Promise<{ listenerArn: string; targetGroups: TargetGroupView[] }> {
    const forward = await this.forwardAction();
    // A plain forward to one group (no ForwardConfig) sends it everything.
    const weights = new Map(
      forward.ForwardConfig?.TargetGroups
        ? forward.ForwardConfig.TargetGroups.map(
            (group) => [group.TargetGroupArn, group.Weight ?? 1] as const,
          )
        : [[forward.TargetGroupArn, 1] as const],
    );
    const targetGroups = await Promise.all(
      this.targetGroups.map(async ({ name, arn }) => {
        const [attributes, health] = await Promise.all([
          this.client.send(new DescribeTargetGroupAttributesCommand({ TargetGroupArn: arn })),
          this.client.send(new DescribeTargetHealthCommand({ TargetGroupArn: arn })),
        ]);
        const attribute = (key: string) => attributes.Attributes?.find((a) => a.Key === key)?.Value;
        return {
          name,
          arn,
          weight: weights.get(arn) ?? 0,
          algorithm: attribute(ALGORITHM) ?? 'round_robin',
          anomalyMitigation: attribute(ANOMALY_MITIGATION) === 'on',
          targets: (health.TargetHealthDescriptions ?? []).map((target) => ({
            id: target.Target?.Id ?? '?',
            ...(target.Target?.Port === undefined ? {} : { port: target.Target.Port }),
            state: target.TargetHealth?.State ?? 'unknown',
            ...(target.TargetHealth?.Reason === undefined ? {} : { reason: target.TargetHealth.Reason }),
          })),
        };
      }),
    );
    return { listenerArn: this.listenerArn, targetGroups };
  }

  async setAlgorithm(algorithm: string, anomalyMitigation: boolean): Promise<void> {
    // Anomaly mitigation exists only for weighted_random; ELBv2 rejects the key otherwise.
    const attributes = [
      { Key: ALGORITHM, Value: algorithm },
      ...(algorithm === 'weighted_random'
        ? [{ Key: ANOMALY_MITIGATION, Value: anomalyMitigation ? 'on' : 'off' }]
        : []),
    ];
    for (const { arn } of this.targetGroups) {
      await this.client.send(
        new ModifyTargetGroupAttributesCommand({ TargetGroupArn: arn, Attributes: attributes }),
      );
    }
  }

  async setWeights(weights: readonly { targetGroup: string; weight: number }[]): Promise<void> {
    const forward = await this.forwardAction();
    const arnOf = new Map(this.targetGroups.map((group) => [group.name, group.arn]));
    await this.client.send(
      new ModifyListenerCommand({
        ListenerArn: this.listenerArn,
        DefaultActions: [
          {
            Type: 'forward',
            ForwardConfig: {
              TargetGroups: weights.map(({ targetGroup, weight }) => ({
                TargetGroupArn: arnOf.get(targetGroup),
                Weight: weight,
              })),
              ...(forward.ForwardConfig?.TargetGroupStickinessConfig
                ? { TargetGroupStickinessConfig: forward.ForwardConfig.TargetGroupStickinessConfig }
                : {}),
            },
          },
        ],
      }),
    );
  }

  private async forwardAction(): Promise<Action> {
    const output = await this.client.send(new DescribeListenersCommand({ ListenerArns: [this.listenerArn] }));
    const forward = output.Listeners?.[0]?.DefaultActions?.find((action) => action.Type === 'forward');
    if (!forward)
      throw new UnprocessableError('The listener has no forward action to weigh (was it changed by hand?)');
    return forward;
  }
}
