import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { type PlatformConfigInput, parsePlatformConfig } from '../../../functions/shared/config';
import { PlatformLoadBalancer, type PlatformLoadBalancerProps } from '../../../lib/platform/load-balancer';
import { testApp, testStack } from '../../support/cdk';

const domain = { zoneName: 'example.com', hostedZoneId: 'Z0EXAMPLE0DEMO0ZONE', recordName: 'api' };
const certificateArn = 'arn:aws:acm:eu-west-1:123456789012:certificate/0f0e0d0c-1111-2222-3333-444455556666';

/** Builds with the domain unless the input says `domain: undefined`, so only that case warns. */
function synth(input: PlatformConfigInput = {}, extra: Partial<PlatformLoadBalancerProps> = {}) {
  const config = parsePlatformConfig({ domain, ...input });
  const stack = testStack(testApp());
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
  const alb = new PlatformLoadBalancer(stack, 'Edge', {
    vpc,
    settings: config.loadBalancing,
    appPort: config.fleet.appPort,
    domain: config.domain,
    ...extra,
  });
  return { stack, alb, config, template: Template.fromStack(stack) };
}

function listenerOnPort(template: Template, port: number) {
  const listeners = template.findResources('AWS::ElasticLoadBalancingV2::Listener', {
    Properties: { Port: port },
  });
  const [only, ...others] = Object.values(listeners);
  expect(others).toHaveLength(0);
  return only!.Properties;
}

/** `Key`/`Value` attribute lists as a map, so assertions do not depend on their order. */
function attributesOf(template: Template, type: string): Record<string, unknown>[] {
  return Object.values(template.findResources(type)).map((resource) =>
    Object.fromEntries(
      (resource.Properties.LoadBalancerAttributes ?? resource.Properties.TargetGroupAttributes).map(
        (a: { Key: string; Value: unknown }) => [a.Key, a.Value],
      ),
    ),
  );
}

const ALB = 'AWS::ElasticLoadBalancingV2::LoadBalancer';
const TARGET_GROUP = 'AWS::ElasticLoadBalancingV2::TargetGroup';

describe('PlatformLoadBalancer', () => {
  it('is an internet-facing ALB in the public subnets that drops invalid headers', () => {
    const { template } = synth({ loadBalancing: { idleTimeoutSeconds: 120 } });

    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Scheme: 'internet-facing',
      Type: 'application',
      Subnets: [
        { Ref: Match.stringLikeRegexp('VpcPublicSubnet1') },
        { Ref: Match.stringLikeRegexp('VpcPublicSubnet2') },
      ],
    });
    expect(attributesOf(template, ALB)).toEqual([
      expect.objectContaining({
        'routing.http.drop_invalid_header_fields.enabled': 'true',
        'deletion_protection.enabled': 'false',
        'idle_timeout.timeout_seconds': '120',
      }),
    ]);
  });

  it('turns deletion protection on when asked', () => {
    const { template } = synth({}, { deletionProtection: true });

    expect(attributesOf(template, ALB)[0]).toMatchObject({ 'deletion_protection.enabled': 'true' });
  });

  it('with a domain, serves HTTPS with a TLS 1.2/1.3 policy and a DNS-validated certificate, and redirects HTTP', () => {
    const { template, alb, stack } = synth();

    const https = listenerOnPort(template, 443);
    expect(https.Protocol).toBe('HTTPS');
    expect(https.SslPolicy).toMatch(/^ELBSecurityPolicy-TLS13-1-2-/);
    expect(https.DefaultActions[0].Type).toBe('forward');
    template.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: 'api.example.com',
      ValidationMethod: 'DNS',
      DomainValidationOptions: [{ DomainName: 'api.example.com', HostedZoneId: 'Z0EXAMPLE0DEMO0ZONE' }],
    });
    const http = listenerOnPort(template, 80);
    expect(http.Protocol).toBe('HTTP');
    expect(http.DefaultActions).toEqual([
      { Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' } },
    ]);
    expect(alb.endpointUrl).toBe('https://api.example.com');
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('No domain'));
  });

  it('uses the configured certificate instead of issuing one', () => {
    const { template } = synth({ domain: { ...domain, certificateArn } });

    template.resourceCountIs('AWS::CertificateManager::Certificate', 0);
    expect(listenerOnPort(template, 443).Certificates).toEqual([{ CertificateArn: certificateArn }]);
  });

  it('without a domain, serves plain HTTP and warns at synth time', () => {
    // CDK prints warnings in its validation report; the assertion below reads them instead.
    const report = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const { template, stack, alb } = synth({ domain: undefined });
    const annotations = Annotations.fromStack(stack);
    report.mockRestore();

    template.resourceCountIs('AWS::ElasticLoadBalancingV2::Listener', 1);
    const http = listenerOnPort(template, 80);
    expect(http.Protocol).toBe('HTTP');
    expect(http.DefaultActions[0].Type).toBe('forward');
    template.resourceCountIs('AWS::CertificateManager::Certificate', 0);
    annotations.hasWarning(
      '/TestStack/Edge',
      Match.stringLikeRegexp('No domain is configured, so the load balancer serves plain HTTP'),
    );
    expect(alb.endpointUrl).toMatch(/^http:\/\//);
  });

  it('forwards to every configured target group with its weight', () => {
    const { template, alb } = synth({
      loadBalancing: {
        targetGroups: [
          { name: 'primary', weight: 90 },
          { name: 'canary', weight: 10 },
          { name: 'dark', weight: 0 },
        ],
      },
    });

    template.resourceCountIs('AWS::ElasticLoadBalancingV2::TargetGroup', 3);
    expect(alb.targetGroups).toHaveLength(3);
    const forward = listenerOnPort(template, 443).DefaultActions[0].ForwardConfig.TargetGroups;
    expect(forward).toEqual([
      { TargetGroupArn: { Ref: expect.stringMatching(/^EdgeTargetGroupprimary/) }, Weight: 90 },
      { TargetGroupArn: { Ref: expect.stringMatching(/^EdgeTargetGroupcanary/) }, Weight: 10 },
      { TargetGroupArn: { Ref: expect.stringMatching(/^EdgeTargetGroupdark/) }, Weight: 0 },
    ]);
    expect(alb.primaryTargetGroup).toBe(alb.targetGroups[0]);
  });

  it('takes health check, algorithm, deregistration delay and slow start from config', () => {
    const { template } = synth({
      fleet: { appPort: 3000 },
      loadBalancing: {
        algorithm: 'round_robin',
        deregistrationDelaySeconds: 45,
        slowStartSeconds: 120,
        healthCheck: {
          path: '/ready',
          intervalSeconds: 20,
          timeoutSeconds: 6,
          healthyThreshold: 4,
          unhealthyThreshold: 3,
          matcher: '200,204',
        },
      },
    });

    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      Port: 3000,
      Protocol: 'HTTP',
      TargetType: 'instance',
      HealthCheckEnabled: true,
      HealthCheckProtocol: 'HTTP',
      HealthCheckPath: '/ready',
      HealthCheckIntervalSeconds: 20,
      HealthCheckTimeoutSeconds: 6,
      HealthyThresholdCount: 4,
      UnhealthyThresholdCount: 3,
      Matcher: { HttpCode: '200,204' },
    });
    expect(attributesOf(template, TARGET_GROUP)[0]).toMatchObject({
      'load_balancing.algorithm.type': 'round_robin',
      'deregistration_delay.timeout_seconds': '45',
      'slow_start.duration_seconds': '120',
    });
  });

  it('refuses slow start with any algorithm but round_robin, as ELB does at deploy time', () => {
    const config = parsePlatformConfig({ domain });
    for (const algorithm of ['least_outstanding_requests', 'weighted_random'] as const) {
      const settings = { ...config.loadBalancing, algorithm, slowStartSeconds: 60 };
      expect(() => synth({}, { settings })).toThrow(
        `PlatformLoadBalancer slowStartSeconds needs the round_robin algorithm (ALB supports slow start with no other), got 60 with ${algorithm}.`,
      );
    }
    const settings = { ...config.loadBalancing, algorithm: 'round_robin' as const, slowStartSeconds: 60 };
    expect(attributesOf(synth({}, { settings }).template, TARGET_GROUP)[0]).toMatchObject({
      'slow_start.duration_seconds': '60',
    });
  });

  it('enables anomaly mitigation with the weighted_random algorithm', () => {
    const { template } = synth({ loadBalancing: { algorithm: 'weighted_random', anomalyMitigation: true } });

    expect(attributesOf(template, TARGET_GROUP)[0]).toMatchObject({
      'load_balancing.algorithm.type': 'weighted_random',
      'load_balancing.algorithm.anomaly_mitigation': 'on',
    });
  });

  it('leaves anomaly mitigation and slow start out by default', () => {
    const { template } = synth();

    const attributes = attributesOf(template, TARGET_GROUP)[0];
    expect(attributes).not.toHaveProperty(['load_balancing.algorithm.anomaly_mitigation']);
    expect(attributes).not.toHaveProperty(['slow_start.duration_seconds']);
    expect(attributes).toMatchObject({ 'load_balancing.algorithm.type': 'least_outstanding_requests' });
  });

  it('writes access logs to an SSE-S3, private, TLS-only bucket that expires objects', () => {
    const { template } = synth({}, { accessLogRetentionDays: 30 });

    const bucketId = template.getResourceId('AWS::S3::Bucket', {
      Properties: { LoggingConfiguration: Match.anyValue() },
    });
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 30, Status: 'Enabled' })] },
    });
    expect(attributesOf(template, ALB)[0]).toMatchObject({
      'access_logs.s3.enabled': 'true',
      'access_logs.s3.bucket': { Ref: bucketId },
      'access_logs.s3.prefix': 'alb',
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({ Sid: 'AlbLogDeliveryLegacyRegions', Action: 's3:PutObject' }),
          Match.objectLike({
            Sid: 'AlbLogDelivery',
            Principal: { Service: 'logdelivery.elasticloadbalancing.amazonaws.com' },
            Action: 's3:PutObject',
          }),
        ]),
      },
    });
  });

  it('logs every request on the access-log bucket to a private bucket only S3 log delivery for it may write', () => {
    const { template, alb, stack } = synth({}, { accessLogRetentionDays: 30 });

    const accessLogs = stack.resolve(alb.accessLogBucket.bucketArn);
    const serverLogs = stack.resolve(alb.serverAccessLogBucket.bucketName);
    template.resourceCountIs('AWS::S3::Bucket', 2);
    template.hasResourceProperties('AWS::S3::Bucket', {
      LoggingConfiguration: { DestinationBucketName: serverLogs, LogFilePrefix: 'alb-logs/' },
    });
    // The destination itself: same protection and expiry, and no logging of its own.
    const destination = template.findResources('AWS::S3::Bucket', {
      Properties: {
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
        },
        PublicAccessBlockConfiguration: Match.objectLike({
          BlockPublicPolicy: true,
          RestrictPublicBuckets: true,
        }),
        LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 30 })] },
        LoggingConfiguration: Match.absent(),
      },
    });
    expect(Object.keys(destination)).toEqual([serverLogs.Ref]);
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: serverLogs,
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'logging.s3.amazonaws.com' },
            Action: 's3:PutObject',
            Condition: {
              ArnLike: { 'aws:SourceArn': accessLogs },
              StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
            },
          }),
        ]),
      },
    });
  });

  it('grants log delivery to the regional ELB account chosen at deploy time', () => {
    const { template } = synth();

    const [accounts, ...others] = Object.values(template.toJSON().Mappings ?? {}) as Record<
      string,
      { account: string }
    >[];
    expect(others).toHaveLength(0);
    expect(accounts!['eu-west-1']).toEqual({ account: '156460612806' });
    expect(accounts!['us-east-1']).toEqual({ account: '127311923021' });
    expect(accounts!['ap-southeast-4']).toEqual({ account: '' });
    template.hasResource('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      DependsOn: Match.arrayWith([Match.stringLikeRegexp('AccessLogsPolicy')]),
    });
  });

  it('opens 80 and 443 to the internet and sends only the app port into the VPC', () => {
    const { template } = synth({ fleet: { appPort: 9000 } });

    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('Internet-facing ALB'),
      SecurityGroupIngress: Match.arrayEquals([
        Match.objectLike({ CidrIp: '0.0.0.0/0', FromPort: 443, ToPort: 443 }),
        Match.objectLike({ CidrIp: '0.0.0.0/0', FromPort: 80, ToPort: 80 }),
      ]),
      SecurityGroupEgress: [
        Match.objectLike({
          CidrIp: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Vpc'), 'CidrBlock'] },
          FromPort: 9000,
          ToPort: 9000,
          IpProtocol: 'tcp',
        }),
      ],
    });
  });

  it('rejects settings the ALB cannot serve', () => {
    const settings = parsePlatformConfig({}).loadBalancing;
    const build = (overrides: Partial<typeof settings>) => () => {
      const stack = testStack(testApp());
      const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 });
      new PlatformLoadBalancer(stack, 'Edge', {
        vpc,
        settings: { ...settings, ...overrides },
        appPort: 8080,
      });
    };

    expect(build({ targetGroups: [] })).toThrow(/needs at least one target group/);
    expect(
      build({
        targetGroups: [
          { name: 'a', weight: 1 },
          { name: 'a', weight: 2 },
        ],
      }),
    ).toThrow(/target group names must be unique, got a, a/);
    expect(build({ targetGroups: [{ name: 'a', weight: 0 }] })).toThrow(/weight above 0, got all 0/);
    expect(() => synth({}, { accessLogRetentionDays: 0 })).toThrow(
      /accessLogRetentionDays must be a whole number of days ≥ 1, got 0/,
    );
    expect(build({ anomalyMitigation: true, algorithm: 'round_robin' })).toThrow(
      /anomaly mitigation needs the weighted_random algorithm, got round_robin/,
    );
  });
});
