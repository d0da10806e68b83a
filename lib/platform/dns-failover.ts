import { Duration, Tags } from 'aws-cdk-lib';
import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import { Construct } from 'constructs';
import type { DomainSettings, FailoverSettings, SecondaryTarget } from '../../functions/shared/config';

export interface DnsFailoverProps {
  /**
   * The zone and host name the records go in. Typed optional so the configuration's `domain` can
   * be passed as is; the construct refuses to build without it.
   */
  readonly domain?: DomainSettings;
  readonly failover: FailoverSettings;
  /** The primary: the platform's ALB, serving HTTPS on 443. */
  readonly loadBalancer: elbv2.ILoadBalancerV2;
  /** The path the ALB's target groups answer health checks on, e.g. `/health`. */
  readonly healthCheckPath: string;
  /**
   * Text the health response body must contain (HTTPS_STR_MATCH, first 5,120 bytes).
   * @default - none: any 2xx or 3xx response is healthy (HTTPS)
   */
  readonly searchString?: string;
}

/**
 * Route 53 failover for the platform's host name: a health check on the primary ALB and, when a
 * secondary is configured, a PRIMARY/SECONDARY record pair so DNS moves traffic without any
 * Lambda in the path. The failover function forces a switch by inverting `healthCheckId`.
 */
export class DnsFailover extends Construct {
  /** Route 53 health check on the primary ALB. */
  readonly healthCheck: route53.HealthCheck;
  readonly healthCheckId: string;
  /** Fully qualified name the records answer, e.g. `api.example.com` (no trailing dot). */
  readonly recordName: string;
  readonly primaryRecord: route53.ARecord;

  constructor(scope: Construct, id: string, props: DnsFailoverProps) {
    super(scope, id);
    const { domain, failover } = props;
    if (!domain) {
      throw new Error(
        'DnsFailover needs a domain (the hosted zone its records go in); configure "domain" or leave DNS failover out.',
      );
    }
    if (!props.healthCheckPath.startsWith('/')) {
      throw new Error(`DnsFailover healthCheckPath must start with "/", got "${props.healthCheckPath}".`);
    }
    if (
      props.searchString !== undefined &&
      (props.searchString.length === 0 || props.searchString.length > 255)
    ) {
      throw new Error(
        `DnsFailover searchString must hold 1-255 characters, got ${props.searchString.length}.`,
      );
    }
    this.recordName = `${domain.recordName}.${domain.zoneName}`;
    const zone = route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', {
      hostedZoneId: domain.hostedZoneId,
      zoneName: domain.zoneName,
    });

    // Probe the ALB's own name, not the record: a check that resolves the failover record would
    // follow it to the secondary once DNS switched, turn healthy and flap traffic back.
    this.healthCheck = new route53.HealthCheck(this, 'PrimaryHealthCheck', {
      type: props.searchString ? route53.HealthCheckType.HTTPS_STR_MATCH : route53.HealthCheckType.HTTPS,
      fqdn: props.loadBalancer.loadBalancerDnsName,
      port: 443,
      resourcePath: props.healthCheckPath,
      ...(props.searchString ? { searchString: props.searchString } : {}),
      enableSNI: true,
      requestInterval: Duration.seconds(failover.healthCheckIntervalSeconds),
      failureThreshold: failover.failureThreshold,
      measureLatency: true,
    });
    Tags.of(this.healthCheck).add('Name', `${this.recordName} primary ALB`);
    this.healthCheckId = this.healthCheck.healthCheckId;

    const albAlias = route53.RecordTarget.fromAlias(
      new targets.LoadBalancerTarget(props.loadBalancer, { evaluateTargetHealth: true }),
    );
    if (!failover.secondary) {
      this.primaryRecord = new route53.ARecord(this, 'Record', {
        zone,
        recordName: `${this.recordName}.`,
        target: albAlias,
      });
      return;
    }

    this.primaryRecord = new route53.ARecord(this, 'PrimaryRecord', {
      zone,
      recordName: `${this.recordName}.`,
      target: albAlias,
      failover: route53.Failover.PRIMARY,
      setIdentifier: 'primary',
      healthCheck: this.healthCheck,
      comment: 'Primary: the platform ALB',
    });
    // The health check alone decides. With EvaluateTargetHealth Route 53 counts a target group
    // without registered targets as unhealthy, so the usually empty canary group would fail the
    // ALB over for good. The L2 insists on true for failover aliases; Route 53 does not.
    (this.primaryRecord.node.defaultChild as route53.CfnRecordSet).addPropertyOverride(
      'AliasTarget.EvaluateTargetHealth',
      false,
    );
    this.addSecondary(zone, failover.secondary, failover.ttlSeconds);
  }

  private addSecondary(zone: route53.IHostedZone, secondary: SecondaryTarget, ttlSeconds: number): void {
    if (secondary.kind === 'ipv4') {
      new route53.ARecord(this, 'SecondaryRecord', {
        zone,
        recordName: `${this.recordName}.`,
        target: route53.RecordTarget.fromIpAddresses(...secondary.addresses),
        ttl: Duration.seconds(ttlSeconds),
        failover: route53.Failover.SECONDARY,
        setIdentifier: 'secondary',
        comment: `Secondary: ${secondary.description}`,
      });
      return;
    }
    // L1 because the L2 forces EvaluateTargetHealth on failover aliases, which Route 53 rejects for
    // CloudFront targets; the secondary is the last resort, so its own health does not matter.
    new route53.CfnRecordSet(this, 'SecondaryRecord', {
      hostedZoneId: zone.hostedZoneId,
      name: `${this.recordName}.`,
      type: 'A',
      failover: 'SECONDARY',
      setIdentifier: 'secondary',
      comment: `Secondary: ${secondary.description}`,
      aliasTarget: {
        dnsName: secondary.dnsName,
        hostedZoneId: secondary.hostedZoneId,
        evaluateTargetHealth: false,
      },
    });
  }
}
