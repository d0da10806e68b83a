import { Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import type { AdminApi, AdminApiProps } from './admin-api';
import type { ControlFunction } from './control-function';
import { renderForNag } from './nag-ids';

/** What DynamoDB needs of a customer-managed key, without wildcards. */
const TABLE_KEY_ACTIONS = ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey'];

/**
 * The admin function's IAM, scoped to what its adapters call: items of the state table (reads,
 * audit, idempotency keys, silences, policy overrides, leases; no Scan, no index), the fleet's
 * group, the listener and its target groups, CloudWatch reads for cache stats, and invoking the
 * control functions it was given.
 */
export function grantAdminFunction(
  fn: ControlFunction,
  props: AdminApiProps,
  worker?: ControlFunction,
): void {
  fn.addToRolePolicy(
    new PolicyStatement({
      actions: [
        'dynamodb:GetItem',
        'dynamodb:BatchGetItem',
        'dynamodb:Query',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
      ],
      resources: [props.stateTable.tableArn],
    }),
  );
  props.stateTable.encryptionKey?.grant(fn, ...TABLE_KEY_ACTIONS);
  fn.addToRolePolicy(
    new PolicyStatement({
      actions: ['autoscaling:SetDesiredCapacity'],
      resources: [props.autoScalingGroup.autoScalingGroupArn],
    }),
  );
  fn.addToRolePolicy(
    new PolicyStatement({
      actions: ['elasticloadbalancing:ModifyListener'],
      resources: [props.loadBalancer.listenerArn],
    }),
  );
  fn.addToRolePolicy(
    new PolicyStatement({
      actions: ['elasticloadbalancing:ModifyTargetGroupAttributes'],
      resources: props.loadBalancer.targetGroups.map((group) => group.arn),
    }),
  );
  fn.addToRolePolicy(
    new PolicyStatement({
      actions: [
        'autoscaling:DescribeAutoScalingGroups',
        'elasticloadbalancing:DescribeListeners',
        'elasticloadbalancing:DescribeTargetGroupAttributes',
        'elasticloadbalancing:DescribeTargetHealth',
        'cloudwatch:ListMetrics',
        'cloudwatch:GetMetricData',
      ],
      resources: ['*'],
    }),
  );
  // The unqualified functions only (no `:*` for versions and aliases): the API invokes $LATEST.
  const targets = [props.scalingFunction, props.failoverFunction, props.slowQueryFunction, worker].filter(
    (target) => target !== undefined,
  );
  if (targets.length > 0) {
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: targets.map((t) => t.functionArn),
      }),
    );
  }
}

/**
 * Acknowledges, with reasons, the AwsSolutions findings the admin API's design accepts: IAM (not
 * Cognito) authorisation, WAF left to the deployer, and the wildcards of APIs without resource
 * scoping.
 */
export function acknowledgeAdminFindings(api: AdminApi, hasWebAcl: boolean): void {
  const ack = (scope: Construct, id: string, reason: string) =>
    Validations.of(scope).acknowledge({ id, reason });
  ack(
    api.api,
    'AwsSolutions-COG4',
    'Every method uses IAM (SigV4) authorisation: operators are AWS principals, granted the read-only or operator managed policy; there are no end users for a Cognito user pool to hold.',
  );
  if (!hasWebAcl) {
    ack(
      api.api.deploymentStage,
      'AwsSolutions-APIG3',
      'No web ACL is configured (AdminApiProps.webAclArn): API Gateway refuses every unsigned request before any integration runs, and stage throttling bounds the rest. Set webAclArn to add WAF (IP allow lists, rate rules).',
    );
  }
  const role = api.function.role!;
  ack(
    role,
    'AwsSolutions-IAM5[Resource::*]',
    'autoscaling:DescribeAutoScalingGroups, the ELBv2 Describe* calls, cloudwatch:ListMetrics/GetMetricData and X-Ray PutTraceSegments/PutTelemetryRecords have no resource-level permissions; all are reads or telemetry.',
  );
  ack(
    role,
    `AwsSolutions-IAM5[Resource::${renderForNag(Stack.of(api), api.props.autoScalingGroup.autoScalingGroupArn)}]`,
    'SetDesiredCapacity on the fleet group named in full; the "*" is the group id Auto Scaling assigns at creation, which no template can know.',
  );
  for (const [policy, arns] of [
    [api.readOnlyPolicy, api.readOnlyArns],
    [api.operatorPolicy, api.operatorArns],
  ] as const) {
    for (const arn of arns.filter((candidate) => candidate.includes('*'))) {
      ack(
        policy,
        `AwsSolutions-IAM5[Resource::${renderForNag(Stack.of(api), arn)}]`,
        'One method and path of this API; "*" stands only for a path parameter (an id or name), the value an operator supplies.',
      );
    }
  }
  if (api.cacheWorker) {
    const workerRole = api.cacheWorker.role!;
    ack(
      workerRole,
      'AwsSolutions-IAM5[Resource::*]',
      'X-Ray PutTraceSegments and PutTelemetryRecords have no resource-level permissions.',
    );
  }
}
