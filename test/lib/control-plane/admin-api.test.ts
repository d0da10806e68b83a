import { Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AutoScalingGroup } from 'aws-cdk-lib/aws-autoscaling';
import { Vpc } from 'aws-cdk-lib/aws-ec2';
import { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { REGION_TAG } from '../../../functions/core/admin/region-routes';
import { routeList } from '../../../functions/core/admin/routes';
import { AdminApi, type AdminApiProps } from '../../../lib/control-plane/admin-api';
import { StateTable } from '../../../lib/control-plane/state-table';
import { singleTopic, testApp, testStack } from '../../support/cdk';
import { awsSolutionsFindings } from '../../support/nag';

const WEB_ACL = 'arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/admin/0000-1111';

function build(extra: Partial<AdminApiProps> = {}, options: { cache?: boolean } = {}) {
  const app = testApp();
  const stack = testStack(app);
  const state = new StateTable(stack, 'State');
  const peers: string[] = [];
  const vpc = options.cache ? new Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 }) : undefined;
  const secret = new Secret(stack, 'Token');
  if (vpc) Validations.of(vpc).acknowledge({ id: 'AwsSolutions-VPC7', reason: 'test scaffolding' });
  Validations.of(secret).acknowledge({ id: 'AwsSolutions-SMG4', reason: 'test scaffolding' });
  const api = new AdminApi(stack, 'AdminApi', {
    stateTable: state.table,
    autoScalingGroup: AutoScalingGroup.fromAutoScalingGroupName(stack, 'Group', 'misybot-fleet'),
    loadBalancer: {
      listenerArn: 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/misybot/abc/def',
      targetGroups: [
        { name: 'primary', arn: 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/primary/1' },
        { name: 'canary', arn: 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/canary/2' },
      ],
    },
    clusterIdentifier: 'misybot-db',
    scalingFunction: LambdaFunction.fromFunctionAttributes(stack, 'Scaling', {
      functionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:scaling',
      sameEnvironment: true,
    }),
    logRetentionDays: 30,
    throttle: { rateLimit: 10, burstLimit: 20 },
    topics: singleTopic(new Topic(stack, 'Alerts', { enforceSSL: true })),
    ...(vpc
      ? {
          cache: {
            vpc,
            host: 'master.cache.example',
            port: 6380,
            authSecret: secret,
            allowFrom: (peer) => void peers.push(peer.connections.securityGroups.length > 0 ? 'worker' : '?'),
          },
        }
      : {}),
    ...extra,
  });
  // Lazy: Template.fromStack synthesises the app, after which cdk-nag would see nothing.
  return {
    app,
    stack,
    api,
    peers,
    get template() {
      return Template.fromStack(stack);
    },
  };
}

describe('AdminApi', () => {
  it('creates one method per route (the region routes only with a standby region), every one IAM-authorised and validated', () => {
    const { template } = build();
    const methods = template.findResources('AWS::ApiGateway::Method');
    expect(Object.keys(methods)).toHaveLength(routeList.filter((r) => r.tag !== REGION_TAG).length);
    for (const method of Object.values(methods)) {
      expect(method.Properties.AuthorizationType).toBe('AWS_IAM');
      expect(method.Properties.RequestValidatorId).toBeDefined();
    }
    template.hasResourceProperties('AWS::ApiGateway::RequestValidator', {
      ValidateRequestBody: true,
      ValidateRequestParameters: true,
    });
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'DELETE',
      OperationName: 'invalidateNamespace',
      RequestParameters: { 'method.request.path.namespace': true, 'method.request.querystring.reason': true },
    });
    template.hasResourceProperties('AWS::ApiGateway::Method', {
      HttpMethod: 'PUT',
      OperationName: 'setCapacity',
      RequestModels: { 'application/json': Match.anyValue() },
    });
  });

  it('throttles the stage, logs access as JSON with the caller, logs errors and traces', () => {
    const { template } = build();
    const stage = Object.values(template.findResources('AWS::ApiGateway::Stage'))[0]!.Properties;
    expect(stage.TracingEnabled).toBe(true);
    expect(stage.StageName).toBe('v1');
    expect(stage.MethodSettings).toEqual([
      expect.objectContaining({
        HttpMethod: '*',
        ResourcePath: '/*',
        ThrottlingRateLimit: 10,
        ThrottlingBurstLimit: 20,
        LoggingLevel: 'ERROR',
        DataTraceEnabled: false,
      }),
    ]);
    const format = JSON.parse(stage.AccessLogSetting.Format);
    expect(format).toMatchObject({
      caller: '$context.identity.userArn',
      requestId: '$context.requestId',
      status: '$context.status',
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    template.resourceCountIs('AWS::ApiGateway::Account', 0);
  });

  it('answers gateway refusals as problem documents', () => {
    const { template } = build();
    template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: 'BAD_REQUEST_BODY',
      StatusCode: '400',
      ResponseParameters: { 'gatewayresponse.header.Content-Type': "'application/problem+json'" },
      ResponseTemplates: {
        'application/json': Match.stringLikeRegexp('"type":"urn:misybot-ha:problem:validation"'),
      },
    });
  });

  it('exports a read-only policy on GET methods and an operator policy on all methods', () => {
    const { stack, api } = build();
    const resources = (policy: typeof api.readOnlyPolicy) =>
      JSON.stringify(
        stack.resolve((policy.node.defaultChild as unknown as { policyDocument: unknown }).policyDocument),
      );
    const readOnly = resources(api.readOnlyPolicy);
    const operator = resources(api.operatorPolicy);
    // Method-wide: the construct refuses a catalogue where a GET changes something.
    expect(readOnly).toContain('/v1/GET/*"');
    expect(readOnly).not.toMatch(/\/v1\/(PUT|POST|DELETE|\*)\//);
    expect(operator).toContain('/v1/*/*"');
  });

  it('wires only the control functions it was given, scoped IAM included', () => {
    const { template } = build();
    const fn = Object.values(template.findResources('AWS::Lambda::Function'))[0]!.Properties;
    expect(fn.Environment.Variables).toMatchObject({
      SCALING_FUNCTION: 'scaling',
      CLUSTER_IDENTIFIER: 'misybot-db',
    });
    expect(fn.Environment.Variables.FAILOVER_FUNCTION).toBeUndefined();
    expect(fn.Timeout).toBe(28);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'elasticloadbalancing:ModifyListener',
            Resource: 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/misybot/abc/def',
          }),
          Match.objectLike({ Action: 'lambda:InvokeFunction' }),
        ]),
      },
    });
  });

  it('associates a web ACL when given one, and refuses one that is not a regional WAFv2 ACL', () => {
    const { template } = build({ webAclArn: WEB_ACL });
    template.hasResourceProperties('AWS::WAFv2::WebACLAssociation', { WebACLArn: WEB_ACL });
    expect(() => build({ webAclArn: 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/x/1' })).toThrow(
      /REGIONAL/,
    );
    expect(() => build({ throttle: { rateLimit: 0, burstLimit: 5 } })).toThrow(/throttle/);
  });

  it('deploys the cache worker in the VPC, lets it reach Redis and lets the API invoke it', () => {
    const { template, peers } = build({}, { cache: true });
    expect(peers).toEqual(['worker']);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({ REDIS_HOST: 'master.cache.example', REDIS_PORT: '6380' }),
      },
      VpcConfig: Match.anyValue(),
    });
  });

  it.each([
    ['without WAF', {}, {}],
    ['with WAF and the cache worker', { webAclArn: WEB_ACL }, { cache: true }],
  ])('has no unacknowledged cdk-nag findings (%s)', (_label, extra, options) => {
    const { app, api } = build(extra, options);
    expect(
      awsSolutionsFindings(app, { autoScalingGroupArns: [api.props.autoScalingGroup.autoScalingGroupArn] }),
    ).toEqual([]);
  });
});
