import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { PlatformConfig } from '../functions/shared/config';
import { ControlFunction } from './control-plane/control-function';
import { ControlPlane } from './control-plane/control-plane';
import { AlertTopics } from './observability/alert-topics';
import { PlatformMonitoring } from './observability/monitoring';
import type { PlatformResourceNames } from './observability/platform-metrics';
import { PlatformDataTier } from './platform/data-tier';
import { acknowledgePlatformFindings } from './platform-acknowledgements';

export interface PlatformStackProps extends StackProps {
  /** The validated platform configuration (see functions/shared/config). */
  readonly config: PlatformConfig;
}

/**
 * The MisyBot platform in three parts: the edge and data tier (`PlatformDataTier`: network, ALB,
 * fleet, cache, database, DNS failover), its monitoring (`PlatformMonitoring`: alarms and
 * dashboard, on the alert topics), and the control plane that keeps it up (`ControlPlane`: the
 * state table and the scaling, health, failover and slow-query functions, and the admin API).
 */
export class PlatformStack extends Stack {
  readonly config: PlatformConfig;
  readonly topics: AlertTopics;
  readonly dataTier: PlatformDataTier;
  readonly resourceNames: PlatformResourceNames;
  readonly monitoring: PlatformMonitoring;
  readonly controlPlane: ControlPlane;

  constructor(scope: Construct, id: string, props: PlatformStackProps) {
    super(scope, id, props);
    const { config } = props;
    this.config = config;
    ControlFunction.setDefaults(this, {
      sourceMaps: config.controlPlane.sourceMaps,
      tracing: config.controlPlane.tracing,
    });

    this.topics = new AlertTopics(this, 'Alerts', { settings: config.alerting });
    this.dataTier = new PlatformDataTier(this, { config, fleetNotificationTopic: this.topics.info });
    const { edge, fleet, database, cache } = this.dataTier;
    this.resourceNames = {
      loadBalancerFullName: edge.loadBalancer.loadBalancerFullName,
      targetGroupFullNames: edge.targetGroups.map((group) => group.targetGroupFullName),
      autoScalingGroupName: fleet.autoScalingGroup.autoScalingGroupName,
      clusterIdentifier: database.clusterIdentifier,
      replicationGroupId: cache.replicationGroupId,
      cacheNodeCount: cache.nodeCount,
    };
    this.monitoring = new PlatformMonitoring(this, {
      config,
      resourceNames: this.resourceNames,
      topics: this.topics,
    });
    this.controlPlane = new ControlPlane(this, {
      config,
      dataTier: this.dataTier,
      topics: this.topics,
      alarms: this.monitoring.alarms,
    });

    acknowledgePlatformFindings(this, {
      autoScalingGroupArns: [fleet.autoScalingGroup.autoScalingGroupArn],
    });

    new CfnOutput(this, 'EndpointUrl', { value: this.dataTier.edge.endpointUrl });
    new CfnOutput(this, 'LoadBalancerDnsName', {
      value: this.dataTier.edge.loadBalancer.loadBalancerDnsName,
    });
    new CfnOutput(this, 'StateTableName', { value: this.controlPlane.state.table.tableName });
    new CfnOutput(this, 'DatabaseProxyEndpoint', { value: this.dataTier.database.proxy.endpoint });
    new CfnOutput(this, 'CachePrimaryEndpoint', { value: this.dataTier.cache.primaryEndpoint });
    if (this.dataTier.dnsFailover)
      new CfnOutput(this, 'PrimaryHealthCheckId', { value: this.dataTier.dnsFailover.healthCheckId });
  }

  /**
   * Zones named in the configuration, so an environment-specific stack needs no lookup; an
   * environment-agnostic stack lets CloudFormation pick two at deploy time.
   */
  override get availabilityZones(): string[] {
    return this.config?.network.availabilityZones
      ? [...this.config.network.availabilityZones]
      : super.availabilityZones;
  }
}
