import { Aws, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { FleetImage, FleetSettings } from '../functions/shared/config';
import { instanceArchitecture } from '../functions/shared/config/limits';
import { minInstancesInService } from '../functions/shared/config/platform-config';
import { AppArtifact } from './app-artifact';
import { appBootCommands, FLEET_AGENT_METRICS, INSTANCE_CHANNEL_ACTIONS } from './fleet-user-data';

export { FLEET_AGENT_METRICS } from './fleet-user-data';

export interface PlatformFleetProps {
  readonly vpc: ec2.IVpc;
  readonly settings: FleetSettings;
  /** The fleet's (first) target group; instances register with it as they launch. */
  readonly targetGroup: elbv2.IApplicationTargetGroup;
  /** The ALB's group: the only source allowed to reach the app port. */
  readonly loadBalancerSecurityGroup: ec2.ISecurityGroup;
  /** Receives launch, terminate and failure notifications for the group. */
  readonly notificationTopic: sns.ITopic;
  /** The platform's variables for the service (REDIS_*, DB_*); values may be tokens. @default none */
  readonly appEnvironment?: Readonly<Record<string, string>>;
  /** Days the service's log is kept. @default 30 */
  readonly logRetentionDays?: number;
}

/**
 * The MisyBot service fleet: an Auto Scaling group of instances in private subnets behind the
 * ALB, running the configured service (the demo chat service by default) from its artifact,
 * replaced on failed ELB health checks, reporting memory and disk use for memory-based scaling.
 *
 * Deploys: each instance signals CloudFormation once its service answers the health path, so a
 * stack creation waits for `minCapacity` healthy instances, and a change to the launch template
 * (image, artifact, settings) rolls through the group `maxBatchSize` at a time, keeping
 * `minHealthyPercent` of `minCapacity` in service, and rolls back when replacements do not signal.
 *
 * The instance role has no AWS-managed policy: Session Manager and Run Command, the agent's
 * metrics and the service's log group, the artifact object and the creation signal.
 */
export class PlatformFleet extends Construct {
  readonly autoScalingGroup: autoscaling.AutoScalingGroup;
  readonly securityGroup: ec2.SecurityGroup;
  readonly launchTemplate: ec2.LaunchTemplate;
  readonly role: iam.Role;
  readonly artifact: AppArtifact;
  readonly logGroup: logs.LogGroup;

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
      description: 'MisyBot fleet instances: Session Manager, CloudWatch agent, the service artifact',
    });
    this.logGroup = new logs.LogGroup(this, 'AppLog', {
      retention: (props.logRetentionDays ?? 30) as logs.RetentionDays,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.artifact = new AppArtifact(this, 'Artifact', { artifact: settings.app.artifact });
    grantInstanceAccess(this.role, this.logGroup, this.artifact);

    const userData = ec2.UserData.forLinux();
    userData.addCommands(
      'set -euo pipefail',
      ...appBootCommands({
        settings,
        artifactUrl: this.artifact.s3Url,
        region: Aws.REGION,
        environment: props.appEnvironment ?? {},
        logGroupName: this.logGroup.logGroupName,
      }),
    );

    this.launchTemplate = new ec2.LaunchTemplate(this, 'LaunchTemplate', {
      instanceType,
      machineImage: fleetImage(settings.app.image, instanceArchitecture(settings.instanceType)),
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

    const { update } = settings;
    const signalTimeout = Duration.minutes(update.signalTimeoutMinutes);
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
      signals: autoscaling.Signals.waitForMinCapacity({
        timeout: signalTimeout,
        minSuccessPercentage: update.minHealthyPercent,
      }),
      updatePolicy: autoscaling.UpdatePolicy.rollingUpdate({
        maxBatchSize: update.maxBatchSize,
        minInstancesInService: minInstancesInService(settings.minCapacity, update.minHealthyPercent),
        minSuccessPercentage: update.minHealthyPercent,
        pauseTime: signalTimeout,
        waitOnResourceSignals: true,
        // Nothing else may replace or rebalance instances while a deploy rolls through the group.
        suspendProcesses: [
          autoscaling.ScalingProcess.HEALTH_CHECK,
          autoscaling.ScalingProcess.REPLACE_UNHEALTHY,
          autoscaling.ScalingProcess.AZ_REBALANCE,
          autoscaling.ScalingProcess.ALARM_NOTIFICATION,
          autoscaling.ScalingProcess.SCHEDULED_ACTIONS,
        ],
      }),
    });
    this.autoScalingGroup.attachToApplicationTargetGroup(props.targetGroup);
    // The script's exit status (0 once healthy) is the instance's signal.
    userData.addSignalOnExitCommand(this.autoScalingGroup);
    this.role.addToPolicy(
      new iam.PolicyStatement({ actions: ['cloudformation:SignalResource'], resources: [Aws.STACK_ID] }),
    );
  }
}

/**
 * An image resolved by CloudFormation: an AMI id as it is, or an SSM parameter (AWS's public
 * Amazon Linux 2023 one by default) read at deploy, pinned when a version is named.
 */
function fleetImage(image: FleetImage | undefined, architecture: 'arm64' | 'x86_64'): ec2.IMachineImage {
  const imageId =
    image && 'amiId' in image
      ? image.amiId
      : `{{resolve:ssm:${image?.ssmParameter ?? `/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-${architecture}`}${image?.version !== undefined ? `:${image.version}` : ''}}}`;
  return {
    getImage: () => ({ imageId, osType: ec2.OperatingSystemType.LINUX, userData: ec2.UserData.forLinux() }),
  };
}

/**
 * What the instances call, in place of AmazonSSMManagedInstanceCore (which also reads every SSM
 * parameter and document of the account) and CloudWatchAgentServerPolicy (which writes to any log
 * group): the Session Manager and Run Command channels, the agent's metrics in its namespace and
 * the service's one log group, and the one artifact object.
 */
function grantInstanceAccess(role: iam.Role, logGroup: logs.LogGroup, artifact: AppArtifact): void {
  role.addToPolicy(
    new iam.PolicyStatement({
      actions: [...INSTANCE_CHANNEL_ACTIONS],
      resources: ['*'],
    }),
  );
  role.addToPolicy(
    new iam.PolicyStatement({
      actions: ['cloudwatch:PutMetricData'],
      resources: ['*'],
      conditions: { StringEquals: { 'cloudwatch:namespace': FLEET_AGENT_METRICS.namespace } },
    }),
  );
  role.addToPolicy(
    new iam.PolicyStatement({ actions: ['ec2:DescribeTags', 'ec2:DescribeVolumes'], resources: ['*'] }),
  );
  logGroup.grantWrite(role);
  role.addToPolicy(
    new iam.PolicyStatement({ actions: ['logs:DescribeLogStreams'], resources: [logGroup.logGroupArn] }),
  );
  artifact.grantRead(role);
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
  const inService = minInstancesInService(settings.minCapacity, settings.update.minHealthyPercent);
  if (inService >= settings.maxCapacity) {
    throw new Error(
      `PlatformFleet keeps ${inService} instances in service during an update, which must be below maxCapacity (${settings.maxCapacity}) so replacements can launch; lower update.minHealthyPercent or raise maxCapacity.`,
    );
  }
}
