import { CreateAutoScalingGroupCommand } from '@aws-sdk/client-auto-scaling';
import {
  CreateLaunchTemplateCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeVpcsCommand,
} from '@aws-sdk/client-ec2';
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  ModifyTargetGroupAttributesCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { ProvisionRequest, ResourceProvisioner } from '../deployment';

type Props = Record<string, unknown>;
const str = (value: unknown) => (value === undefined ? undefined : String(value));
const num = (value: unknown) => (value === undefined ? undefined : Number(value));
const list = (value: unknown) => (Array.isArray(value) ? value.map(String) : []);

/** An ELB name: at most 32 letters, digits and hyphens, as CloudFormation generates them. */
function elbName(request: ProvisionRequest): string {
  return request
    .generatedName(32)
    .replace(/[^A-Za-z0-9-]/g, '')
    .slice(0, 32);
}

const vpc: ResourceProvisioner = async ({ properties, clients }) => {
  const created = await clients.ec2.send(new CreateVpcCommand({ CidrBlock: str(properties.CidrBlock) }));
  const id = created.Vpc!.VpcId!;
  const described = await clients.ec2.send(new DescribeVpcsCommand({ VpcIds: [id] }));
  return {
    physicalId: id,
    attributes: { VpcId: id, CidrBlock: described.Vpcs?.[0]?.CidrBlock, DefaultSecurityGroup: 'sg-default' },
  };
};

const subnet: ResourceProvisioner = async ({ properties, clients }) => {
  const created = await clients.ec2.send(
    new CreateSubnetCommand({
      VpcId: str(properties.VpcId),
      CidrBlock: str(properties.CidrBlock),
      AvailabilityZone: str(properties.AvailabilityZone),
    }),
  );
  const id = created.Subnet!.SubnetId!;
  return {
    physicalId: id,
    attributes: { SubnetId: id, AvailabilityZone: created.Subnet?.AvailabilityZone, VpcId: properties.VpcId },
  };
};

const securityGroup: ResourceProvisioner = async (request) => {
  const { properties, clients } = request;
  const created = await clients.ec2.send(
    new CreateSecurityGroupCommand({
      GroupName: str(properties.GroupName) ?? request.generatedName(255),
      Description: str(properties.GroupDescription) ?? 'emulated',
      VpcId: str(properties.VpcId),
    }),
  );
  return { physicalId: created.GroupId!, attributes: { GroupId: created.GroupId, VpcId: properties.VpcId } };
};

const launchTemplate: ResourceProvisioner = async (request) => {
  const { properties, clients } = request;
  const data = (properties.LaunchTemplateData ?? {}) as Props;
  const created = await clients.ec2.send(
    new CreateLaunchTemplateCommand({
      LaunchTemplateName: str(properties.LaunchTemplateName) ?? request.generatedName(125),
      // The emulator keeps what the group launches from; profiles, volumes and user data stay out.
      LaunchTemplateData: { ImageId: str(data.ImageId), InstanceType: str(data.InstanceType) as never },
    }),
  );
  const template = created.LaunchTemplate!;
  const version = String(template.LatestVersionNumber ?? 1);
  return {
    physicalId: template.LaunchTemplateId!,
    attributes: {
      LaunchTemplateId: template.LaunchTemplateId,
      LatestVersionNumber: version,
      DefaultVersionNumber: version,
    },
  };
};

const autoScalingGroup: ResourceProvisioner = async (request) => {
  const { properties, clients } = request;
  const name = str(properties.AutoScalingGroupName) ?? request.generatedName(255);
  const template = properties.LaunchTemplate as Props | undefined;
  await clients.autoScaling.send(
    new CreateAutoScalingGroupCommand({
      AutoScalingGroupName: name,
      MinSize: num(properties.MinSize),
      MaxSize: num(properties.MaxSize),
      DesiredCapacity: num(properties.DesiredCapacity ?? properties.MinSize),
      DefaultCooldown: num(properties.Cooldown),
      HealthCheckType: str(properties.HealthCheckType),
      HealthCheckGracePeriod: num(properties.HealthCheckGracePeriod),
      DefaultInstanceWarmup: num(properties.DefaultInstanceWarmup),
      VPCZoneIdentifier: list(properties.VPCZoneIdentifier).join(','),
      TargetGroupARNs: list(properties.TargetGroupARNs),
      ...(template
        ? {
            LaunchTemplate: {
              LaunchTemplateId: str(template.LaunchTemplateId),
              Version: str(template.Version),
            },
          }
        : {}),
    }),
  );
  // moto has no PutNotificationConfiguration: launch and terminate notifications are the driver's,
  // from the resolved NotificationConfigurations.
  return { physicalId: name };
};

const targetGroup: ResourceProvisioner = async (request) => {
  const { properties, clients } = request;
  const matcher = properties.Matcher as Props | undefined;
  const created = await clients.elb.send(
    new CreateTargetGroupCommand({
      Name: str(properties.Name) ?? elbName(request),
      Protocol: str(properties.Protocol) as never,
      Port: num(properties.Port),
      VpcId: str(properties.VpcId),
      TargetType: str(properties.TargetType) as never,
      HealthCheckEnabled: properties.HealthCheckEnabled as boolean | undefined,
      HealthCheckPath: str(properties.HealthCheckPath),
      HealthCheckProtocol: str(properties.HealthCheckProtocol) as never,
      HealthCheckIntervalSeconds: num(properties.HealthCheckIntervalSeconds),
      HealthCheckTimeoutSeconds: num(properties.HealthCheckTimeoutSeconds),
      HealthyThresholdCount: num(properties.HealthyThresholdCount),
      UnhealthyThresholdCount: num(properties.UnhealthyThresholdCount),
      ...(matcher?.HttpCode ? { Matcher: { HttpCode: str(matcher.HttpCode) } } : {}),
    }),
  );
  const group = created.TargetGroups![0]!;
  const attributes = (properties.TargetGroupAttributes ?? []) as { Key: string; Value: string }[];
  if (attributes.length > 0) {
    await clients.elb.send(
      new ModifyTargetGroupAttributesCommand({
        TargetGroupArn: group.TargetGroupArn,
        Attributes: attributes.map(({ Key, Value }) => ({ Key: String(Key), Value: String(Value) })),
      }),
    );
  }
  const arn = group.TargetGroupArn!;
  return {
    physicalId: arn,
    attributes: {
      TargetGroupArn: arn,
      TargetGroupName: group.TargetGroupName,
      TargetGroupFullName: arn.slice(arn.indexOf('targetgroup/')),
      LoadBalancerArns: [],
    },
  };
};

const loadBalancer: ResourceProvisioner = async (request) => {
  const { properties, clients } = request;
  const created = await clients.elb.send(
    new CreateLoadBalancerCommand({
      Name: str(properties.Name) ?? elbName(request),
      Subnets: list(properties.Subnets),
      SecurityGroups: list(properties.SecurityGroups),
      Scheme: str(properties.Scheme) as never,
      Type: str(properties.Type) as never,
    }),
  );
  const balancer = created.LoadBalancers![0]!;
  const arn = balancer.LoadBalancerArn!;
  return {
    physicalId: arn,
    attributes: {
      LoadBalancerArn: arn,
      DNSName: balancer.DNSName,
      CanonicalHostedZoneID: balancer.CanonicalHostedZoneId ?? 'Z35SXDOTRQ7X7K',
      LoadBalancerName: balancer.LoadBalancerName,
      LoadBalancerFullName: arn.slice(arn.indexOf('loadbalancer/') + 'loadbalancer/'.length),
      SecurityGroups: list(properties.SecurityGroups),
    },
  };
};

const listener: ResourceProvisioner = async ({ properties, clients }) => {
  const actions = ((properties.DefaultActions ?? []) as Props[]).map((action) => {
    const forward = action.ForwardConfig as { TargetGroups?: Props[] } | undefined;
    return {
      Type: str(action.Type) as never,
      ...(action.TargetGroupArn ? { TargetGroupArn: str(action.TargetGroupArn) } : {}),
      ...(forward
        ? {
            ForwardConfig: {
              TargetGroups: (forward.TargetGroups ?? []).map((group) => ({
                TargetGroupArn: str(group.TargetGroupArn),
                Weight: num(group.Weight),
              })),
            },
          }
        : {}),
      ...(action.RedirectConfig ? { RedirectConfig: action.RedirectConfig as never } : {}),
      ...(action.FixedResponseConfig ? { FixedResponseConfig: action.FixedResponseConfig as never } : {}),
    };
  });
  const created = await clients.elb.send(
    new CreateListenerCommand({
      LoadBalancerArn: str(properties.LoadBalancerArn),
      Port: num(properties.Port),
      Protocol: str(properties.Protocol) as never,
      SslPolicy: str(properties.SslPolicy),
      Certificates: ((properties.Certificates ?? []) as Props[]).map((c) => ({
        CertificateArn: str(c.CertificateArn),
      })),
      DefaultActions: actions,
    }),
  );
  const arn = created.Listeners![0]!.ListenerArn!;
  return { physicalId: arn, attributes: { ListenerArn: arn } };
};

/** VPC, subnets, security groups, the launch template, the Auto Scaling group and the load balancer. */
export const networkAndComputeProvisioners: Readonly<Record<string, ResourceProvisioner>> = {
  'AWS::EC2::VPC': vpc,
  'AWS::EC2::Subnet': subnet,
  'AWS::EC2::SecurityGroup': securityGroup,
  'AWS::EC2::LaunchTemplate': launchTemplate,
  'AWS::AutoScaling::AutoScalingGroup': autoScalingGroup,
  'AWS::ElasticLoadBalancingV2::TargetGroup': targetGroup,
  'AWS::ElasticLoadBalancingV2::LoadBalancer': loadBalancer,
  'AWS::ElasticLoadBalancingV2::Listener': listener,
};
