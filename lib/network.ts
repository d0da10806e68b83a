import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { NetworkSettings } from '../functions/shared/config';
import { isLogRetentionDays, LOG_RETENTION_DAYS } from '../functions/shared/config/limits';
import { allowCloudWatchLogs } from './log-encryption';

/**
 * Interface endpoints for what the instances and the control-plane Lambdas in the VPC call: the
 * instances' Session Manager and Run Command channels (SSM, ssmmessages, ec2messages), the
 * CloudWatch agent (metrics, logs), the service's AUTH token (Secrets Manager) and the creation
 * signal (CloudFormation); the functions' SNS, Secrets Manager, CloudWatch, STS, RDS, ElastiCache
 * and X-Ray calls. With endpoints in every zone these calls keep working when a NAT gateway's zone
 * fails; S3 and DynamoDB have gateway endpoints, anything else leaves through NAT.
 */
export const DEFAULT_INTERFACE_ENDPOINTS: readonly ec2.InterfaceVpcEndpointAwsService[] = [
  ec2.InterfaceVpcEndpointAwsService.SSM,
  ec2.InterfaceVpcEndpointAwsService.SSM_MESSAGES,
  ec2.InterfaceVpcEndpointAwsService.EC2_MESSAGES,
  ec2.InterfaceVpcEndpointAwsService.CLOUDFORMATION,
  ec2.InterfaceVpcEndpointAwsService.XRAY,
  ec2.InterfaceVpcEndpointAwsService.SNS,
  ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
  ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_MONITORING,
  ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS,
  ec2.InterfaceVpcEndpointAwsService.STS,
  ec2.InterfaceVpcEndpointAwsService.RDS,
  ec2.InterfaceVpcEndpointAwsService.ELASTICACHE,
];

export interface PlatformNetworkProps {
  readonly settings: NetworkSettings;
  /**
   * AWS services reached through interface endpoints in the private-with-egress subnets, when
   * `settings.interfaceEndpoints` is on. Each endpoint costs per AZ-hour, so trim the list when NAT
   * egress is acceptable for a service.
   * @default DEFAULT_INTERFACE_ENDPOINTS
   */
  readonly interfaceEndpoints?: readonly ec2.InterfaceVpcEndpointAwsService[];
}

/**
 * The platform VPC: public subnets for the ALB and NAT, private subnets with egress for the fleet
 * and the Lambdas, isolated subnets for Aurora and ElastiCache. `settings.natGateways` NAT
 * gateways (one per zone leaves no zone's egress depending on another zone). All traffic is
 * recorded in flow logs encrypted with a customer-managed key.
 */
export class PlatformNetwork extends Construct {
  readonly vpc: ec2.Vpc;
  readonly flowLogGroup: logs.LogGroup;
  readonly flowLogKey: kms.Key;
  /** Guards every interface endpoint: HTTPS from inside the VPC only. */
  readonly endpointSecurityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: PlatformNetworkProps) {
    super(scope, id);
    const { settings } = props;
    const endpoints = settings.interfaceEndpoints
      ? (props.interfaceEndpoints ?? DEFAULT_INTERFACE_ENDPOINTS)
      : [];
    if (new Set(endpoints.map((e) => e.name)).size !== endpoints.length) {
      throw new Error('PlatformNetwork interfaceEndpoints must not list the same service twice.');
    }
    if (!isLogRetentionDays(settings.flowLogRetentionDays)) {
      throw new Error(
        `PlatformNetwork flowLogRetentionDays must be one of the CloudWatch Logs retention periods (${LOG_RETENTION_DAYS.join(', ')}), got ${settings.flowLogRetentionDays}.`,
      );
    }

    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(settings.cidr),
      // Named zones keep synth lookup-free; without them the stack's two deploy-time AZs are used.
      ...(settings.availabilityZones
        ? { availabilityZones: [...settings.availabilityZones] }
        : { maxAzs: 2 }),
      natGateways: settings.natGateways,
      subnetConfiguration: [
        { name: 'Public', subnetType: ec2.SubnetType.PUBLIC, mapPublicIpOnLaunch: false },
        { name: 'Private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
        { name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      ],
      restrictDefaultSecurityGroup: true,
    });

    const zones = this.vpc.availabilityZones.length;
    if (settings.natGateways > zones) {
      throw new Error(
        `PlatformNetwork natGateways (${settings.natGateways}) must not exceed the number of zones (${zones}): a zone holds at most one.`,
      );
    }

    this.flowLogKey = new kms.Key(this, 'FlowLogKey', {
      description: 'Encrypts the platform VPC flow logs',
      enableKeyRotation: true,
    });
    allowCloudWatchLogs(this.flowLogKey);

    this.flowLogGroup = new logs.LogGroup(this, 'FlowLogs', {
      encryptionKey: this.flowLogKey,
      retention: settings.flowLogRetentionDays as logs.RetentionDays,
    });
    this.vpc.addFlowLog('FlowLog', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(this.flowLogGroup),
      trafficType: ec2.FlowLogTrafficType.ALL,
    });

    const dataSubnets = [
      { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    ];
    this.vpc.addGatewayEndpoint('S3Endpoint', {
      service: ec2.GatewayVpcEndpointAwsService.S3,
      subnets: dataSubnets,
    });
    this.vpc.addGatewayEndpoint('DynamoDbEndpoint', {
      service: ec2.GatewayVpcEndpointAwsService.DYNAMODB,
      subnets: dataSubnets,
    });

    this.endpointSecurityGroup = new ec2.SecurityGroup(this, 'EndpointSecurityGroup', {
      vpc: this.vpc,
      description: 'HTTPS from the VPC to the AWS service interface endpoints',
      allowAllOutbound: false,
    });
    // The configured CIDR rather than the VPC's attribute: same value, but readable at synth.
    this.endpointSecurityGroup.addIngressRule(
      ec2.Peer.ipv4(settings.cidr),
      ec2.Port.tcp(443),
      'HTTPS from inside the VPC',
    );
    for (const service of endpoints) {
      this.vpc.addInterfaceEndpoint(endpointId(service), {
        service,
        subnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
        securityGroups: [this.endpointSecurityGroup],
        open: false,
        privateDnsEnabled: true,
      });
    }
  }
}

/** `com.amazonaws.eu-west-1.secretsmanager` → `SecretsmanagerEndpoint`: stable across regions. */
function endpointId(service: ec2.InterfaceVpcEndpointAwsService): string {
  const short = service.shortName.replace(/[^A-Za-z0-9]/g, '');
  return `${short.charAt(0).toUpperCase()}${short.slice(1)}Endpoint`;
}
