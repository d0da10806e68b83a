import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import { Schedule } from 'aws-cdk-lib/aws-events';
import type { Construct } from 'constructs';
import type { Component } from '../functions/core/failover/types';
import { platformHealthChecks } from '../functions/core/health/platform-checks';
import type { PlatformConfig } from '../functions/shared/config';
import { AdminApi } from './admin-api';
import { PlatformAlarms } from './alarms';
import { AlertTopics } from './alert-topics';
import { PlatformCache } from './cache';
import { ControlFunction } from './control-function';
import { PlatformDashboard } from './dashboard';
import { PlatformDatabase } from './database';
import { DatabaseRoles } from './database-roles';
import { DnsFailover } from './dns-failover';
import { EndpointAlarms } from './endpoint-alarms';
import { FailoverControl } from './failover-control';
import { PlatformFleet } from './fleet';
import { HealthControl } from './health-control';
import { PlatformLoadBalancer } from './load-balancer';
import { PlatformNetwork } from './network';
import { acknowledgePlatformFindings } from './platform-acknowledgements';
import type { PlatformResourceNames } from './platform-metrics';
import { platformScalingPolicy, ScalingControl } from './scaling-control';
import { SlowQueryControl } from './slow-query-control';
import { StateTable } from './state-table';
import { PlatformWebAcl } from './web-acl';

export interface PlatformStackProps extends StackProps {
  /** The validated platform configuration (see functions/shared/config). */
  readonly config: PlatformConfig;
}

/**
 * The MisyBot platform's edge and data tier with its monitoring and its control plane: network,
 * ALB, fleet, cache, database, DNS failover (when a domain is configured), alert topics, platform
 * and per-endpoint alarms, dashboard, the state table, the scaling, health-check, failover and
 * slow-query functions, and the admin API.
 */
export class PlatformStack extends Stack {
  readonly config: PlatformConfig;
  readonly network: PlatformNetwork;
  readonly topics: AlertTopics;
  readonly state: StateTable;
  readonly edge: PlatformLoadBalancer;
  /** Present when `waf.enabled` (the default for `prod`). */
  readonly webAcl?: PlatformWebAcl;
  readonly fleet: PlatformFleet;
  readonly cache: PlatformCache;
  readonly database: PlatformDatabase;
  readonly databaseRoles: DatabaseRoles;
  readonly dnsFailover?: DnsFailover;
  readonly alarms: PlatformAlarms;
  readonly endpointAlarms: EndpointAlarms;
  readonly resourceNames: PlatformResourceNames;
  readonly slowQueries: SlowQueryControl;
  readonly scaling: ScalingControl;
  readonly health: HealthControl;
  readonly failover: FailoverControl;
  readonly adminApi: AdminApi;

  constructor(scope: Construct, id: string, props: PlatformStackProps) {
    super(scope, id, props);
    const { config } = props;
    this.config = config;
    ControlFunction.setDefaults(this, {
      sourceMaps: config.controlPlane.sourceMaps,
      tracing: config.controlPlane.tracing,
    });

    this.network = new PlatformNetwork(this, 'Network', { settings: config.network });
    const { vpc } = this.network;
    this.topics = new AlertTopics(this, 'Alerts', { settings: config.alerting });
    this.state = new StateTable(this, 'State', {
      deletionProtection: config.controlPlane.stateTableDeletionProtection,
    });

    this.webAcl = config.waf.enabled
      ? new PlatformWebAcl(this, 'WebAcl', { settings: config.waf, metricPrefix: config.name })
      : undefined;
    this.edge = new PlatformLoadBalancer(this, 'Edge', {
      webAcl: this.webAcl,
      vpc,
      settings: config.loadBalancing,
      appPort: config.fleet.appPort,
      domain: config.domain,
      deletionProtection: config.loadBalancing.deletionProtection,
    });
    this.cache = new PlatformCache(this, 'Cache', { vpc, settings: config.cache });
    this.database = new PlatformDatabase(this, 'Database', { vpc, settings: config.database });
    this.fleet = new PlatformFleet(this, 'Fleet', {
      vpc,
      settings: config.fleet,
      targetGroup: this.edge.primaryTargetGroup,
      loadBalancerSecurityGroup: this.edge.securityGroup,
      notificationTopic: this.topics.info,
      logRetentionDays: config.controlPlane.logRetentionDays,
      // What the demo service reads; a service of your own gets the same (see README, Deploying).
      appEnvironment: {
        REDIS_HOST: this.cache.primaryEndpoint,
        REDIS_PORT: String(this.cache.port),
        REDIS_TLS: 'true',
        REDIS_AUTH_SECRET_ARN: this.cache.authSecret.secretArn,
        DB_HOST: this.database.proxy.endpoint,
        DB_PORT: String(this.database.port),
        DB_NAME: config.database.databaseName,
        DB_USER: config.database.appUser,
        DB_IAM_AUTH: 'true',
        METRICS_SERVICE: config.endpoints.service,
      },
    });
    this.cache.allowFrom(this.fleet.autoScalingGroup, 'MisyBot fleet');
    this.database.allowFrom(this.fleet.autoScalingGroup);
    // The network path alone is not enough: the service reads the AUTH token and signs proxy logins.
    this.cache.authSecret.grantRead(this.fleet.role);
    this.databaseRoles = new DatabaseRoles(this, 'DatabaseRoles', {
      vpc,
      database: this.database,
      settings: config.database,
      alarmTopic: this.topics.warning,
      logRetentionDays: config.controlPlane.logRetentionDays,
    });
    this.database.grantConnect(this.fleet.role, config.database.appUser);
    // The service signs in as the app role from its first start.
    this.fleet.autoScalingGroup.node.addDependency(this.databaseRoles.resource);

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
    this.endpointAlarms = new EndpointAlarms(this, 'EndpointAlarms', {
      settings: config.endpoints,
      topics: this.topics,
    });
    new PlatformDashboard(this, 'Dashboard', {
      ...this.resourceNames,
      alarms: [...this.alarms.alarms, ...this.endpointAlarms.alarms].map((entry) => entry.alarm),
      dashboardName: `${config.name}-platform`,
      extraWidgets: this.endpointAlarms.widgets().map((row) => [row]),
    });

    this.scaling = new ScalingControl(this, 'Scaling', {
      stateTable: this.state.table,
      autoScalingGroup: this.fleet.autoScalingGroup,
      targetGroupFullName: this.edge.primaryTargetGroup.targetGroupFullName,
      loadBalancerFullName: this.edge.loadBalancer.loadBalancerFullName,
      topics: { info: this.topics.info, warning: this.topics.warning },
      policy: platformScalingPolicy(config.fleet),
      schedule: config.controlPlane.schedules.scaling,
      alarms: this.alarms.alarms
        .filter((entry) => entry.id === 'asgCpuPercent' || entry.id === 'asgMemoryPercent')
        .map((entry) => entry.alarm),
      logRetentionDays: config.controlPlane.logRetentionDays,
      memorySize: config.controlPlane.memoryMiB,
      reservedConcurrency: config.controlPlane.reservedConcurrency.scaling,
    });

    this.slowQueries = new SlowQueryControl(this, 'SlowQueries', {
      vpc,
      database: this.database,
      stateTable: this.state.table,
      infoTopic: this.topics.info,
      warningTopic: this.topics.warning,
      settings: config.database,
      fleetMaxCapacity: config.fleet.maxCapacity,
      lambdaConcurrency: 1,
      schedule: config.controlPlane.schedules.slowQueries,
      logRetentionDays: config.controlPlane.logRetentionDays,
      memorySize: Math.max(1024, config.controlPlane.memoryMiB),
    });

    // Alarms are symptoms: the failover function acts on one only when its own observation finds the
    // primary unhealthy. unhealthyHosts1 is the fleet's target group; the others hold canaries.
    const failoverComponentOf = (alarmId: string): Component | undefined => {
      if (alarmId === 'unhealthyHosts1' || alarmId === 'alb5xxRatePercent')
        return this.dnsFailover ? 'dns' : undefined;
      if (alarmId.startsWith('aurora')) return 'database';
      if (alarmId.startsWith('redis')) return 'cache';
      return undefined;
    };
    this.failover = new FailoverControl(this, 'Failover', {
      stateTable: this.state.table,
      topics: this.topics,
      healthCheckId: this.dnsFailover?.healthCheckId,
      clusterIdentifier: this.database.clusterIdentifier,
      replicationGroupId: this.cache.replicationGroupId,
      settings: config.failover,
      componentAlarms: this.alarms.alarms.flatMap(({ id, alarm }) => {
        const component = failoverComponentOf(id);
        return component ? [{ component, alarm }] : [];
      }),
      logRetentionDays: config.controlPlane.logRetentionDays,
      memorySize: config.controlPlane.memoryMiB,
      reservedConcurrency: config.controlPlane.reservedConcurrency.failover,
    });

    const healthChecks = platformHealthChecks({
      endpointUrl: this.edge.endpointUrl,
      healthCheckPath: config.loadBalancing.healthCheck.path,
      expectedStatus: config.loadBalancing.healthCheck.matcher,
      targetGroupArns: this.edge.targetGroups.map((group) => group.targetGroupArn),
      clusterIdentifier: this.database.clusterIdentifier,
      maxReplicaLagMs: config.alarms.auroraReplicaLagMs.threshold,
      replicationGroupId: this.cache.replicationGroupId,
      controlFunctions: [
        { name: 'scaling', functionName: this.scaling.function.functionName },
        { name: 'failover', functionName: this.failover.function.functionName },
        { name: 'slow-queries', functionName: this.slowQueries.function.functionName },
      ],
    });
    this.health = new HealthControl(this, 'Health', {
      stateTable: this.state.table,
      topics: this.topics,
      checks: healthChecks,
      schedule: Schedule.expression(config.controlPlane.schedules.healthCheck),
      rounds: config.controlPlane.healthRoundsPerInvocation,
      logRetentionDays: config.controlPlane.logRetentionDays,
      memorySize: config.controlPlane.memoryMiB,
      labels: { platform: config.name, stage: config.environment.stage },
      reservedConcurrency: config.controlPlane.reservedConcurrency.healthCheck,
      cacheNodeCount: this.cache.nodeCount,
    });

    this.adminApi = new AdminApi(this, 'AdminApi', {
      stateTable: this.state.table,
      autoScalingGroup: this.fleet.autoScalingGroup,
      loadBalancer: {
        listenerArn: this.edge.listener.listenerArn,
        targetGroups: this.edge.targetGroups.map((group, index) => ({
          name: config.loadBalancing.targetGroups[index]!.name,
          arn: group.targetGroupArn,
        })),
      },
      clusterIdentifier: this.database.clusterIdentifier,
      healthChecks,
      failoverComponents: config.domain ? ['dns', 'database', 'cache'] : ['database', 'cache'],
      scalingFunction: this.scaling.function,
      failoverFunction: this.failover.function,
      slowQueryFunction: this.slowQueries.function,
      cache: {
        vpc,
        host: this.cache.primaryEndpoint,
        port: this.cache.port,
        authSecret: this.cache.authSecret,
        allowFrom: (peer, description) => this.cache.allowFrom(peer, description),
      },
      logRetentionDays: config.controlPlane.logRetentionDays,
      memorySize: config.controlPlane.memoryMiB,
      throttle: { rateLimit: 10, burstLimit: 20 },
      alarmTopic: this.topics.warning,
      reservedConcurrency: config.controlPlane.reservedConcurrency.adminApi,
      webAcl: config.waf.protectAdminApi ? this.webAcl : undefined,
    });

    acknowledgePlatformFindings(this, {
      autoScalingGroupArns: [this.fleet.autoScalingGroup.autoScalingGroupArn],
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
