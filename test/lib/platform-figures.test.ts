import { Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { parsePlatformConfig } from '../../functions/shared/config';
import { loadPlatformConfig } from '../../functions/shared/config/load-file';
import { ACTIONS_WITHOUT_RESOURCE_SCOPE } from '../../lib/platform-acknowledgements';
import { PlatformStack } from '../../lib/platform-stack';
import { testApp } from '../support/cdk';
import { awsSolutionsFindings } from '../support/nag';

// The figures of issue 13 ("Deploy day"), checked on the synthesised platform.
// biome-ignore lint/suspicious/noExplicitAny: CloudFormation JSON, checked by value.
type Resource = { Type: string; Properties?: Record<string, any> };
type Statement = { Effect: string; Action: string | string[]; Resource: unknown };

function synthesise(config = loadPlatformConfig()) {
  const app = testApp();
  const stack = new PlatformStack(app, 'Platform', { config });
  const resources = (Template.fromStack(stack).toJSON() as { Resources: Record<string, Resource> }).Resources;
  return { app, stack, resources };
}

const platform = synthesise();
const ofType = (type: string) => Object.entries(platform.resources).filter(([, r]) => r.Type === type);

function statements(): { owner: string; statement: Statement }[] {
  const found: { owner: string; statement: Statement }[] = [];
  for (const [id, resource] of Object.entries(platform.resources)) {
    const documents =
      resource.Type === 'AWS::IAM::Policy' || resource.Type === 'AWS::IAM::ManagedPolicy'
        ? [resource.Properties!.PolicyDocument]
        : resource.Type === 'AWS::IAM::Role'
          ? (resource.Properties!.Policies ?? []).map((p: { PolicyDocument: unknown }) => p.PolicyDocument)
          : [];
    for (const document of documents)
      for (const statement of (document as { Statement: Statement[] }).Statement)
        found.push({ owner: id, statement });
  }
  return found;
}

function alarmsOn(metricName: string, dimension: string, value: unknown): number {
  return ofType('AWS::CloudWatch::Alarm').filter(
    ([, alarm]) =>
      alarm.Properties!.MetricName === metricName &&
      (alarm.Properties!.Dimensions ?? []).some(
        (d: { Name: string; Value: unknown }) =>
          d.Name === dimension && JSON.stringify(d.Value) === JSON.stringify(value),
      ),
  ).length;
}

describe('issue 13 figures on the synthesised default platform', () => {
  it('has no unacknowledged cdk-nag finding and these acknowledgements, each with its reason', () => {
    expect(awsSolutionsFindings(platform.app)).toEqual([]);
    const acknowledged = platform.stack.node
      .findAll()
      .flatMap((construct) =>
        construct.node.metadata
          .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
          .flatMap((entry) => Object.entries(entry.data as Record<string, string>)),
      )
      .filter(([id]) => id.includes('AwsSolutions-'));
    for (const [, reason] of acknowledged) expect(reason.length).toBeGreaterThan(40);
    const rules = acknowledged.map(([id]) => id.replace(/^Annotation::/, '').replace(/\[.*\]$/, ''));
    expect(rules.sort()).toEqual(
      [
        'AwsSolutions-COG4',
        'AwsSolutions-EC23',
        'AwsSolutions-IAM5', // "*": actions without resource-level permissions only
        'AwsSolutions-IAM5', // db:*: DescribeDBInstances by cluster filter
        'AwsSolutions-IAM5', // the fleet group's ARN
        'AwsSolutions-IAM5', // network-interface/*: Lambda's interfaces in the VPC
        'AwsSolutions-IAM5', // the read-only invoke policy
        'AwsSolutions-IAM5', // the operator invoke policy
        'AwsSolutions-SMG4',
        'AwsSolutions-SQS3',
      ].sort(),
    );
    // From 54 before the issue. No S1: the ALB's log bucket has server access logs of its own.
    expect(acknowledged.length).toBe(10);
  });

  it('allows a mutating action on "*" only where IAM has no resource-level permission for it', () => {
    const onStar = statements().filter(
      ({ statement }) =>
        statement.Effect === 'Allow' && ([] as unknown[]).concat(statement.Resource).includes('*'),
    );
    expect(onStar.length).toBeGreaterThan(0);
    for (const { owner, statement } of onStar) {
      for (const action of ([] as string[]).concat(statement.Action)) {
        expect({ owner, action, allowed: ACTIONS_WITHOUT_RESOURCE_SCOPE.includes(action) }).toEqual({
          owner,
          action,
          allowed: true,
        });
      }
    }
  });

  it('attaches no AWS-managed policy to a role of its own', () => {
    // CDK's own provider that empties the VPC's default security group is the exception: CDK
    // builds its role with AWSLambdaBasicExecutionRole, for the provider's log.
    const cdkProvider = /^CustomVpcRestrictDefaultSGCustomResourceProviderRole/;
    const awsManaged = ofType('AWS::IAM::Role')
      .filter(([id]) => !cdkProvider.test(id))
      .flatMap(([id, role]) =>
        (role.Properties!.ManagedPolicyArns ?? [])
          .filter((arn: unknown) => JSON.stringify(arn).includes(':iam::aws:policy/'))
          .map(() => id),
      );
    expect(awsManaged).toEqual([]);
    // The customer-managed one: the network interfaces of the functions in the VPC.
    expect(ofType('AWS::IAM::ManagedPolicy').map(([id]) => id)).toEqual(
      expect.arrayContaining([expect.stringMatching(/LambdaNetworkAccess/)]),
    );
  });

  it('reserves concurrency for every control function and alarms on its throttles and errors', () => {
    const functions = ofType('AWS::Lambda::Function').filter(
      ([, fn]) => fn.Properties!.Environment?.Variables?.POWERTOOLS_SERVICE_NAME,
    );
    expect(
      functions.map(([, fn]) => fn.Properties!.Environment.Variables.POWERTOOLS_SERVICE_NAME).sort(),
    ).toEqual(
      [
        'admin-api',
        'alert-formatter',
        'cache-admin',
        'database-roles',
        'failover',
        'health-check',
        'scaling',
        'slow-queries',
      ].sort(),
    );
    for (const [id, fn] of functions) {
      expect({ id, reserved: fn.Properties!.ReservedConcurrentExecutions >= 1 }).toEqual({
        id,
        reserved: true,
      });
      expect({ id, throttles: alarmsOn('Throttles', 'FunctionName', { Ref: id }) }).toEqual({
        id,
        throttles: 1,
      });
      expect({ id, errors: alarmsOn('Errors', 'FunctionName', { Ref: id }) }).toEqual({ id, errors: 1 });
    }
  });

  it('alarms on every queue: the on-failure queues and the alert subscriptions’ redrive queue', () => {
    const queues = ofType('AWS::SQS::Queue');
    expect(queues.length).toBe(9);
    for (const [id] of queues) {
      const alarms = alarmsOn('ApproximateNumberOfMessagesVisible', 'QueueName', {
        'Fn::GetAtt': [id, 'QueueName'],
      });
      expect({ id, alarms }).toEqual({ id, alarms: 1 });
    }
  });

  it('gives every schedule target a dead-letter queue and every SNS subscription a redrive policy', () => {
    const scheduled = ofType('AWS::Events::Rule').filter(([, rule]) => rule.Properties!.ScheduleExpression);
    expect(scheduled.length).toBe(4);
    for (const [id, rule] of scheduled) {
      for (const target of rule.Properties!.Targets) {
        expect({ id, dlq: Boolean(target.DeadLetterConfig?.Arn) }).toEqual({ id, dlq: true });
      }
    }
    const subscriptions = ofType('AWS::SNS::Subscription');
    expect(subscriptions.length).toBeGreaterThan(0);
    for (const [id, subscription] of subscriptions) {
      expect({ id, redrive: Boolean(subscription.Properties!.RedrivePolicy) }).toEqual({ id, redrive: true });
    }
  });

  it('puts the web ACL with the managed rules and a rate rule in front of the ALB and the admin API', () => {
    const [[, acl]] = ofType('AWS::WAFv2::WebACL') as [[string, Resource]];
    expect(acl.Properties!.Rules.map((rule: { Name: string }) => rule.Name)).toEqual([
      'RateLimitPerIp',
      'AWSManagedRulesAmazonIpReputationList',
      'AWSManagedRulesCommonRuleSet',
      'AWSManagedRulesKnownBadInputsRuleSet',
    ]);
    expect(ofType('AWS::WAFv2::WebACLAssociation')).toHaveLength(2);
    expect(ofType('AWS::WAFv2::LoggingConfiguration')).toHaveLength(1);
  });
});

describe('issue 13 figures on a prod platform', () => {
  const prod = synthesise(
    parsePlatformConfig({
      environment: { stage: 'prod' },
      fleet: { app: { image: { ssmParameter: '/golden/ami/misybot', version: 12 } } },
    }),
  );
  const count = (type: string) => Object.values(prod.resources).filter((r) => r.Type === type).length;

  it('has one NAT gateway per zone and the web ACL on by default', () => {
    expect(count('AWS::EC2::NatGateway')).toBe(2);
    expect(count('AWS::EC2::Subnet')).toBe(6);
    expect(count('AWS::WAFv2::WebACL')).toBe(1);
  });

  it('launches the pinned image and rolls deploys through the group behind creation signals', () => {
    const template = Template.fromStack(prod.stack);
    template.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: { ImageId: '{{resolve:ssm:/golden/ami/misybot:12}}' },
    });
    const [group] = Object.values(template.findResources('AWS::AutoScaling::AutoScalingGroup'));
    expect(group!.CreationPolicy.ResourceSignal).toEqual({ Count: 2, Timeout: 'PT15M' });
    expect(group!.UpdatePolicy.AutoScalingRollingUpdate).toMatchObject({
      MaxBatchSize: 1,
      MinInstancesInService: 2,
      MinSuccessfulInstancesPercent: 100,
      WaitOnResourceSignals: true,
    });
  });
});
