import { Duration, Validations } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { FleetSettings } from '../functions/shared/config';

/**
 * What the CloudWatch agent on every instance publishes. The scaling function and the memory
 * alarm read these names; the aggregated series carries only the group-name dimension.
 */
export const FLEET_AGENT_METRICS = {
  namespace: 'CWAgent',
  dimension: 'AutoScalingGroupName',
  memoryUsedPercent: 'mem_used_percent',
  diskUsedPercent: 'disk_used_percent',
} as const;

const AGENT_CONFIG_PATH = '/opt/aws/amazon-cloudwatch-agent/etc/amazon-cloudwatch-agent.json';

export interface PlatformFleetProps {
  readonly vpc: ec2.IVpc;
  readonly settings: FleetSettings;
  /** The fleet's (first) target group; instances register with it as they launch. */
  readonly targetGroup: elbv2.IApplicationTargetGroup;
  /** The ALB's group: the only source allowed to reach the app port. */
  readonly loadBalancerSecurityGroup: ec2.ISecurityGroup;
  /** Receives launch, terminate and failure notifications for the group. */
  readonly notificationTopic: sns.ITopic;
}

/**
 * The MisyBot service fleet: an Auto Scaling group of Amazon Linux 2023 instances in private
 * subnets behind the ALB, replaced on failed ELB health checks, reporting memory and disk use
 * for memory-based scaling.
 */
export class PlatformFleet extends Construct {
  readonly autoScalingGroup: autoscaling.AutoScalingGroup;
  readonly securityGroup: ec2.SecurityGroup;
  readonly launchTemplate: ec2.LaunchTemplate;
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: PlatformFleetProps) {
    super(scope, id);
    const { settings, vpc } = props;
    validate(settings);
    const instanceType = new ec2.InstanceType(settings.instanceType);

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc,
      description: 'MisyBot fleet: app port from the ALB only',
      // Instances reach SSM, CloudWatch, package repositories, Aurora and Redis.
      allowAllOutbound: true,
    });
    this.securityGroup.addIngressRule(
      props.loadBalancerSecurityGroup,
      ec2.Port.tcp(settings.appPort),
      'App port from the load balancer',
    );

    this.role = new iam.Role(this, 'InstanceRole', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      description: 'MisyBot fleet instances: SSM access and CloudWatch agent',
      managedPolicies: [
        iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonSSMManagedInstanceCore'),
        iam.ManagedPolicy.fromAwsManagedPolicyName('CloudWatchAgentServerPolicy'),
      ],
    });
    for (const policy of ['AmazonSSMManagedInstanceCore', 'CloudWatchAgentServerPolicy']) {
      Validations.of(this.role).acknowledge({
        id: `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/${policy}]`,
        reason: `${policy} is the AWS-maintained minimum for Session Manager access and the CloudWatch agent; AWS updates it as the agents change.`,
      });
    }

    const userData = ec2.UserData.forLinux();
    userData.addCommands(
      'set -euo pipefail',
      'dnf install -y amazon-cloudwatch-agent',
      // Quoted heredoc: the agent, not the shell, expands ${aws:...}.
      `cat > ${AGENT_CONFIG_PATH} <<'AGENT_CONFIG'`,
      JSON.stringify(agentConfig(), null, 2),
      'AGENT_CONFIG',
      `/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s -c file:${AGENT_CONFIG_PATH}`,
    );

    this.launchTemplate = new ec2.LaunchTemplate(this, 'LaunchTemplate', {
      instanceType,
      machineImage: ec2.MachineImage.latestAmazonLinux2023({ cpuType: cpuTypeOf(instanceType) }),
      role: this.role,
      securityGroup: this.securityGroup,
      userData,
      requireImdsv2: true,
      httpPutResponseHopLimit: 1,
      detailedMonitoring: true,
      associatePublicIpAddress: false,
      blockDevices: [
        {
          deviceName: '/dev/xvda',
          volume: ec2.BlockDeviceVolume.ebs(settings.rootVolumeGiB, {
            volumeType: ec2.EbsDeviceVolumeType.GP3,
            encrypted: true,
            deleteOnTermination: true,
          }),
        },
      ],
    });

    this.autoScalingGroup = new autoscaling.AutoScalingGroup(this, 'Group', {
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      launchTemplate: this.launchTemplate,
      minCapacity: settings.minCapacity,
      maxCapacity: settings.maxCapacity,
      // Left out, CloudFormation never resets the capacity the scaling function has set.
      ...(settings.desiredCapacity !== undefined ? { desiredCapacity: settings.desiredCapacity } : {}),
      healthChecks: autoscaling.HealthChecks.withAdditionalChecks({
        additionalTypes: [autoscaling.AdditionalHealthCheckType.ELB],
        gracePeriod: Duration.seconds(settings.healthCheckGraceSeconds),
      }),
      defaultInstanceWarmup: Duration.seconds(settings.warmupSeconds),
      cooldown: Duration.seconds(settings.warmupSeconds),
      groupMetrics: [autoscaling.GroupMetrics.all()],
      notifications: [{ topic: props.notificationTopic, scalingEvents: autoscaling.ScalingEvents.ALL }],
    });
    this.autoScalingGroup.attachToApplicationTargetGroup(props.targetGroup);
  }
}

/** Graviton families (t4g, m7g, c7g, r8g, a1...) need the arm64 image. */
function cpuTypeOf(instanceType: ec2.InstanceType): ec2.AmazonLinuxCpuType {
  let architecture: ec2.InstanceArchitecture;
  try {
    architecture = instanceType.architecture;
  } catch {
    throw new Error(
      `PlatformFleet cannot tell the CPU architecture of instance type "${instanceType}"; use a type such as "t4g.small" or "m7i.large".`,
    );
  }
  return architecture === ec2.InstanceArchitecture.ARM_64
    ? ec2.AmazonLinuxCpuType.ARM_64
    : ec2.AmazonLinuxCpuType.X86_64;
}

/** `${aws:Name}`: a variable the CloudWatch agent fills from instance metadata at start. */
function agentVariable(name: string): string {
  return `\${aws:${name}}`;
}

function agentConfig() {
  return {
    agent: { metrics_collection_interval: 60, run_as_user: 'cwagent' },
    metrics: {
      namespace: FLEET_AGENT_METRICS.namespace,
      append_dimensions: {
        [FLEET_AGENT_METRICS.dimension]: agentVariable('AutoScalingGroupName'),
        InstanceId: agentVariable('InstanceId'),
      },
      // The group-wide series that scaling reads: one dimension, averaged over the instances.
      aggregation_dimensions: [[FLEET_AGENT_METRICS.dimension]],
      metrics_collected: {
        mem: { measurement: [FLEET_AGENT_METRICS.memoryUsedPercent] },
        disk: {
          measurement: [FLEET_AGENT_METRICS.diskUsedPercent],
          resources: ['/'],
          drop_device: true,
        },
      },
    },
  };
}

function validate(settings: FleetSettings): void {
  if (settings.maxCapacity < settings.minCapacity) {
    throw new Error(
      `PlatformFleet maxCapacity (${settings.maxCapacity}) must be at least minCapacity (${settings.minCapacity}).`,
    );
  }
  const desired = settings.desiredCapacity;
  if (desired !== undefined && (desired < settings.minCapacity || desired > settings.maxCapacity)) {
    throw new Error(
      `PlatformFleet desiredCapacity (${desired}) must lie between minCapacity (${settings.minCapacity}) and maxCapacity (${settings.maxCapacity}).`,
    );
  }
}
