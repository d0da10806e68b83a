import { Stack } from 'aws-cdk-lib';
import { Schedule } from 'aws-cdk-lib/aws-events';
import type { Construct } from 'constructs';
import { DEFAULT_FAILOVER_COMPONENTS } from '../../functions/core/admin/settings';
import { FAILOVER_COMPONENTS } from '../../functions/core/failover/types';
import type { HealthCheckConfig } from '../../functions/core/health/health-config';
import { type DataPathInputs, platformHealthChecks } from '../../functions/core/health/platform-checks';
import type { PlatformConfig } from '../../functions/shared/config';
import type { PlatformAlarms } from '../observability/alarms';
import type { AlertTopics } from '../observability/alert-topics';
import { RunAlarms } from '../observability/run-alarms';
import type { PlatformDataTier } from '../platform/data-tier';
import { GlobalStateTable } from '../regional/global-state-table';
import { regionFailoverFunctionArn } from '../regional/region-failover-control';
import { standbyKeyAliasArn } from '../regional/standby-key-stack';
import { AdminApi } from './admin-api';
import { DatabaseRoles } from './database-roles';
import { type ComponentAlarm, FailoverControl } from './failover-control';
import { HealthControl } from './health-control';
import { platformScalingPolicy, ScalingControl } from './scaling-control';
import { SlowQueryControl } from './slow-query-control';
import { StateTable } from './state-table';

export interface ControlPlaneProps {
  /** The validated platform configuration. */
  readonly config: PlatformConfig;
  /** What the control plane watches and acts on. */
  readonly dataTier: PlatformDataTier;
  /** The alert topics; their chat channels get the health function's Slack/Teams formatter. */
  readonly topics: AlertTopics;
  /** The data tier's alarms: fleet CPU and memory start a scaling run, a component's alarms a failover evaluation. */
  readonly alarms: PlatformAlarms;
}

/**
 * The functions that keep the platform up, on their shared state table: the database roles, the
 * scaling, slow-query, failover and health controls, the admin API, and the alarms on their runs.
 * One method per capability, each creating its construct from the config and what the ones before
 * it created. Not a construct scope of its own, so every function, rule and the state table keep
 * the logical ids they were deployed with (see `PlatformDataTier`).
 */
export class ControlPlane {
  /** A {@link GlobalStateTable} when `regions` names a standby region. */
  readonly state: StateTable | GlobalStateTable;
  readonly databaseRoles: DatabaseRoles;
  readonly scaling: ScalingControl;
  readonly slowQueries: SlowQueryControl;
  readonly failover: FailoverControl;
  readonly health: HealthControl;
  readonly adminApi: AdminApi;
  /** Leases not released, for every control function. */
  readonly runAlarms: RunAlarms;

  constructor(
    private readonly scope: Construct,
    private readonly props: ControlPlaneProps,
  ) {
    this.state = this.createStateTable();
    this.databaseRoles = this.createDatabaseRoles();
    this.scaling = this.createScaling();
    this.slowQueries = this.createSlowQueries();
    this.failover = this.createFailover();
    // One config for both: the admin API lists the checks the health function runs.
    const checks = this.healthChecks();
    this.health = this.createHealth(checks);
    this.adminApi = this.createAdminApi(checks);
    this.runAlarms = this.createRunAlarms();
  }

  /** Settings every control function shares. */
  private get functionDefaults() {
    const { controlPlane } = this.props.config;
    return { logRetentionDays: controlPlane.logRetentionDays, memorySize: controlPlane.memoryMiB };
  }

  /** Replicated to the standby region (with its own key there) when `regions` names one. */
  private createStateTable(): StateTable | GlobalStateTable {
    const { config } = this.props;
    const deletionProtection = config.controlPlane.stateTableDeletionProtection;
    const standby = config.regions?.secondary.region;
    if (!standby) return new StateTable(this.scope, 'State', { deletionProtection });
    return new GlobalStateTable(this.scope, 'State', {
      replicaRegion: standby,
      replicaKeyArn: standbyKeyAliasArn(Stack.of(this.scope), standby, config.name),
      deletionProtection,
    });
  }

  private createDatabaseRoles(): DatabaseRoles {
    const { config, topics, dataTier } = this.props;
    const roles = new DatabaseRoles(this.scope, 'DatabaseRoles', {
      vpc: dataTier.network.vpc,
      database: dataTier.database,
      settings: config.database,
      topics,
      logRetentionDays: config.controlPlane.logRetentionDays,
    });
    // The service signs in as the app role from its first start.
    dataTier.fleet.autoScalingGroup.node.addDependency(roles.resource);
    return roles;
  }

  private createScaling(): ScalingControl {
    const { config, topics, alarms, dataTier } = this.props;
    return new ScalingControl(this.scope, 'Scaling', {
      ...this.functionDefaults,
      stateTable: this.state.table,
      autoScalingGroup: dataTier.fleet.autoScalingGroup,
      targetGroupFullName: dataTier.edge.primaryTargetGroup.targetGroupFullName,
      loadBalancerFullName: dataTier.edge.loadBalancer.loadBalancerFullName,
      topics,
      policy: platformScalingPolicy(config.fleet),
      schedule: Schedule.expression(config.controlPlane.schedules.scaling),
      alarms: [alarms.byName.asgCpuPercent, alarms.byName.asgMemoryPercent],
      reservedConcurrency: config.controlPlane.reservedConcurrency.scaling,
    });
  }

  private createSlowQueries(): SlowQueryControl {
    const { config, topics, dataTier } = this.props;
    return new SlowQueryControl(this.scope, 'SlowQueries', {
      ...this.functionDefaults,
      vpc: dataTier.network.vpc,
      database: dataTier.database,
      stateTable: this.state.table,
      topics,
      settings: config.database,
      fleetMaxCapacity: config.fleet.maxCapacity,
      lambdaConcurrency: 1,
      schedule: Schedule.expression(config.controlPlane.schedules.slowQueries),
      // The parser (libpg-query, WASM) needs the room.
      memorySize: Math.max(1024, config.controlPlane.memoryMiB),
    });
  }

  private createFailover(): FailoverControl {
    const { config, topics, dataTier } = this.props;
    return new FailoverControl(this.scope, 'Failover', {
      ...this.functionDefaults,
      stateTable: this.state.table,
      topics,
      healthCheckId: dataTier.dnsFailover?.healthCheckId,
      clusterIdentifier: dataTier.database.clusterIdentifier,
      replicationGroupId: dataTier.cache.replicationGroupId,
      settings: config.failover,
      componentAlarms: this.componentAlarms(),
      reservedConcurrency: config.controlPlane.reservedConcurrency.failover,
    });
  }

  /**
   * Alarms are symptoms: the failover function acts on one only when its own observation finds the
   * primary unhealthy. The first target group is the fleet's; the others hold canaries.
   */
  private componentAlarms(): ComponentAlarm[] {
    const { byName } = this.props.alarms;
    const dns = this.props.dataTier.dnsFailover ? [byName.alb5xxRatePercent, byName.unhealthyHosts[0]!] : [];
    const database = [
      byName.auroraCpuPercent,
      byName.auroraFreeableMemoryMiB,
      byName.auroraConnectionsPercent,
      byName.auroraReplicaLagMs,
    ];
    const cache = [
      byName.redisEngineCpuPercent,
      byName.redisMemoryPercent,
      byName.redisEvictions,
      byName.redisConnections,
    ];
    return [
      ...dns.map((alarm) => ({ component: 'dns' as const, alarm })),
      ...database.map((alarm) => ({ component: 'database' as const, alarm })),
      ...cache.map((alarm) => ({ component: 'cache' as const, alarm })),
    ];
  }

  private createHealth(checks: HealthCheckConfig): HealthControl {
    const { config, topics, dataTier } = this.props;
    return new HealthControl(this.scope, 'Health', {
      ...this.functionDefaults,
      stateTable: this.state.table,
      topics,
      chatChannels: topics,
      checks,
      schedule: Schedule.expression(config.controlPlane.schedules.healthCheck),
      rounds: config.controlPlane.healthRoundsPerInvocation,
      labels: { platform: config.name, stage: config.environment.stage },
      reservedConcurrency: config.controlPlane.reservedConcurrency.healthCheck,
      cacheNodeCount: dataTier.cache.nodeCount,
    });
  }

  /** The checks of the endpoint, the targets, the database, the cache and the other control functions. */
  private healthChecks(): HealthCheckConfig {
    const { config, dataTier } = this.props;
    const { edge, database, cache } = dataTier;
    return platformHealthChecks({
      endpointUrl: edge.endpointUrl,
      healthCheckPath: config.loadBalancing.healthCheck.path,
      expectedStatus: config.loadBalancing.healthCheck.matcher,
      targetGroupArns: edge.targetGroups.map((group) => group.targetGroupArn),
      clusterIdentifier: database.clusterIdentifier,
      maxReplicaLagMs: config.alarms.auroraReplicaLagMs.threshold,
      replicationGroupId: cache.replicationGroupId,
      dataPath: dataPathOf(config.fleet.app),
      controlFunctions: [
        { name: 'scaling', functionName: this.scaling.function.functionName },
        { name: 'failover', functionName: this.failover.function.functionName },
        { name: 'slow-queries', functionName: this.slowQueries.function.functionName },
      ],
    });
  }

  private createAdminApi(healthChecks: HealthCheckConfig): AdminApi {
    const { config, topics, dataTier } = this.props;
    const { network, edge, fleet, cache, database, dnsFailover, webAcl } = dataTier;
    const standby = config.regions?.secondary.region;
    return new AdminApi(this.scope, 'AdminApi', {
      ...this.functionDefaults,
      stateTable: this.state.table,
      autoScalingGroup: fleet.autoScalingGroup,
      loadBalancer: {
        listenerArn: edge.listener.listenerArn,
        targetGroups: edge.targetGroups.map((group, index) => ({
          name: config.loadBalancing.targetGroups[index]!.name,
          arn: group.targetGroupArn,
        })),
      },
      clusterIdentifier: database.clusterIdentifier,
      healthChecks,
      failoverComponents: dnsFailover ? FAILOVER_COMPONENTS : DEFAULT_FAILOVER_COMPONENTS,
      scalingFunction: this.scaling.function,
      failoverFunction: this.failover.function,
      slowQueryFunction: this.slowQueries.function,
      ...(standby
        ? { regionFailoverFunctionArn: regionFailoverFunctionArn(Stack.of(this.scope), standby, config.name) }
        : {}),
      cache: {
        vpc: network.vpc,
        host: cache.primaryEndpoint,
        port: cache.port,
        authSecret: cache.authSecret,
        allowFrom: (peer, description) => cache.allowFrom(peer, description),
      },
      throttle: { rateLimit: 10, burstLimit: 20 },
      topics,
      reservedConcurrency: config.controlPlane.reservedConcurrency.adminApi,
      webAcl: config.waf.protectAdminApi ? webAcl : undefined,
    });
  }

  private createRunAlarms(): RunAlarms {
    const { health, adminApi } = this;
    return new RunAlarms(this.scope, 'RunAlarms', {
      topics: this.props.topics,
      functions: [
        this.scaling.function,
        this.failover.function,
        this.slowQueries.function,
        health.healthFunction,
        ...(health.formatterFunction ? [health.formatterFunction] : []),
        adminApi.function,
      ],
    });
  }
}

/** The data-path checks the service's health body allows (see `fleet.app.dependencyReport`). */
function dataPathOf(app: PlatformConfig['fleet']['app']): DataPathInputs | false {
  const report = app.dependencyReport ?? (app.artifact.kind === 'demo' ? {} : false);
  return report === false ? false : report;
}
