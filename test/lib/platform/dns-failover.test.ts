import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as sns from 'aws-cdk-lib/aws-sns';
import {
  defaultConfigInput,
  type PlatformConfigInput,
  parsePlatformConfig,
} from '../../../functions/shared/config';
import { DnsFailover, type DnsFailoverProps } from '../../../lib/platform/dns-failover';
import { PlatformFleet } from '../../../lib/platform/fleet';
import { PlatformLoadBalancer } from '../../../lib/platform/load-balancer';
import { PlatformNetwork } from '../../../lib/platform/network';
import { testApp, testStack } from '../../support/cdk';

const domain = { zoneName: 'example.com', hostedZoneId: 'Z0EXAMPLE0DEMO0ZONE', recordName: 'api' };
const RECORD = 'AWS::Route53::RecordSet';

function synth(input: PlatformConfigInput = {}, extra: Partial<DnsFailoverProps> = {}) {
  const config = parsePlatformConfig({ domain, ...input });
  const stack = testStack(testApp());
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
  const loadBalancer = new elbv2.ApplicationLoadBalancer(stack, 'Alb', { vpc, internetFacing: true });
  const dns = new DnsFailover(stack, 'Dns', {
    domain: config.domain,
    failover: config.failover,
    loadBalancer,
    healthCheckPath: config.loadBalancing.healthCheck.path,
    ...extra,
  });
  return { stack, dns, template: Template.fromStack(stack) };
}

function records(template: Template) {
  return Object.values(template.findResources(RECORD)).map((record) => record.Properties);
}

/** The failover primary: the health check alone decides, not the target groups' health. */
const albAlias = {
  DNSName: {
    'Fn::Join': ['', ['dualstack.', { 'Fn::GetAtt': [Match.stringLikeRegexp('^Alb'), 'DNSName'] }]],
  },
  HostedZoneId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Alb'), 'CanonicalHostedZoneID'] },
  EvaluateTargetHealth: false,
};

describe('DnsFailover', () => {
  it('health-checks the primary ALB over HTTPS on its health path with the configured interval and threshold', () => {
    const { template } = synth({
      loadBalancing: { healthCheck: { path: '/healthz' } },
      failover: { healthCheckIntervalSeconds: 10, failureThreshold: 2 },
    });

    template.hasResourceProperties('AWS::Route53::HealthCheck', {
      HealthCheckConfig: {
        Type: 'HTTPS',
        FullyQualifiedDomainName: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Alb'), 'DNSName'] },
        Port: 443,
        ResourcePath: '/healthz',
        EnableSNI: true,
        RequestInterval: 10,
        FailureThreshold: 2,
        MeasureLatency: true,
        Inverted: false,
        Regions: Match.absent(),
      },
      HealthCheckTags: [{ Key: 'Name', Value: 'api.example.com primary ALB' }],
    });
  });

  it('defaults to the standard 30-second interval and a threshold of 3', () => {
    const { template } = synth();

    template.hasResourceProperties('AWS::Route53::HealthCheck', {
      HealthCheckConfig: Match.objectLike({ RequestInterval: 30, FailureThreshold: 3 }),
    });
  });

  it('matches the response body when given a search string', () => {
    const { template } = synth({}, { searchString: '"status":"ok"' });

    template.hasResourceProperties('AWS::Route53::HealthCheck', {
      HealthCheckConfig: Match.objectLike({ Type: 'HTTPS_STR_MATCH', SearchString: '"status":"ok"' }),
    });
  });

  it('fails over from the ALB alias to fixed IPv4 addresses', () => {
    const { template, dns, stack } = synth({
      failover: {
        secondary: { kind: 'ipv4', addresses: ['192.0.2.10', '192.0.2.11'] },
        ttlSeconds: 45,
      },
    });

    const healthCheckId = stack.resolve(dns.healthCheckId);
    expect(healthCheckId).toEqual({ Ref: expect.stringMatching(/^DnsPrimaryHealthCheck/) });
    const found = records(template);
    expect(found).toHaveLength(2);
    expect(found).toContainEqual(
      expect.objectContaining({
        Name: 'api.example.com.',
        Type: 'A',
        HostedZoneId: 'Z0EXAMPLE0DEMO0ZONE',
        Failover: 'PRIMARY',
        SetIdentifier: 'primary',
        HealthCheckId: healthCheckId,
      }),
    );
    template.hasResourceProperties(RECORD, { Failover: 'PRIMARY', AliasTarget: albAlias });
    template.hasResourceProperties(RECORD, {
      Name: 'api.example.com.',
      Type: 'A',
      HostedZoneId: 'Z0EXAMPLE0DEMO0ZONE',
      Failover: 'SECONDARY',
      SetIdentifier: 'secondary',
      ResourceRecords: ['192.0.2.10', '192.0.2.11'],
      TTL: '45',
      AliasTarget: Match.absent(),
      HealthCheckId: Match.absent(),
    });
  });

  it('fails over from the ALB alias to a standby alias target', () => {
    const { template } = synth({
      failover: {
        secondary: {
          kind: 'alias',
          dnsName: 'd111111abcdef8.cloudfront.net',
          hostedZoneId: 'Z2FDTNDATAQYW2',
        },
      },
    });

    expect(records(template)).toHaveLength(2);
    template.hasResourceProperties(RECORD, {
      Failover: 'PRIMARY',
      AliasTarget: albAlias,
      HealthCheckId: { Ref: Match.stringLikeRegexp('^DnsPrimaryHealthCheck') },
    });
    template.hasResourceProperties(RECORD, {
      Name: 'api.example.com.',
      Type: 'A',
      Failover: 'SECONDARY',
      SetIdentifier: 'secondary',
      AliasTarget: {
        DNSName: 'd111111abcdef8.cloudfront.net',
        HostedZoneId: 'Z2FDTNDATAQYW2',
        EvaluateTargetHealth: false,
      },
      ResourceRecords: Match.absent(),
    });
  });

  it('does not let an empty canary target group fail the primary over', () => {
    // Route 53 counts a target group without registered targets as unhealthy when it evaluates
    // an ALB alias's target health; the canary group is empty between deployments.
    const { template } = synth({ failover: { secondary: { kind: 'ipv4', addresses: ['192.0.2.10'] } } });

    const primary = records(template).find((record) => record.Failover === 'PRIMARY');
    expect(primary.AliasTarget.EvaluateTargetHealth).toBe(false);
    expect(primary.HealthCheckId).toEqual({ Ref: expect.stringMatching(/^DnsPrimaryHealthCheck/) });
  });

  it('without a secondary, keeps a plain alias to the ALB and the health check', () => {
    const { template, dns } = synth();

    expect(records(template)).toEqual([
      {
        Name: 'api.example.com.',
        Type: 'A',
        HostedZoneId: 'Z0EXAMPLE0DEMO0ZONE',
        AliasTarget: expect.objectContaining({ EvaluateTargetHealth: true }),
      },
    ]);
    template.resourceCountIs('AWS::Route53::HealthCheck', 1);
    expect(dns.recordName).toBe('api.example.com');
  });

  it('refuses to build without a domain', () => {
    const stack = testStack(testApp());
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 });
    const loadBalancer = new elbv2.ApplicationLoadBalancer(stack, 'Alb', { vpc, internetFacing: true });
    const failover = parsePlatformConfig({}).failover;

    expect(
      () => new DnsFailover(stack, 'Dns', { failover, loadBalancer, healthCheckPath: '/health' }),
    ).toThrow(/DnsFailover needs a domain \(the hosted zone its records go in\)/);
  });

  it('rejects a relative health path and an empty search string', () => {
    expect(() => synth({}, { healthCheckPath: 'health' })).toThrow(/must start with "\/", got "health"/);
    expect(() => synth({}, { searchString: '' })).toThrow(/searchString must hold 1-255 characters, got 0/);
  });

  it('composes with the network, load balancer and fleet from the demo config without any lookup', () => {
    const app = testApp();
    const stack = testStack(app);
    const config = parsePlatformConfig(defaultConfigInput);
    const network = new PlatformNetwork(stack, 'Network', { settings: config.network });
    const edge = new PlatformLoadBalancer(stack, 'Edge', {
      vpc: network.vpc,
      settings: config.loadBalancing,
      appPort: config.fleet.appPort,
      domain: config.domain,
    });
    new PlatformFleet(stack, 'Fleet', {
      vpc: network.vpc,
      settings: config.fleet,
      targetGroup: edge.primaryTargetGroup,
      loadBalancerSecurityGroup: edge.securityGroup,
      notificationTopic: new sns.Topic(stack, 'Alerts'),
    });
    new DnsFailover(stack, 'Dns', {
      domain: config.domain,
      failover: config.failover,
      loadBalancer: edge.loadBalancer,
      healthCheckPath: config.loadBalancing.healthCheck.path,
    });

    const template = Template.fromStack(stack);
    expect(app.synth().manifest.missing ?? []).toEqual([]);
    template.hasResourceProperties(RECORD, {
      Failover: 'SECONDARY',
      ResourceRecords: ['192.0.2.10', '192.0.2.11'],
    });
    template.hasResourceProperties('AWS::Route53::HealthCheck', {
      HealthCheckConfig: Match.objectLike({ RequestInterval: 10, ResourcePath: '/health' }),
    });
  });
});
