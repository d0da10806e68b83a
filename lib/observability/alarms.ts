import { Alarm, ComparisonOperator, type IMetric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Construct } from 'constructs';
import type { AlarmSetting, AlarmSettings, Severity } from '../../functions/shared/config';
import type { SeverityTopics } from './alert-topics';
import {
  alb5xxRate,
  asgCpu,
  asgMemory,
  aurora,
  auroraPostgresMaxConnections,
  type PlatformResourceNames,
  redisWorstNode,
  targetGroup,
  targetResponseTime,
} from './platform-metrics';

export interface PlatformAlarmsProps extends PlatformResourceNames {
  readonly settings: AlarmSettings;
  /** Where each alarm notifies, by its configured severity. */
  readonly topics: SeverityTopics;
  /**
   * Aurora instance class without `db.` (e.g. `r6g.large`), to size `max_connections`.
   * Needed unless `databaseMaxConnections` is given.
   */
  readonly databaseInstanceClass?: string;
  /**
   * `max_connections` of each Aurora instance, when set in a parameter group.
   * @default the engine default for `databaseInstanceClass`
   */
  readonly databaseMaxConnections?: number;
}

/**
 * The alarms by the name of the setting in `AlarmSettings` that raised them: one per setting, and
 * for `unhealthyHosts` one per target group in listener order.
 */
export type PlatformAlarmsByName = {
  readonly [Name in Exclude<keyof AlarmSettings, 'unhealthyHosts'>]: Alarm;
} & { readonly unhealthyHosts: readonly Alarm[] };

export interface PlatformAlarm {
  /** The key of the alarm in `AlarmSettings`; per-target-group ones end in the group's position (1-based). */
  readonly id: string;
  readonly severity: Severity;
  readonly alarm: Alarm;
}

/**
 * CloudWatch alarms from the configured thresholds, on one-minute periods. Each notifies the
 * topic of its severity on ALARM and again on OK, so the incident timeline gets both edges.
 *
 * Aurora connections are alarmed as a count against a threshold computed from the instance's
 * `max_connections`: a metric-math ratio would need that same constant inside the expression,
 * and a plain threshold shows the operator the real number in the console.
 */
export class PlatformAlarms extends Construct {
  /** Every alarm in creation order, with its id and severity (the dashboard lists them so). */
  readonly alarms: readonly PlatformAlarm[];
  /** The same alarms keyed by their setting's name, for a construct that reacts to some of them. */
  readonly byName: PlatformAlarmsByName;

  constructor(scope: Construct, id: string, props: PlatformAlarmsProps) {
    super(scope, id);
    const { settings: s, loadBalancerFullName: lb } = props;
    const maxConnections =
      props.databaseMaxConnections ??
      (props.databaseInstanceClass === undefined
        ? undefined
        : auroraPostgresMaxConnections(props.databaseInstanceClass));
    if (maxConnections === undefined) {
      throw new Error(
        'PlatformAlarms needs databaseInstanceClass or databaseMaxConnections to size the Aurora connections alarm.',
      );
    }
    if (!Number.isInteger(maxConnections) || maxConnections < 1) {
      throw new Error(`databaseMaxConnections must be a positive integer, got ${maxConnections}.`);
    }
    if (props.targetGroupFullNames.length === 0) {
      throw new Error('PlatformAlarms needs at least one target group to watch for unhealthy hosts.');
    }

    const alarms: PlatformAlarm[] = [];
    const byName: Partial<Record<keyof AlarmSettings, Alarm>> = {};
    const unhealthyHosts: Alarm[] = [];
    const add = (
      key: Exclude<keyof AlarmSettings, 'unhealthyHosts'> | `unhealthyHosts${number}`,
      setting: AlarmSetting,
      metric: IMetric,
      description: string,
      treatMissingData: TreatMissingData,
      options: { threshold?: number; comparison?: ComparisonOperator } = {},
    ) => {
      const alarm = new Alarm(this, key, {
        metric,
        threshold: options.threshold ?? setting.threshold,
        comparisonOperator: options.comparison ?? ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: setting.evaluationPeriods,
        datapointsToAlarm: setting.datapointsToAlarm,
        treatMissingData,
        alarmDescription: `[${setting.severity}] ${description}`,
      });
      const action = new SnsAction(props.topics.topic(setting.severity));
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
      alarms.push({ id: key, severity: setting.severity, alarm });
      if (key.startsWith('unhealthyHosts')) unhealthyHosts.push(alarm);
      else byName[key as Exclude<keyof AlarmSettings, 'unhealthyHosts'>] = alarm;
    };
    const redis = (metricName: string, statistic: string) =>
      redisWorstNode(props.replicationGroupId, props.cacheNodeCount, metricName, statistic);

    // No traffic means no errors and no latency: a quiet night must not page anyone.
    add(
      'alb5xxRatePercent',
      s.alb5xxRatePercent,
      alb5xxRate(lb),
      `ALB 5xx responses ≥ ${s.alb5xxRatePercent.threshold}% of requests`,
      TreatMissingData.NOT_BREACHING,
    );
    for (const p of ['p95', 'p99'] as const) {
      const key = p === 'p95' ? 'targetResponseTimeP95Ms' : 'targetResponseTimeP99Ms';
      // Configured in ms; TargetResponseTime is reported in seconds.
      add(
        key,
        s[key],
        targetResponseTime(lb, p),
        `Target response time ${p} ≥ ${s[key].threshold} ms`,
        TreatMissingData.NOT_BREACHING,
        {
          threshold: s[key].threshold / 1000,
        },
      );
    }
    // The ALB reports target health every minute; a gap is CloudWatch lag, not fleet health,
    // so the alarm keeps its state instead of paging or clearing on it.
    // Full names are usually tokens, so alarms are told apart by position, in listener order.
    props.targetGroupFullNames.forEach((tg, i) => {
      add(
        `unhealthyHosts${i + 1}`,
        s.unhealthyHosts,
        targetGroup(lb, tg, 'UnHealthyHostCount'),
        `Unhealthy targets ≥ ${s.unhealthyHosts.threshold} in ${tg}`,
        TreatMissingData.MISSING,
      );
    });
    // Without instances (scaled to zero) there is no CPU to be high.
    add(
      'asgCpuPercent',
      s.asgCpuPercent,
      asgCpu(props.autoScalingGroupName),
      `Fleet CPU ≥ ${s.asgCpuPercent.threshold}%`,
      TreatMissingData.NOT_BREACHING,
    );
    // Memory comes from the CloudWatch agent: if it stops reporting, INSUFFICIENT_DATA on the
    // dashboard says so, where "OK" would hide a blind spot.
    add(
      'asgMemoryPercent',
      s.asgMemoryPercent,
      asgMemory(props.autoScalingGroupName),
      `Fleet memory ≥ ${s.asgMemoryPercent.threshold}%`,
      TreatMissingData.MISSING,
    );

    // RDS and ElastiCache report every minute; gaps come with reboots and failovers, which the
    // health checks and the failover function handle. Keeping state avoids both a false page
    // and a false all-clear in the middle of one.
    const db = props.clusterIdentifier;
    add(
      'auroraCpuPercent',
      s.auroraCpuPercent,
      aurora(db, 'CPUUtilization', 'Maximum'),
      `Aurora CPU ≥ ${s.auroraCpuPercent.threshold}% on an instance`,
      TreatMissingData.MISSING,
    );
    add(
      'auroraFreeableMemoryMiB',
      s.auroraFreeableMemoryMiB,
      aurora(db, 'FreeableMemory', 'Minimum'),
      `Aurora freeable memory ≤ ${s.auroraFreeableMemoryMiB.threshold} MiB on an instance`,
      TreatMissingData.MISSING,
      {
        threshold: s.auroraFreeableMemoryMiB.threshold * 1024 * 1024,
        comparison: ComparisonOperator.LESS_THAN_OR_EQUAL_TO_THRESHOLD,
      },
    );
    const connections = Math.ceil((maxConnections * s.auroraConnectionsPercent.threshold) / 100);
    add(
      'auroraConnectionsPercent',
      s.auroraConnectionsPercent,
      aurora(db, 'DatabaseConnections', 'Maximum'),
      `Aurora connections ≥ ${s.auroraConnectionsPercent.threshold}% of max_connections (${connections} of ${maxConnections})`,
      TreatMissingData.MISSING,
      {
        threshold: connections,
      },
    );
    // Only readers report lag: a cluster without readers has none to alarm on.
    add(
      'auroraReplicaLagMs',
      s.auroraReplicaLagMs,
      aurora(db, 'AuroraReplicaLag', 'Maximum'),
      `Aurora replica lag ≥ ${s.auroraReplicaLagMs.threshold} ms`,
      TreatMissingData.NOT_BREACHING,
    );

    add(
      'redisEngineCpuPercent',
      s.redisEngineCpuPercent,
      redis('EngineCPUUtilization', 'Maximum'),
      `Redis engine CPU ≥ ${s.redisEngineCpuPercent.threshold}%`,
      TreatMissingData.MISSING,
    );
    add(
      'redisMemoryPercent',
      s.redisMemoryPercent,
      redis('DatabaseMemoryUsagePercentage', 'Maximum'),
      `Redis memory ≥ ${s.redisMemoryPercent.threshold}%`,
      TreatMissingData.MISSING,
    );
    // A missing eviction count means nothing was evicted.
    add(
      'redisEvictions',
      s.redisEvictions,
      redis('Evictions', 'Sum'),
      `Redis evictions ≥ ${s.redisEvictions.threshold} per minute`,
      TreatMissingData.NOT_BREACHING,
    );
    add(
      'redisConnections',
      s.redisConnections,
      redis('CurrConnections', 'Maximum'),
      `Redis connections ≥ ${s.redisConnections.threshold} on a node`,
      TreatMissingData.MISSING,
    );

    this.alarms = alarms;
    this.byName = { ...(byName as Omit<PlatformAlarmsByName, 'unhealthyHosts'>), unhealthyHosts };
  }
}
