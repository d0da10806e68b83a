import { Annotations, Aws, CfnCondition, CfnMapping, Duration, Fn, Validations } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { Construct } from 'constructs';
import type {
  DomainSettings,
  LoadBalancingAlgorithm,
  LoadBalancingSettings,
} from '../../functions/shared/config';
import type { PlatformWebAcl } from './web-acl';

export interface PlatformLoadBalancerProps {
  readonly vpc: ec2.IVpc;
  readonly settings: LoadBalancingSettings;
  /** Port the fleet's service listens on; every target group forwards to it. */
  readonly appPort: number;
  /**
   * Serves HTTPS on `recordName.zoneName` with an HTTP→HTTPS redirect. Left out, the ALB serves
   * plain HTTP on its own DNS name and synth warns.
   * @default - no domain: HTTP only
   */
  readonly domain?: DomainSettings;
  /** @default false */
  readonly deletionProtection?: boolean;
  /** The web ACL to put in front of the ALB. @default none */
  readonly webAcl?: PlatformWebAcl;
  /** Days access-log objects are kept before they expire. @default 90 */
  readonly accessLogRetentionDays?: number;
  /**
   * TLS 1.2 and 1.3 only; the post-quantum variant adds hybrid ML-KEM key exchange without
   * dropping any TLS 1.2 client the classic policy accepts.
   * @default elbv2.SslPolicy.TLS13_12_PQ
   */
  readonly sslPolicy?: elbv2.SslPolicy;
}

const ALGORITHMS: Record<LoadBalancingAlgorithm, elbv2.TargetGroupLoadBalancingAlgorithmType> = {
  round_robin: elbv2.TargetGroupLoadBalancingAlgorithmType.ROUND_ROBIN,
  least_outstanding_requests: elbv2.TargetGroupLoadBalancingAlgorithmType.LEAST_OUTSTANDING_REQUESTS,
  weighted_random: elbv2.TargetGroupLoadBalancingAlgorithmType.WEIGHTED_RANDOM,
};

/**
 * The platform's internet-facing ALB: weighted target groups (the first is the fleet's, the
 * others take canary targets), health checks and the routing algorithm from config, and access
 * logs in S3.
 */
export class PlatformLoadBalancer extends Construct {
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  /** The listener that serves traffic: HTTPS on 443 with a domain, HTTP on 80 without. */
  readonly listener: elbv2.ApplicationListener;
  /** In the order of `settings.targetGroups`. */
  readonly targetGroups: readonly elbv2.ApplicationTargetGroup[];
  readonly primaryTargetGroup: elbv2.ApplicationTargetGroup;
  readonly securityGroup: ec2.SecurityGroup;
  readonly accessLogBucket: s3.Bucket;
  /** Receives the S3 server access logs of {@link accessLogBucket}: every read and delete of the ALB's logs. */
  readonly serverAccessLogBucket: s3.Bucket;
  /** Where clients reach the platform: `https://api.example.com` or `http://<alb dns name>`. */
  readonly endpointUrl: string;
  /** The HTTPS listener's ACM certificate, with a domain. */
  readonly certificateArn?: string;

  constructor(scope: Construct, id: string, props: PlatformLoadBalancerProps) {
    super(scope, id);
    const { settings, vpc, domain } = props;
    validate(props);

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc,
      description: 'Internet-facing ALB: HTTP/HTTPS in, the app port out to the VPC',
      allowAllOutbound: false,
    });
    // Canary targets are registered by deployments outside this app, so egress is scoped to the
    // VPC rather than to the fleet's security group alone.
    this.securityGroup.addEgressRule(
      ec2.Peer.ipv4(vpc.vpcCidrBlock),
      ec2.Port.tcp(props.appPort),
      'Targets in the VPC on the app port',
    );

    Validations.of(this.securityGroup).acknowledge({
      id: 'AwsSolutions-EC23',
      reason: `The platform entry point is an internet-facing ALB: it must accept 80/443 from anywhere. ${
        props.webAcl
          ? 'The web ACL (per-IP rate limit, AWS IP reputation, common and known-bad-input rules) filters what follows.'
          : 'No web ACL filters it (waf.enabled is false, the dev default); only valid HTTP reaches the targets (invalid header fields are dropped).'
      }`,
    });

    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'LoadBalancer', {
      vpc,
      internetFacing: true,
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
      securityGroup: this.securityGroup,
      dropInvalidHeaderFields: true,
      deletionProtection: props.deletionProtection ?? false,
      idleTimeout: Duration.seconds(settings.idleTimeoutSeconds),
    });

    props.webAcl?.associate('LoadBalancerWebAcl', this.loadBalancer.loadBalancerArn);

    // ALB log delivery cannot write to KMS-encrypted buckets, hence SSE-S3; S3 server access
    // logging cannot deliver to them either.
    const privateLogBucket = (name: string, serverAccessLogsBucket?: s3.IBucket) =>
      new s3.Bucket(this, name, {
        encryption: s3.BucketEncryption.S3_MANAGED,
        blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
        objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        enforceSSL: true,
        lifecycleRules: [{ expiration: Duration.days(props.accessLogRetentionDays ?? 90) }],
        ...(serverAccessLogsBucket ? { serverAccessLogsBucket, serverAccessLogsPrefix: 'alb-logs/' } : {}),
      });
    // The ALB's logs carry client addresses and request paths, so who read or deleted them is
    // audit evidence of its own. This bucket only receives S3's log delivery: logging it in turn
    // would record nothing but that delivery.
    this.serverAccessLogBucket = privateLogBucket('ServerAccessLogs');
    this.accessLogBucket = privateLogBucket('AccessLogs', this.serverAccessLogBucket);
    this.enableAccessLogs('alb');

    const health = settings.healthCheck;
    this.targetGroups = settings.targetGroups.map(
      (group) =>
        new elbv2.ApplicationTargetGroup(this, `TargetGroup-${group.name}`, {
          vpc,
          port: props.appPort,
          protocol: elbv2.ApplicationProtocol.HTTP,
          targetType: elbv2.TargetType.INSTANCE,
          loadBalancingAlgorithmType: ALGORITHMS[settings.algorithm],
          ...(settings.algorithm === 'weighted_random'
            ? { enableAnomalyMitigation: settings.anomalyMitigation }
            : {}),
          deregistrationDelay: Duration.seconds(settings.deregistrationDelaySeconds),
          ...(settings.slowStartSeconds > 0
            ? { slowStart: Duration.seconds(settings.slowStartSeconds) }
            : {}),
          healthCheck: {
            enabled: true,
            protocol: elbv2.Protocol.HTTP,
            path: health.path,
            interval: Duration.seconds(health.intervalSeconds),
            timeout: Duration.seconds(health.timeoutSeconds),
            healthyThresholdCount: health.healthyThreshold,
            unhealthyThresholdCount: health.unhealthyThreshold,
            healthyHttpCodes: health.matcher,
          },
        }),
    );
    this.primaryTargetGroup = this.targetGroups[0]!;
    const forward = elbv2.ListenerAction.weightedForward(
      this.targetGroups.map((targetGroup, index) => ({
        targetGroup,
        weight: settings.targetGroups[index]!.weight,
      })),
    );

    if (domain) {
      const fqdn = `${domain.recordName}.${domain.zoneName}`;
      const certificate: acm.ICertificate = domain.certificateArn
        ? acm.Certificate.fromCertificateArn(this, 'Certificate', domain.certificateArn)
        : new acm.Certificate(this, 'Certificate', {
            domainName: fqdn,
            validation: acm.CertificateValidation.fromDns(
              route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', {
                hostedZoneId: domain.hostedZoneId,
                zoneName: domain.zoneName,
              }),
            ),
          });
      this.certificateArn = certificate.certificateArn;
      this.listener = this.loadBalancer.addListener('Https', {
        protocol: elbv2.ApplicationProtocol.HTTPS,
        port: 443,
        certificates: [elbv2.ListenerCertificate.fromCertificateManager(certificate)],
        sslPolicy: props.sslPolicy ?? elbv2.SslPolicy.TLS13_12_PQ,
        defaultAction: forward,
        open: true,
      });
      this.loadBalancer.addRedirect({
        sourceProtocol: elbv2.ApplicationProtocol.HTTP,
        sourcePort: 80,
        targetProtocol: elbv2.ApplicationProtocol.HTTPS,
        targetPort: 443,
      });
      this.endpointUrl = `https://${fqdn}`;
    } else {
      this.listener = this.loadBalancer.addListener('Http', {
        protocol: elbv2.ApplicationProtocol.HTTP,
        port: 80,
        defaultAction: forward,
        open: true,
      });
      Annotations.of(this).addWarningV2(
        'misybot-ha:load-balancer:no-domain',
        'No domain is configured, so the load balancer serves plain HTTP on its own DNS name and DNS failover is off. Set "domain" in the configuration to serve HTTPS.',
      );
      this.endpointUrl = `http://${this.loadBalancer.loadBalancerDnsName}`;
    }
  }

  /**
   * `logAccessLogs` needs a concrete region to pick the log writer, and this stack is
   * environment-agnostic. Regions opened before August 2022 deliver as a regional ELB account,
   * later ones as the log-delivery service principal; the mapping covers every region this CDK
   * version knows, the condition picks the account where there is one (the account's own root
   * otherwise, which grants nothing IAM does not already allow).
   */
  private enableAccessLogs(prefix: string): void {
    const bucket = this.accessLogBucket;
    const mapping = new CfnMapping(this, 'ElbLogDeliveryAccounts', {
      mapping: Object.fromEntries(
        RegionInfo.regions.map((region) => [region.name, { account: region.elbv2Account ?? '' }]),
      ),
    });
    const elbAccount = mapping.findInMap(Aws.REGION, 'account');
    const hasElbAccount = new CfnCondition(this, 'RegionHasElbLogAccount', {
      expression: Fn.conditionNot(Fn.conditionEquals(elbAccount, '')),
    });
    const writer = Fn.conditionIf(
      hasElbAccount.logicalId,
      `arn:${Aws.PARTITION}:iam::${elbAccount}:root`,
      `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:root`,
    ).toString();
    bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AlbLogDeliveryLegacyRegions',
        principals: [new iam.ArnPrincipal(writer)],
        actions: ['s3:PutObject'],
        resources: [logObjects(bucket, prefix)],
      }),
    );
    bucket.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AlbLogDelivery',
        principals: [new iam.ServicePrincipal('logdelivery.elasticloadbalancing.amazonaws.com')],
        actions: ['s3:PutObject'],
        resources: [logObjects(bucket, prefix)],
      }),
    );
    this.loadBalancer.setAttribute('access_logs.s3.enabled', 'true');
    this.loadBalancer.setAttribute('access_logs.s3.bucket', bucket.bucketName);
    this.loadBalancer.setAttribute('access_logs.s3.prefix', prefix);
    // ELB test-writes to the bucket when logging is switched on, so the policy must exist first.
    if (bucket.policy) this.loadBalancer.node.addDependency(bucket.policy);
  }
}

/** The log prefix under which ALBs write: `<prefix>/AWSLogs/<account>/...`. */
function logObjects(bucket: s3.IBucket, prefix: string): string {
  return bucket.arnForObjects(`${prefix}/AWSLogs/${Aws.ACCOUNT_ID}/*`);
}

function validate(props: PlatformLoadBalancerProps): void {
  const { settings } = props;
  const names = settings.targetGroups.map((group) => group.name);
  if (names.length === 0) {
    throw new Error('PlatformLoadBalancer needs at least one target group (the first is the fleet’s).');
  }
  if (new Set(names).size !== names.length) {
    throw new Error(`PlatformLoadBalancer target group names must be unique, got ${names.join(', ')}.`);
  }
  if (settings.targetGroups.every((group) => group.weight === 0)) {
    throw new Error('PlatformLoadBalancer needs a target group with a weight above 0, got all 0.');
  }
  // ELB refuses slow start with least_outstanding_requests and with weighted_random at deploy
  // time (ValidationError on the target group), although synth accepts both.
  if (settings.slowStartSeconds > 0 && settings.algorithm !== 'round_robin') {
    throw new Error(
      `PlatformLoadBalancer slowStartSeconds needs the round_robin algorithm (ALB supports slow start with no other), got ${settings.slowStartSeconds} with ${settings.algorithm}.`,
    );
  }
  if (settings.anomalyMitigation && settings.algorithm !== 'weighted_random') {
    throw new Error(
      `PlatformLoadBalancer anomaly mitigation needs the weighted_random algorithm, got ${settings.algorithm}.`,
    );
  }
  const retention = props.accessLogRetentionDays;
  if (retention !== undefined && (!Number.isInteger(retention) || retention < 1)) {
    throw new Error(
      `PlatformLoadBalancer accessLogRetentionDays must be a whole number of days ≥ 1, got ${retention}.`,
    );
  }
  if (!Number.isInteger(props.appPort) || props.appPort < 1 || props.appPort > 65535) {
    throw new Error(`PlatformLoadBalancer appPort must be a TCP port (1-65535), got ${props.appPort}.`);
  }
}
