import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as sns from 'aws-cdk-lib/aws-sns';
import {
  type FleetImage,
  type FleetSettings,
  type PlatformConfigInput,
  parsePlatformConfig,
} from '../../functions/shared/config';
import { FLEET_AGENT_METRICS, PlatformFleet } from '../../lib/fleet';
import { testApp, testStack } from '../support/cdk';

function synth(
  fleet: PlatformConfigInput['fleet'] = {},
  override: Partial<FleetSettings> = {},
  image?: FleetImage,
) {
  const parsed = parsePlatformConfig({ fleet }).fleet;
  const settings = { ...parsed, ...override, app: { ...parsed.app, ...(image ? { image } : {}) } };
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

function userData(template: Template): string {
  const script = launchTemplateData(template).UserData['Fn::Base64'];
  return typeof script === 'string' ? script : JSON.stringify(script);
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
  ])(
    'boots %s from the current Amazon Linux 2023 image for %s when no image is pinned',
    (instanceType, architecture) => {
      const { template } = synth({ instanceType });

      expect(launchTemplateData(template).ImageId).toBe(
        `{{resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-${architecture}}}`,
      );
    },
  );

  it('boots the pinned image: an AMI id, or a parameter at its version', () => {
    expect(launchTemplateData(synth({}, {}, { amiId: 'ami-0123456789abcdef0' }).template).ImageId).toBe(
      'ami-0123456789abcdef0',
    );
    expect(
      launchTemplateData(synth({}, {}, { ssmParameter: '/golden/ami/misybot', version: 4 }).template).ImageId,
    ).toBe('{{resolve:ssm:/golden/ami/misybot:4}}');
  });

  it('waits for minCapacity instances to signal a healthy start and rolls updates at the configured pace', () => {
    const { template } = synth({
      minCapacity: 3,
      maxCapacity: 6,
      update: { minHealthyPercent: 50, maxBatchSize: 2, signalTimeoutMinutes: 20 },
    });
    const [group] = Object.values(template.findResources('AWS::AutoScaling::AutoScalingGroup'));
    expect(group!.CreationPolicy).toEqual({
      ResourceSignal: { Count: 3, Timeout: 'PT20M' },
      AutoScalingCreationPolicy: { MinSuccessfulInstancesPercent: 50 },
    });
    expect(group!.UpdatePolicy.AutoScalingRollingUpdate).toEqual({
      MaxBatchSize: 2,
      MinInstancesInService: 2,
      MinSuccessfulInstancesPercent: 50,
      PauseTime: 'PT20M',
      WaitOnResourceSignals: true,
      SuspendProcesses: [
        'HealthCheck',
        'ReplaceUnhealthy',
        'AZRebalance',
        'AlarmNotification',
        'ScheduledActions',
      ],
    });
  });

  it('installs the artifact, runs it under a hardened systemd unit and signals once it answers the health path', () => {
    const { template } = synth({ appPort: 9000, app: { environment: { GREETING: 'hi' } } });
    const script = userData(template);
    expect(script).toContain('dnf install -y amazon-cloudwatch-agent aws-cfn-bootstrap unzip nodejs22');
    expect(script).toMatch(/aws s3 cp --region .+ s3:\/\/.+ \/tmp\/misybot-app\.zip/);
    expect(script).toContain('ExecStart=/usr/bin/node-22 server.js');
    expect(script).toContain('User=misybot');
    expect(script).toContain('NoNewPrivileges=yes');
    expect(script).toContain('GREETING=hi');
    expect(script).toContain('PORT=9000');
    expect(script).toContain('http://127.0.0.1:9000/health');
    expect(script).toContain('/opt/aws/bin/cfn-signal');
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

  it('gives instances Session Manager, agent and artifact permissions without an AWS-managed policy', () => {
    const { template, stack, fleet } = synth();

    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({ Principal: { Service: 'ec2.amazonaws.com' } })],
      },
      ManagedPolicyArns: Match.absent(),
    });
    const [policy] = Object.values(template.findResources('AWS::IAM::Policy'));
    const statements = policy!.Properties.PolicyDocument.Statement as {
      Action: string | string[];
      Resource: unknown;
      Condition?: unknown;
    }[];
    const actions = statements.flatMap((st) => ([] as string[]).concat(st.Action));
    expect(actions).toEqual(
      expect.arrayContaining(['ssm:UpdateInstanceInformation', 'ssmmessages:OpenDataChannel']),
    );
    expect(actions).not.toContain('ssm:GetParameter');
    expect(statements.find((st) => st.Action === 'cloudwatch:PutMetricData')!.Condition).toEqual({
      StringEquals: { 'cloudwatch:namespace': 'CWAgent' },
    });
    expect(statements.find((st) => st.Action === 's3:GetObject')!.Resource).toBeDefined();
    expect(statements.find((st) => st.Action === 'cloudformation:SignalResource')!.Resource).toEqual({
      Ref: 'AWS::StackId',
    });
    expect(JSON.stringify(statements)).toContain(JSON.stringify(stack.resolve(fleet.logGroup.logGroupArn)));
  });

  it('starts the CloudWatch agent publishing memory and disk use per group in CWAgent', () => {
    const { template } = synth();

    const script = launchTemplateData(template)
      .UserData['Fn::Base64']['Fn::Join'][1].filter((part: unknown) => typeof part === 'string')
      .join('');
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

  it('rejects capacities that do not nest or leave no room for a rolling update', () => {
    expect(() => synth({}, { minCapacity: 5, maxCapacity: 3 })).toThrow(
      /maxCapacity \(3\) must be at least minCapacity \(5\)/,
    );
    expect(() => synth({}, { desiredCapacity: 20 })).toThrow(
      /desiredCapacity \(20\) must lie between minCapacity \(2\) and maxCapacity \(10\)/,
    );
    expect(() => synth({}, { minCapacity: 2, maxCapacity: 2 })).toThrow(
      'PlatformFleet keeps 2 instances in service during an update, which must be below maxCapacity (2) so replacements can launch; lower update.minHealthyPercent or raise maxCapacity.',
    );
  });
});
