import { type Stack, Validations } from 'aws-cdk-lib';
import { INSTANCE_CHANNEL_ACTIONS } from './fleet-user-data';
import { renderForNag } from './nag-ids';

/**
 * Actions the platform grants on `"*"`: none has resource-level permissions in IAM, so `"*"` is
 * the only resource a statement can name. test/lib/platform-figures.test.ts checks every
 * statement on `"*"` in the synthesised template against this list, which keeps the
 * acknowledgement below true.
 */
export const ACTIONS_WITHOUT_RESOURCE_SCOPE: readonly string[] = [
  // Telemetry: Lambda's X-Ray segments, the CloudWatch agent's metrics (namespace-conditioned).
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  'cloudwatch:PutMetricData',
  // Reads.
  'cloudwatch:GetMetricData',
  'cloudwatch:ListMetrics',
  'autoscaling:DescribeAutoScalingGroups',
  'autoscaling:DescribeScalingActivities',
  'elasticloadbalancing:DescribeListeners',
  'elasticloadbalancing:DescribeTargetGroupAttributes',
  'elasticloadbalancing:DescribeTargetHealth',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeSubnets',
  'ec2:DescribeTags',
  'ec2:DescribeVolumes',
  'secretsmanager:GetRandomPassword',
  // The instances' Session Manager and Run Command channels, as AWS's own Session Manager
  // instance profile grants them: the agent reports and polls for its own instance only.
  ...INSTANCE_CHANNEL_ACTIONS,
];

/** What the platform-wide acknowledgements need to name. */
export interface PlatformAcknowledgementProps {
  /** ARNs of the Auto Scaling groups the control functions scale (their ids are unknown until created). */
  readonly autoScalingGroupArns: readonly string[];
}

/**
 * The cdk-nag findings that many of the platform's resources share for the same reason,
 * acknowledged once on the stack instead of once per resource. Each reason holds for every
 * resource the finding can appear on, and test/lib/platform-figures.test.ts checks that it does.
 */
export function acknowledgePlatformFindings(stack: Stack, props: PlatformAcknowledgementProps): void {
  const validations = Validations.of(stack);
  validations.acknowledge(
    {
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: `Every statement on "*" grants only actions IAM has no resource-level permissions for: ${ACTIONS_WITHOUT_RESOURCE_SCOPE.join(', ')} (lib/platform-acknowledgements.ts; the figures test checks each statement).`,
    },
    {
      id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:rds:<AWS::Region>:<AWS::AccountId>:db:*]',
      reason:
        "rds:DescribeDBInstances only (read-only): the health and failover functions list the cluster's instances with a db-cluster-id filter, which RDS authorises against db:*.",
    },
    {
      id: 'AwsSolutions-SQS3',
      reason:
        "Every queue of the platform is itself a dead-letter queue (a function's on-failure destination and its EventBridge targets' dead-letter queue, or the alert subscriptions' redrive queue) with an alarm on visible messages; a queue behind it would add nothing.",
    },
    ...props.autoScalingGroupArns.map((arn) => ({
      id: `AwsSolutions-IAM5[Resource::${renderForNag(stack, arn)}]`,
      reason:
        'autoscaling:SetDesiredCapacity on one Auto Scaling group named in full; the "*" is the group id Auto Scaling assigns at creation, which no template can know.',
    })),
  );
}
