import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as sns from 'aws-cdk-lib/aws-sns';
import {
  type FleetSettings,
  type PlatformConfigInput,
  parsePlatformConfig,
} from '../../functions/shared/config';
import { FLEET_AGENT_METRICS, PlatformFleet } from '../../lib/fleet';
import { testApp, testStack } from '../support/cdk';

function synth(fleet: PlatformConfigInput['fleet'] = {}, override: Partial<FleetSettings> = {}) {
  const settings = { ...parsePlatformConfig({ fleet }).fleet, ...override };
  const stack = testStack(testApp());
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
  const albSecurityGroup = new ec2.SecurityGroup(stack, 'AlbSg', { vpc, allowAllOutbound: false });
  const targetGroup = new elbv2.ApplicationTargetGroup(stack, 'Tg', {
    vpc,
    port: settings.appPort,
    protocol: elbv2.ApplicationProtocol.HTTP,
    targetType: elbv2.TargetType.INSTANCE,
  });
  const topic = new sns.Topic(stack, 'Alerts');
  const fleetConstruct = new PlatformFleet(stack, 'Fleet', {
    vpc,
    settings,
    targetGroup,
    loadBalancerSecurityGroup: albSecurityGroup,
    notificationTopic: topic,
  });
  return { stack, fleet: fleetConstruct, template: Template.fromStack(stack) };
}

function launchTemplateData(template: Template) {
  const [only, ...others] = Object.values(template.findResources('AWS::EC2::LaunchTemplate'));
  expect(others).toHaveLength(0);
  return only!.Properties.LaunchTemplateData;
}

function imageParameterPath(template: Template): string {
  const ref = launchTemplateData(template).ImageId.Ref as string;
  return template.toJSON().Parameters[ref].Default;
}

describe('PlatformFleet', () => {
  it('launches instances with IMDSv2 required, no public IP and detailed monitoring', () => {
    const { template } = synth();

    const data = launchTemplateData(template);
    expect(data.MetadataOptions).toEqual({ HttpTokens: 'required', HttpPutResponseHopLimit: 1 });
    expect(data.NetworkInterfaces).toEqual([
      expect.objectContaining({ AssociatePublicIpAddress: false, DeviceIndex: 0 }),
    ]);
    expect(data.Monitoring).toEqual({ Enabled: true });
    expect(data.InstanceType).toBe('t4g.small');
  });

  it('gives every instance an encrypted gp3 root volume of the configured size', () => {
    const { template } = synth({ rootVolumeGiB: 64 });

    expect(launchTemplateData(template).BlockDeviceMappings).toEqual([
      {
        DeviceName: '/dev/xvda',
        Ebs: { Encrypted: true, VolumeType: 'gp3', VolumeSize: 64, DeleteOnTermination: true },
      },
    ]);
  });

  it.each([
    ['t4g.small', 'arm64'],
    ['m7g.large', 'arm64'],
    ['c7gn.xlarge', 'arm64'],
    ['r7g.2xlarge', 'arm64'],
    ['m7i.large', 'x86_64'],
    ['c6a.xlarge', 'x86_64'],
  ])('boots %s from the latest Amazon Linux 2023 image for %s', (instanceType, architecture) => {
    const { template } = synth({ instanceType });

    expect(imageParameterPath(template)).toMatch(
      new RegExp(`^/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-[\\d.]+-${architecture}$`),
    );
  });

  it('sizes the group from config and runs in the private subnets', () => {
    // CDK rightly warns that a fixed desired capacity is reset on every deployment.
    const report = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const { template } = synth({ minCapacity: 3, maxCapacity: 12, desiredCapacity: 4 });
    report.mockRestore();

    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      MinSize: '3',
      MaxSize: '12',
      DesiredCapacity: '4',
      VPCZoneIdentifier: [
        { Ref: Match.stringLikeRegexp('VpcPrivateSubnet1') },
        { Ref: Match.stringLikeRegexp('VpcPrivateSubnet2') },
      ],
    });
  });

  it('leaves the desired capacity to the scaling function when config does not set it', () => {
    const { template } = synth();

    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      MinSize: '2',
      MaxSize: '10',
      DesiredCapacity: Match.absent(),
    });
  });

  it('replaces instances on failed ELB health checks after the grace period and warms up from config', () => {
    const { template } = synth({ healthCheckGraceSeconds: 420, warmupSeconds: 180 });

    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      HealthCheckType: 'ELB',
      HealthCheckGracePeriod: 420,
      DefaultInstanceWarmup: 180,
    });
  });

  it('notifies the topic of launches and terminations and registers with the target group', () => {
    const { template } = synth();

    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      NotificationConfigurations: [
        {
          TopicARN: { Ref: Match.stringLikeRegexp('^Alerts') },
          NotificationTypes: Match.arrayWith([
            'autoscaling:EC2_INSTANCE_LAUNCH',
            'autoscaling:EC2_INSTANCE_LAUNCH_ERROR',
            'autoscaling:EC2_INSTANCE_TERMINATE',
            'autoscaling:EC2_INSTANCE_TERMINATE_ERROR',
          ]),
        },
      ],
      TargetGroupARNs: [{ Ref: Match.stringLikeRegexp('^Tg') }],
      MetricsCollection: [{ Granularity: '1Minute' }],
    });
  });

  it('gives instances SSM and CloudWatch agent permissions', () => {
    const { template } = synth();

    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({ Principal: { Service: 'ec2.amazonaws.com' } })],
      },
      ManagedPolicyArns: [
        {
          'Fn::Join': [
            '',
            ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/AmazonSSMManagedInstanceCore'],
          ],
        },
        {
          'Fn::Join': [
            '',
            ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/CloudWatchAgentServerPolicy'],
          ],
        },
      ],
    });
  });

  it('starts the CloudWatch agent publishing memory and disk use per group in CWAgent', () => {
    const { template } = synth();

    const script = launchTemplateData(template).UserData['Fn::Base64'] as string;
    expect(script).toContain('dnf install -y amazon-cloudwatch-agent');
    expect(script).toMatch(/amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s -c file:\S+\.json/);
    const config = JSON.parse(/<<'AGENT_CONFIG'\n([\s\S]+?)\nAGENT_CONFIG/.exec(script)![1]!);
    expect(config.metrics.namespace).toBe('CWAgent');
    // Placeholders the agent (not JavaScript) expands, hence the escaped `\${`.
    expect(config.metrics.append_dimensions).toEqual({
      AutoScalingGroupName: `\${aws:AutoScalingGroupName}`,
      InstanceId: `\${aws:InstanceId}`,
    });
    expect(config.metrics.aggregation_dimensions).toEqual([['AutoScalingGroupName']]);
    expect(config.metrics.metrics_collected.mem.measurement).toEqual(['mem_used_percent']);
    expect(config.metrics.metrics_collected.disk.measurement).toEqual(['disk_used_percent']);
    expect(FLEET_AGENT_METRICS).toEqual({
      namespace: 'CWAgent',
      dimension: 'AutoScalingGroupName',
      memoryUsedPercent: 'mem_used_percent',
      diskUsedPercent: 'disk_used_percent',
    });
  });

  it('admits the app port from the load balancer security group only', () => {
    const { template, fleet, stack } = synth({ appPort: 3000 });

    const fleetGroupId = stack.getLogicalId(fleet.securityGroup.node.defaultChild as ec2.CfnSecurityGroup);
    const ingress = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress')).filter(
      (rule) => rule.Properties.GroupId['Fn::GetAtt'][0] === fleetGroupId,
    );
    expect(ingress).toHaveLength(1);
    expect(ingress[0]!.Properties).toMatchObject({
      IpProtocol: 'tcp',
      FromPort: 3000,
      ToPort: 3000,
      SourceSecurityGroupId: { 'Fn::GetAtt': [expect.stringMatching(/^AlbSg/), 'GroupId'] },
    });
    expect(template.toJSON().Resources[fleetGroupId].Properties.SecurityGroupIngress).toBeUndefined();
  });

  it('rejects capacities that do not nest and instance types without a known architecture', () => {
    expect(() => synth({}, { minCapacity: 5, maxCapacity: 3 })).toThrow(
      /maxCapacity \(3\) must be at least minCapacity \(5\)/,
    );
    expect(() => synth({}, { desiredCapacity: 20 })).toThrow(
      /desiredCapacity \(20\) must lie between minCapacity \(2\) and maxCapacity \(10\)/,
    );
    expect(() => synth({ instanceType: 'u-6tb1.metal' })).toThrow(
      /cannot tell the CPU architecture of instance type "u-6tb1.metal"/,
    );
  });
});
