import { Match, Template } from 'aws-cdk-lib/assertions';
import { InterfaceVpcEndpointAwsService } from 'aws-cdk-lib/aws-ec2';
import {
  type NetworkSettings,
  type PlatformConfigInput,
  parsePlatformConfig,
} from '../../functions/shared/config';
import { DEFAULT_INTERFACE_ENDPOINTS, PlatformNetwork, type PlatformNetworkProps } from '../../lib/network';
import { testApp, testStack } from '../support/cdk';

function synth(input: PlatformConfigInput = {}, extra: Partial<PlatformNetworkProps> = {}) {
  return synthSettings(parsePlatformConfig(input).network, extra);
}

/** Without the schema in front: what the construct itself accepts. */
function synthSettings(settings: NetworkSettings, extra: Partial<PlatformNetworkProps> = {}) {
  const app = testApp();
  const stack = testStack(app);
  const network = new PlatformNetwork(stack, 'Network', { settings, ...extra });
  return { app, network, template: Template.fromStack(stack) };
}

const defaults = parsePlatformConfig({}).network;

describe('PlatformNetwork', () => {
  it('builds the VPC from the configured CIDR with public, private and isolated subnets in two zones', () => {
    const { template } = synth({ network: { cidr: '10.42.0.0/16', natGateways: 2 } });

    template.hasResourceProperties('AWS::EC2::VPC', {
      CidrBlock: '10.42.0.0/16',
      EnableDnsHostnames: true,
      EnableDnsSupport: true,
    });
    template.resourceCountIs('AWS::EC2::Subnet', 6);
    template.resourceCountIs('AWS::EC2::NatGateway', 2);
    for (const type of ['Public', 'Private', 'Isolated']) {
      template.resourcePropertiesCountIs(
        'AWS::EC2::Subnet',
        { Tags: Match.arrayWith([{ Key: 'aws-cdk:subnet-type', Value: type }]) },
        2,
      );
    }
    template.hasResourceProperties('AWS::EC2::Subnet', {
      Tags: Match.arrayWith([{ Key: 'aws-cdk:subnet-type', Value: 'Public' }]),
      MapPublicIpOnLaunch: false,
    });
  });

  it('puts one NAT gateway in each zone for prod and one in all for dev, the cheaper default', () => {
    const prod = synth({
      environment: { stage: 'prod', region: 'eu-west-1' },
      network: { availabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'] },
      fleet: { app: { image: { amiId: 'ami-0123456789abcdef0' } } },
    });
    prod.template.resourceCountIs('AWS::EC2::NatGateway', 3);
    // Each private subnet routes through the NAT gateway of its own zone.
    const routes = Object.values(
      prod.template.findResources('AWS::EC2::Route', { Properties: { NatGatewayId: Match.anyValue() } }),
    ).map((route) => route.Properties.NatGatewayId.Ref);
    expect(new Set(routes).size).toBe(3);
    synth().template.resourceCountIs('AWS::EC2::NatGateway', 1);
  });

  it('rejects more NAT gateways than zones', () => {
    expect(() => synthSettings({ ...defaults, natGateways: 3 })).toThrow(
      'PlatformNetwork natGateways (3) must not exceed the number of zones (2): a zone holds at most one.',
    );
  });

  it('places the subnets in the named zones without a context lookup', () => {
    const zones = ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'];
    const { app, template } = synth({
      environment: { region: 'eu-west-1' },
      network: { availabilityZones: zones },
    });

    template.resourceCountIs('AWS::EC2::Subnet', 9);
    for (const zone of zones) {
      template.resourcePropertiesCountIs('AWS::EC2::Subnet', { AvailabilityZone: zone }, 3);
    }
    expect(app.synth().manifest.missing ?? []).toEqual([]);
  });

  it('records all VPC traffic in a KMS-encrypted log group kept for the configured days', () => {
    const { template } = synth({ network: { flowLogRetentionDays: 365 } });

    template.hasResourceProperties('AWS::EC2::FlowLog', {
      ResourceType: 'VPC',
      TrafficType: 'ALL',
      LogDestinationType: 'cloud-watch-logs',
    });
    const keys = template.findResources('AWS::KMS::Key');
    const [keyId] = Object.keys(keys);
    expect(Object.keys(keys)).toHaveLength(1);
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      RetentionInDays: 365,
      KmsKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
    });
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: { 'Fn::Join': ['', ['logs.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } },
            Action: Match.arrayWith(['kms:Encrypt*', 'kms:GenerateDataKey*']),
            Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': Match.anyValue() } },
          }),
        ]),
      },
    });
  });

  it('adds S3 and DynamoDB gateway endpoints to the private and isolated route tables', () => {
    const { template } = synth();

    for (const service of ['.s3', '.dynamodb']) {
      template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
        VpcEndpointType: 'Gateway',
        ServiceName: { 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, service]] },
        RouteTableIds: Match.arrayEquals([
          Match.objectLike({ Ref: Match.stringLikeRegexp('PrivateSubnet1') }),
          Match.objectLike({ Ref: Match.stringLikeRegexp('PrivateSubnet2') }),
          Match.objectLike({ Ref: Match.stringLikeRegexp('IsolatedSubnet1') }),
          Match.objectLike({ Ref: Match.stringLikeRegexp('IsolatedSubnet2') }),
        ]),
      });
    }
  });

  it('adds the default interface endpoints with private DNS behind one HTTPS-from-the-VPC group', () => {
    const { template } = synth({ network: { cidr: '10.30.0.0/16' } });

    const names = Object.values(
      template.findResources('AWS::EC2::VPCEndpoint', {
        Properties: { VpcEndpointType: 'Interface' },
      }),
    ).map((endpoint) => {
      expect(endpoint.Properties.PrivateDnsEnabled).toBe(true);
      return endpoint.Properties.ServiceName['Fn::Join'][1][2];
    });
    expect(names.sort()).toEqual(
      [
        '.ssm',
        '.ssmmessages',
        '.ec2messages',
        '.cloudformation',
        '.xray',
        '.sns',
        '.secretsmanager',
        '.monitoring',
        '.logs',
        '.sts',
        '.rds',
        '.elasticache',
      ].sort(),
    );
    expect(DEFAULT_INTERFACE_ENDPOINTS).toHaveLength(12);
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('interface endpoints'),
      SecurityGroupIngress: [
        Match.objectLike({ CidrIp: '10.30.0.0/16', FromPort: 443, ToPort: 443, IpProtocol: 'tcp' }),
      ],
    });
  });

  it('adds only the interface endpoints it is given', () => {
    const { template } = synth(
      {},
      { interfaceEndpoints: [InterfaceVpcEndpointAwsService.SNS, InterfaceVpcEndpointAwsService.STS] },
    );

    template.resourcePropertiesCountIs('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Interface' }, 2);
    template.resourcePropertiesCountIs('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Gateway' }, 2);
  });

  it('adds no interface endpoint when they are switched off, the gateway endpoints stay', () => {
    const { template } = synth({ network: { interfaceEndpoints: false } });

    template.resourcePropertiesCountIs('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Interface' }, 0);
    template.resourcePropertiesCountIs('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Gateway' }, 2);
  });

  it('exposes the VPC with its three subnet tiers', () => {
    const { network } = synth();

    expect(network.vpc.publicSubnets).toHaveLength(2);
    expect(network.vpc.privateSubnets).toHaveLength(2);
    expect(network.vpc.isolatedSubnets).toHaveLength(2);
  });

  it('rejects a flow-log retention CloudWatch Logs does not offer', () => {
    expect(() => synthSettings({ ...defaults, flowLogRetentionDays: 100 })).toThrow(
      /flowLogRetentionDays must be one of the CloudWatch Logs retention periods .*got 100/,
    );
  });

  it('rejects an interface endpoint listed twice', () => {
    expect(() =>
      synth(
        {},
        { interfaceEndpoints: [InterfaceVpcEndpointAwsService.SNS, InterfaceVpcEndpointAwsService.SNS] },
      ),
    ).toThrow(/must not list the same service twice/);
  });
});
