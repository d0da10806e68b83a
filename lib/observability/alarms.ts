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
type AlarmKey = Exclude<keyof AlarmSettings, 'unhealthyHosts'>;

interface AlarmSpec {
  readonly key: AlarmKey | `unhealthyHosts${number}`;
  readonly setting: AlarmSetting;
  readonly metric: IMetric;
  readonly description: string;
  readonly treatMissingData: TreatMissingData;
  /** @default the setting's threshold */
  readonly threshold?: number;
  /** @default ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD */
  readonly comparison?: ComparisonOperator;
}

export class PlatformAlarms extends Construct {
  /** Every alarm in creation order, with its id and severity (the dashboard lists them so). */
  readonly alarms: readonly PlatformAlarm[];
  /** The same alarms keyed by their setting's name, for a construct that reacts to some of them. */
  readonly byName: PlatformAlarmsByName;
  private readonly created: PlatformAlarm[] = [];
  private readonly named: Partial<Record<AlarmKey, Alarm>> = {};
  private readonly unhealthyHosts: Alarm[] = [];

  constructor(
    scope: Construct,
    id: string,
    private readonly props: PlatformAlarmsProps,
  ) {
    super(scope, id);
    const maxConnections = maxConnectionsOf(props);
    if (props.targetGroupFullNames.length === 0) {
      throw new Error('PlatformAlarms needs at least one target group to watch for unhealthy hosts.');
    }
    this.addLoadBalancerAlarms();
    this.addFleetAlarms();
    this.addDatabaseAlarms(maxConnections);
    this.addCacheAlarms();
    this.alarms = this.created;
    this.byName = {
      ...(this.named as Omit<PlatformAlarmsByName, 'unhealthyHosts'>),
      unhealthyHosts: this.unhealthyHosts,
    };
  }

  private add(spec: AlarmSpec): void {
    const { key, setting } = spec;
    const alarm = new Alarm(this, key, {
      metric: spec.metric,
      threshold: spec.threshold ?? setting.threshold,
      comparisonOperator: spec.comparison ?? ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: setting.evaluationPeriods,
      datapointsToAlarm: setting.datapointsToAlarm,
      treatMissingData: spec.treatMissingData,
      alarmDescription: `[${setting.severity}] ${spec.description}`,
    });
    const action = new SnsAction(this.props.topics.topic(setting.severity));
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
    this.created.push({ id: key, severity: setting.severity, alarm });
    if (key.startsWith('unhealthyHosts')) this.unhealthyHosts.push(alarm);
    else this.named[key as AlarmKey] = alarm;
  }

  private addLoadBalancerAlarms(): void {
    const { settings: s, loadBalancerFullName: lb } = this.props;
    // No traffic means no errors and no latency: a quiet night must not page anyone.
    this.add({
      key: 'alb5xxRatePercent',
      setting: s.alb5xxRatePercent,
      metric: alb5xxRate(lb),
      description: `ALB 5xx responses ≥ ${s.alb5xxRatePercent.threshold}% of requests`,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    for (const p of ['p95', 'p99'] as const) {
      const key = p === 'p95' ? 'targetResponseTimeP95Ms' : 'targetResponseTimeP99Ms';
      this.add({
        key,
        setting: s[key],
        metric: targetResponseTime(lb, p),
        description: `Target response time ${p} ≥ ${s[key].threshold} ms`,
        treatMissingData: TreatMissingData.NOT_BREACHING,
        // Configured in ms; TargetResponseTime is reported in seconds.
        threshold: s[key].threshold / 1000,
      });
    }
    // The ALB reports target health every minute; a gap is CloudWatch lag, not fleet health,
    // so the alarm keeps its state instead of paging or clearing on it.
    // Full names are usually tokens, so alarms are told apart by position, in listener order.
    this.props.targetGroupFullNames.forEach((tg, i) => {
      this.add({
        key: `unhealthyHosts${i + 1}`,
        setting: s.unhealthyHosts,
        metric: targetGroup(lb, tg, 'UnHealthyHostCount'),
        description: `Unhealthy targets ≥ ${s.unhealthyHosts.threshold} in ${tg}`,
        treatMissingData: TreatMissingData.MISSING,
      });
    });
  }

  private addFleetAlarms(): void {
    const { settings: s, autoScalingGroupName: group } = this.props;
    // Without instances (scaled to zero) there is no CPU to be high.
    this.add({
      key: 'asgCpuPercent',
      setting: s.asgCpuPercent,
      metric: asgCpu(group),
      description: `Fleet CPU ≥ ${s.asgCpuPercent.threshold}%`,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    // Memory comes from the CloudWatch agent: if it stops reporting, INSUFFICIENT_DATA on the
    // dashboard says so, where "OK" would hide a blind spot.
    this.add({
      key: 'asgMemoryPercent',
      setting: s.asgMemoryPercent,
      metric: asgMemory(group),
      description: `Fleet memory ≥ ${s.asgMemoryPercent.threshold}%`,
      treatMissingData: TreatMissingData.MISSING,
    });
  }

  // RDS and ElastiCache report every minute; gaps come with reboots and failovers, which the
  // health checks and the failover function handle. Keeping state avoids both a false page
  // and a false all-clear in the middle of one.
  private addDatabaseAlarms(maxConnections: number): void {
    const { settings: s, clusterIdentifier: db } = this.props;
    this.add({
      key: 'auroraCpuPercent',
      setting: s.auroraCpuPercent,
      metric: aurora(db, 'CPUUtilization', 'Maximum'),
      description: `Aurora CPU ≥ ${s.auroraCpuPercent.threshold}% on an instance`,
      treatMissingData: TreatMissingData.MISSING,
    });
    this.add({
      key: 'auroraFreeableMemoryMiB',
      setting: s.auroraFreeableMemoryMiB,
      metric: aurora(db, 'FreeableMemory', 'Minimum'),
      description: `Aurora freeable memory ≤ ${s.auroraFreeableMemoryMiB.threshold} MiB on an instance`,
      treatMissingData: TreatMissingData.MISSING,
      threshold: s.auroraFreeableMemoryMiB.threshold * 1024 * 1024,
      comparison: ComparisonOperator.LESS_THAN_OR_EQUAL_TO_THRESHOLD,
    });
    const connections = Math.ceil((maxConnections * s.auroraConnectionsPercent.threshold) / 100);
    this.add({
      key: 'auroraConnectionsPercent',
      setting: s.auroraConnectionsPercent,
      metric: aurora(db, 'DatabaseConnections', 'Maximum'),
      description: `Aurora connections ≥ ${s.auroraConnectionsPercent.threshold}% of max_connections (${connections} of ${maxConnections})`,
      treatMissingData: TreatMissingData.MISSING,
      threshold: connections,
    });
    // Only readers report lag: a cluster without readers has none to alarm on.
    this.add({
      key: 'auroraReplicaLagMs',
      setting: s.auroraReplicaLagMs,
      metric: aurora(db, 'AuroraReplicaLag', 'Maximum'),
      description: `Aurora replica lag ≥ ${s.auroraReplicaLagMs.threshold} ms`,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }

  private addCacheAlarms(): void {
    const { settings: s, replicationGroupId, cacheNodeCount } = this.props;
    const redis = (metricName: string, statistic: string) =>
      redisWorstNode(replicationGroupId, cacheNodeCount, metricName, statistic);
    this.add({
      key: 'redisEngineCpuPercent',
      setting: s.redisEngineCpuPercent,
      metric: redis('EngineCPUUtilization', 'Maximum'),
      description: `Redis engine CPU ≥ ${s.redisEngineCpuPercent.threshold}%`,
      treatMissingData: TreatMissingData.MISSING,
    });
    this.add({
      key: 'redisMemoryPercent',
      setting: s.redisMemoryPercent,
      metric: redis('DatabaseMemoryUsagePercentage', 'Maximum'),
      description: `Redis memory ≥ ${s.redisMemoryPercent.threshold}%`,
      treatMissingData: TreatMissingData.MISSING,
    });
    // A missing eviction count means nothing was evicted.
    this.add({
      key: 'redisEvictions',
      setting: s.redisEvictions,
      metric: redis('Evictions', 'Sum'),
      description: `Redis evictions ≥ ${s.redisEvictions.threshold} per minute`,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.add({
      key: 'redisConnections',
      setting: s.redisConnections,
      metric: redis('CurrConnections', 'Maximum'),
      description: `Redis connections ≥ ${s.redisConnections.threshold} on a node`,
      treatMissingData: TreatMissingData.MISSING,
    });
  }
}

/** `max_connections` of each Aurora instance, from the props; throws when neither input gives it. */
function maxConnectionsOf(props: PlatformAlarmsProps): number {
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
  return maxConnections;
}
