import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { PlatformConfig } from '../functions/shared/config';
import { PlatformAlarms } from './alarms';
import { AlertTopics } from './alert-topics';
import { PlatformCache } from './cache';
import { PlatformDashboard } from './dashboard';
import { PlatformDatabase } from './database';
import { DnsFailover } from './dns-failover';
import { PlatformFleet } from './fleet';
import { PlatformLoadBalancer } from './load-balancer';
import { PlatformNetwork } from './network';
import type { PlatformResourceNames } from './platform-metrics';
import { StateTable } from './state-table';

export interface PlatformStackProps extends StackProps {
  /** The validated platform configuration (see functions/shared/config). */
  readonly config: PlatformConfig;
}

/**
 * The MisyBot platform's edge and data tier with its monitoring: network, ALB, fleet, cache,
 * database, DNS failover (when a domain is configured), alert topics, alarms, dashboard and the
 * control plane's state table.
 */
export class PlatformStack extends Stack {
  readonly config: PlatformConfig;
  readonly network: PlatformNetwork;
  readonly topics: AlertTopics;
  readonly state: StateTable;
  readonly edge: PlatformLoadBalancer;
  readonly fleet: PlatformFleet;
  readonly cache: PlatformCache;
  readonly database: PlatformDatabase;
  readonly dnsFailover?: DnsFailover;
  readonly alarms: PlatformAlarms;
  readonly resourceNames: PlatformResourceNames;

  constructor(scope: Construct, id: string, props: PlatformStackProps) {
    super(scope, id, props);
    const { config } = props;
    this.config = config;

    this.network = new PlatformNetwork(this, 'Network', { settings: config.network });
    const { vpc } = this.network;
    this.topics = new AlertTopics(this, 'Alerts', { settings: config.alerting });
    this.state = new StateTable(this, 'State', { deletionProtection: config.environment.stage === 'prod' });

    this.edge = new PlatformLoadBalancer(this, 'Edge', {
      vpc,
      settings: config.loadBalancing,
      appPort: config.fleet.appPort,
      domain: config.domain,
      deletionProtection: config.environment.stage === 'prod',
    });
    this.fleet = new PlatformFleet(this, 'Fleet', {
      vpc,
      settings: config.fleet,
      targetGroup: this.edge.primaryTargetGroup,
      loadBalancerSecurityGroup: this.edge.securityGroup,
      notificationTopic: this.topics.info,
    });

    this.cache = new PlatformCache(this, 'Cache', { vpc, settings: config.cache });
    this.cache.allowFrom(this.fleet.autoScalingGroup, 'MisyBot fleet');
    this.database = new PlatformDatabase(this, 'Database', { vpc, settings: config.database });
    this.database.allowFrom(this.fleet.autoScalingGroup);

    if (config.domain) {
      this.dnsFailover = new DnsFailover(this, 'DnsFailover', {
        domain: config.domain,
        failover: config.failover,
        loadBalancer: this.edge.loadBalancer,
        healthCheckPath: config.loadBalancing.healthCheck.path,
      });
    }

    this.resourceNames = {
      loadBalancerFullName: this.edge.loadBalancer.loadBalancerFullName,
      targetGroupFullNames: this.edge.targetGroups.map((group) => group.targetGroupFullName),
      autoScalingGroupName: this.fleet.autoScalingGroup.autoScalingGroupName,
      clusterIdentifier: this.database.clusterIdentifier,
      replicationGroupId: this.cache.replicationGroupId,
      cacheNodeCount: this.cache.nodeCount,
    };
    this.alarms = new PlatformAlarms(this, 'Alarms', {
      ...this.resourceNames,
      settings: config.alarms,
      topics: this.topics,
      databaseInstanceClass: config.database.instanceClass,
    });
    new PlatformDashboard(this, 'Dashboard', {
      ...this.resourceNames,
      alarms: this.alarms.alarms.map((entry) => entry.alarm),
      dashboardName: `${config.name}-platform`,
    });

    new CfnOutput(this, 'EndpointUrl', { value: this.edge.endpointUrl });
    new CfnOutput(this, 'LoadBalancerDnsName', { value: this.edge.loadBalancer.loadBalancerDnsName });
    new CfnOutput(this, 'StateTableName', { value: this.state.table.tableName });
    new CfnOutput(this, 'DatabaseProxyEndpoint', { value: this.database.proxy.endpoint });
    new CfnOutput(this, 'CachePrimaryEndpoint', { value: this.cache.primaryEndpoint });
    if (this.dnsFailover)
      new CfnOutput(this, 'PrimaryHealthCheckId', { value: this.dnsFailover.healthCheckId });
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
