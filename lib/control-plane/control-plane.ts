import { Stack } from 'aws-cdk-lib';
import { Schedule } from 'aws-cdk-lib/aws-events';
import type { Construct } from 'constructs';
import { platformHealthChecks } from '../../functions/core/health/platform-checks';
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
  readonly topics: AlertTopics;
  /** The data tier's alarms: fleet CPU and memory start a scaling run, a component's alarms a failover evaluation. */
  readonly alarms: PlatformAlarms;
}

/**
 * The functions that keep the platform up, on their shared state table: the database roles, the
 * scaling, slow-query, failover and health controls, the admin API, and the alarms on their runs.
 * Not a construct scope of its own, so every function, rule and the state table keep the logical
 * ids they were deployed with (see `PlatformDataTier`).
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
  /** Leases not released and events parked after their retries, for every control function. */
  readonly runAlarms: RunAlarms;

  constructor(scope: Construct, props: ControlPlaneProps) {
    const { config, topics, alarms } = props;
    const { network, edge, fleet, cache, database, dnsFailover, webAcl } = props.dataTier;
    const standby = config.regions?.secondary.region;
    this.state = standby
      ? new GlobalStateTable(scope, 'State', {
          replicaRegion: standby,
          replicaKeyArn: standbyKeyAliasArn(Stack.of(scope), standby, config.name),
          deletionProtection: config.controlPlane.stateTableDeletionProtection,
        })
      : new StateTable(scope, 'State', {
          deletionProtection: config.controlPlane.stateTableDeletionProtection,
        });
    this.databaseRoles = new DatabaseRoles(scope, 'DatabaseRoles', {
      vpc: network.vpc,
      database,
      settings: config.database,
      alarmTopic: topics.topic('warning'),
      logRetentionDays: config.controlPlane.logRetentionDays,
    });
    // The service signs in as the app role from its first start.
    fleet.autoScalingGroup.node.addDependency(this.databaseRoles.resource);

    this.scaling = new ScalingControl(scope, 'Scaling', {
      stateTable: this.state.table,
      autoScalingGroup: fleet.autoScalingGroup,
      targetGroupFullName: edge.primaryTargetGroup.targetGroupFullName,
      loadBalancerFullName: edge.loadBalancer.loadBalancerFullName,
      topics: topics,
      policy: platformScalingPolicy(config.fleet),
      schedule: Schedule.expression(config.controlPlane.schedules.scaling),
      alarms: [alarms.byName.asgCpuPercent, alarms.byName.asgMemoryPercent],
      logRetentionDays: config.controlPlane.logRetentionDays,
      memorySize: config.controlPlane.memoryMiB,
      reservedConcurrency: config.controlPlane.reservedConcurrency.scaling,
    });

    this.slowQueries = new SlowQueryControl(scope, 'SlowQueries', {
      vpc: network.vpc,
      database,
      stateTable: this.state.table,
      topics: topics,
      settings: config.database,
      fleetMaxCapacity: config.fleet.maxCapacity,
      lambdaConcurrency: 1,
      schedule: Schedule.expression(config.controlPlane.schedules.slowQueries),
      logRetentionDays: config.controlPlane.logRetentionDays,
      memorySize: Math.max(1024, config.controlPlane.memoryMiB),
    });

    // Alarms are symptoms: the failover function acts on one only when its own observation finds the
    // primary unhealthy. The first target group is the fleet's; the others hold canaries.
    const byName = alarms.byName;
    const componentAlarms: ComponentAlarm[] = [
      ...(dnsFailover
        ? [byName.alb5xxRatePercent, byName.unhealthyHosts[0]!].map((alarm) => ({
            component: 'dns' as const,
            alarm,
          }))
        : []),
      ...[
        byName.auroraCpuPercent,
        byName.auroraFreeableMemoryMiB,
        byName.auroraConnectionsPercent,
        byName.auroraReplicaLagMs,
      ].map((alarm) => ({ component: 'database' as const, alarm })),
      ...[
        byName.redisEngineCpuPercent,
        byName.redisMemoryPercent,
        byName.redisEvictions,
        byName.redisConnections,
      ].map((alarm) => ({ component: 'cache' as const, alarm })),
    ];
    this.failover = new FailoverControl(scope, 'Failover', {
      stateTable: this.state.table,
      topics: topics,
      healthCheckId: dnsFailover?.healthCheckId,
      clusterIdentifier: database.clusterIdentifier,
      replicationGroupId: cache.replicationGroupId,
      settings: config.failover,
      componentAlarms,
      logRetentionDays: config.controlPlane.logRetentionDays,
      memorySize: config.controlPlane.memoryMiB,
      reservedConcurrency: config.controlPlane.reservedConcurrency.failover,
    });

    const healthChecks = platformHealthChecks({
      endpointUrl: edge.endpointUrl,
      healthCheckPath: config.loadBalancing.healthCheck.path,
      expectedStatus: config.loadBalancing.healthCheck.matcher,
      targetGroupArns: edge.targetGroups.map((group) => group.targetGroupArn),
      clusterIdentifier: database.clusterIdentifier,
      maxReplicaLagMs: config.alarms.auroraReplicaLagMs.threshold,
      replicationGroupId: cache.replicationGroupId,
      controlFunctions: [
        { name: 'scaling', functionName: this.scaling.function.functionName },
        { name: 'failover', functionName: this.failover.function.functionName },
        { name: 'slow-queries', functionName: this.slowQueries.function.functionName },
      ],
    });
    this.health = new HealthControl(scope, 'Health', {
      stateTable: this.state.table,
      topics: topics,
      checks: healthChecks,
      schedule: Schedule.expression(config.controlPlane.schedules.healthCheck),
      rounds: config.controlPlane.healthRoundsPerInvocation,
      logRetentionDays: config.controlPlane.logRetentionDays,
      memorySize: config.controlPlane.memoryMiB,
      labels: { platform: config.name, stage: config.environment.stage },
      reservedConcurrency: config.controlPlane.reservedConcurrency.healthCheck,
      cacheNodeCount: cache.nodeCount,
    });

    this.adminApi = new AdminApi(scope, 'AdminApi', {
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
      failoverComponents: dnsFailover ? ['dns', 'database', 'cache'] : ['database', 'cache'],
      scalingFunction: this.scaling.function,
      failoverFunction: this.failover.function,
      slowQueryFunction: this.slowQueries.function,
      ...(standby
        ? { regionFailoverFunctionArn: regionFailoverFunctionArn(Stack.of(scope), standby, config.name) }
        : {}),
      cache: {
        vpc: network.vpc,
        host: cache.primaryEndpoint,
        port: cache.port,
        authSecret: cache.authSecret,
        allowFrom: (peer, description) => cache.allowFrom(peer, description),
      },
      logRetentionDays: config.controlPlane.logRetentionDays,
      memorySize: config.controlPlane.memoryMiB,
      throttle: { rateLimit: 10, burstLimit: 20 },
      alarmTopic: topics.warning,
      reservedConcurrency: config.controlPlane.reservedConcurrency.adminApi,
      webAcl: config.waf.protectAdminApi ? webAcl : undefined,
    });

    this.runAlarms = new RunAlarms(scope, 'RunAlarms', {
      topic: topics.warning,
      functions: [
        this.scaling.function,
        this.failover.function,
        this.slowQueries.function,
        this.health.healthFunction,
        ...(this.health.formatterFunction ? [this.health.formatterFunction] : []),
        this.adminApi.function,
      ],
    });
  }
}
