import { Duration, Tags } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import type { DomainSettings, FailoverSettings } from '../../functions/shared/config';

/** One region's entry point as a Route 53 alias target. */
export interface RegionalEndpoint {
  readonly region: string;
  /** The ALB's DNS name (a cross-region reference for the primary). */
  readonly dnsName: string;
  /** The ALB's canonical hosted zone id. */
  readonly hostedZoneId: string;
}

export interface RegionalDnsFailoverProps {
  readonly domain: DomainSettings;
  /** The health check interval and failure threshold (`failover` in the config). */
  readonly failover: FailoverSettings;
  readonly primary: RegionalEndpoint;
  readonly secondary: RegionalEndpoint;
  /** The path both ALBs answer health checks on, e.g. `/health`. */
  readonly healthCheckPath: string;
}

/**
 * Route 53 failover between the regional ALBs: a health check on each ALB's own name, a PRIMARY
 * record on the primary region's ALB (behind a calculated "gate" check) and a SECONDARY record on
 * the standby's. Route 53 moves traffic on its own when the primary's check fails; the region
 * engine forces a switch, and holds traffic on the standby after a failover, through the gate.
 * Inverting the ALB's check instead would turn a dead primary healthy and pull traffic back.
 */
export class RegionalDnsFailover extends Construct {
  readonly primaryHealthCheck: route53.HealthCheck;
  /**
   * The PRIMARY record's check: a calculated check over the primary ALB's. At threshold 1 it
   * follows the ALB; the region engine sets it to 2 (more than its one child) to hold traffic on
   * the standby whatever the primary's state, and back to 1 on failback.
   */
  readonly primaryGate: route53.HealthCheck;
  readonly secondaryHealthCheck: route53.HealthCheck;
  /** Fully qualified name the records answer, e.g. `api.example.com`. */
  readonly recordName: string;

  constructor(scope: Construct, id: string, props: RegionalDnsFailoverProps) {
    super(scope, id);
    if (props.primary.region === props.secondary.region) {
      throw new Error(`RegionalDnsFailover needs two regions, got "${props.primary.region}" for both.`);
    }
    if (!props.healthCheckPath.startsWith('/')) {
      throw new Error(
        `RegionalDnsFailover healthCheckPath must start with "/", got "${props.healthCheckPath}".`,
      );
    }
    const { domain, failover } = props;
    this.recordName = `${domain.recordName}.${domain.zoneName}`;
    // Each check probes its ALB's own name, never the record: a check that followed the record
    // would see the standby once DNS switched, turn healthy and pull traffic back.
    const check = (name: string, endpoint: RegionalEndpoint) => {
      const healthCheck = new route53.HealthCheck(this, name, {
        type: route53.HealthCheckType.HTTPS,
        fqdn: endpoint.dnsName,
        port: 443,
        resourcePath: props.healthCheckPath,
        enableSNI: true,
        requestInterval: Duration.seconds(failover.healthCheckIntervalSeconds),
        failureThreshold: failover.failureThreshold,
        measureLatency: true,
      });
      Tags.of(healthCheck).add('Name', `${this.recordName} ALB in ${endpoint.region}`);
      return healthCheck;
    };
    this.primaryHealthCheck = check('PrimaryHealthCheck', props.primary);
    this.secondaryHealthCheck = check('SecondaryHealthCheck', props.secondary);
    this.primaryGate = new route53.HealthCheck(this, 'PrimaryGate', {
      type: route53.HealthCheckType.CALCULATED,
      childHealthChecks: [this.primaryHealthCheck],
      healthThreshold: 1,
    });
    Tags.of(this.primaryGate).add('Name', `${this.recordName} primary region gate`);

    // L1 records: the health check alone decides (EvaluateTargetHealth off), because an ALB with
    // an empty canary target group counts as unhealthy to Route 53 and would fail the region over.
    const record = (
      name: string,
      role: 'PRIMARY' | 'SECONDARY',
      endpoint: RegionalEndpoint,
      healthCheck: route53.HealthCheck,
    ) =>
      new route53.CfnRecordSet(this, name, {
        hostedZoneId: domain.hostedZoneId,
        name: `${this.recordName}.`,
        type: 'A',
        failover: role,
        setIdentifier: endpoint.region,
        healthCheckId: healthCheck.healthCheckId,
        comment: `${role === 'PRIMARY' ? 'Primary' : 'Standby'} region ${endpoint.region}: its ALB`,
        aliasTarget: {
          dnsName: `dualstack.${endpoint.dnsName}`,
          hostedZoneId: endpoint.hostedZoneId,
          evaluateTargetHealth: false,
        },
      });
    record('PrimaryRecord', 'PRIMARY', props.primary, this.primaryGate);
    record('SecondaryRecord', 'SECONDARY', props.secondary, this.secondaryHealthCheck);
  }
}
