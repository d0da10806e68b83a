import { Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { renderForNag } from '../nag-ids';
import type { AdminApi, AdminApiProps } from './admin-api';
import type { ControlFunction } from './control-function';
import { grantTableItems } from './grants';

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
  grantTableItems(fn, props.stateTable, [
    'dynamodb:GetItem',
    'dynamodb:BatchGetItem',
    'dynamodb:Query',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
  ]);
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
  // The region function holds the global actions (scoped to the global cluster and datastore):
  // the API only asks it, so a region operation has one path, one lease and one policy.
  const targets = [
    ...[props.scalingFunction, props.failoverFunction, props.slowQueryFunction, worker]
      .filter((target) => target !== undefined)
      .map((target) => target.functionArn),
    ...(props.regionFailoverFunctionArn ? [props.regionFailoverFunctionArn] : []),
  ];
  if (targets.length > 0) {
    fn.addToRolePolicy(new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: targets }));
  }
}

/**
 * Acknowledges, with reasons, the AwsSolutions findings the admin API's design accepts: IAM (not
 * Cognito) authorisation, WAF when none is configured, and the two invoke policies' method-wide
 * wildcards. The functions' wildcards (Describe calls, the fleet group's ARN) are acknowledged for
 * the platform in platform-acknowledgements.ts.
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
      'No web ACL is configured (waf.enabled is false, the dev default): API Gateway refuses every unsigned request before any integration runs, and stage throttling bounds the rest.',
    );
  }
  const stack = Stack.of(api);
  ack(
    api.readOnlyPolicy,
    `AwsSolutions-IAM5[Resource::${renderForNag(stack, api.readOnlyArns[0]!)}]`,
    'Every GET method of this one API stage: the read-only routes, exactly (the construct refuses a catalogue where a GET changes anything).',
  );
  ack(
    api.operatorPolicy,
    `AwsSolutions-IAM5[Resource::${renderForNag(stack, api.operatorArns[0]!)}]`,
    'Every method of this one API stage: what an operator is for.',
  );
}
