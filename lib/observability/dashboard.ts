import { Duration } from 'aws-cdk-lib';
import {
  AlarmStatusWidget,
  Dashboard,
  GraphWidget,
  type IAlarm,
  type IMetric,
  type IWidget,
  PeriodOverride,
  TextWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import {
  alb,
  alb5xxRate,
  asg,
  asgCpu,
  asgMemory,
  aurora,
  type PlatformResourceNames,
  redisWorstNode,
  targetGroup,
  targetResponseTime,
} from './platform-metrics';

export interface PlatformDashboardProps extends PlatformResourceNames {
  /** Shown in one status widget at the top, worst first. */
  readonly alarms: readonly IAlarm[];
  /** @default CloudFormation generates a name */
  readonly dashboardName?: string;
  /** @default Duration.hours(3) */
  readonly defaultRange?: Duration;
  /**
   * Rows appended after the platform's own, top to bottom (e.g. `EndpointAlarms.widgets()`); a
   * row wider than 24 units wraps. Empty rows are skipped.
   * @default no extra rows
   */
  readonly extraWidgets?: readonly (readonly IWidget[])[];
}

const WIDTH = 8;
const HEIGHT = 6;

/**
 * One CloudWatch dashboard for the whole platform: alarm status first, then the edge (ALB and
 * target health), the fleet, Aurora and Redis, each row reading left to right from load to
 * saturation.
 */
export class PlatformDashboard extends Construct {
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: PlatformDashboardProps) {
    super(scope, id);
    const { loadBalancerFullName: lb, autoScalingGroupName: group, clusterIdentifier: db } = props;
    const range = props.defaultRange ?? Duration.hours(3);
    if (range.toSeconds() < 300) {
      throw new Error(`defaultRange must be at least 5 minutes, got ${range.toHumanString()}.`);
    }
    const redis = (metricName: string, statistic: string) =>
      redisWorstNode(props.replicationGroupId, props.cacheNodeCount, metricName, statistic);
    const graph = (title: string, left: IMetric[], right: IMetric[] = [], width = WIDTH) =>
      new GraphWidget({ title, left, right, width, height: HEIGHT });

    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName,
      start: `-${range.toIsoString()}`,
      periodOverride: PeriodOverride.AUTO,
    });
    this.dashboard.addWidgets(
      new AlarmStatusWidget({
        title: 'Alarms',
        alarms: [...props.alarms],
        width: 24,
        height: Math.max(3, Math.ceil(props.alarms.length / 6) + 2),
      }),
    );
    this.dashboard.addWidgets(
      new TextWidget({ markdown: '## Edge: load balancer and targets', width: 24, height: 1 }),
    );
    this.dashboard.addWidgets(
      graph('ALB requests and 5xx rate', [alb(lb, 'RequestCount')], [alb5xxRate(lb)]),
      graph(
        'Target response time (s)',
        (['p50', 'p95', 'p99'] as const).map((p) => targetResponseTime(lb, p).with({ label: p })),
      ),
      graph(
        'Target health',
        props.targetGroupFullNames.map((tg, i) =>
          targetGroup(lb, tg, 'HealthyHostCount', 'Minimum').with({ label: `healthy #${i + 1}` }),
        ),
        props.targetGroupFullNames.map((tg, i) =>
          targetGroup(lb, tg, 'UnHealthyHostCount').with({ label: `unhealthy #${i + 1}` }),
        ),
      ),
    );
    this.dashboard.addWidgets(new TextWidget({ markdown: '## Fleet', width: 24, height: 1 }));
    this.dashboard.addWidgets(
      graph('Capacity', [
        asg(group, 'GroupDesiredCapacity').with({ label: 'desired' }),
        asg(group, 'GroupInServiceInstances').with({ label: 'in service' }),
        asg(group, 'GroupPendingInstances').with({ label: 'pending' }),
        asg(group, 'GroupMaxSize').with({ label: 'max' }),
      ]),
      graph('CPU (%)', [asgCpu(group).with({ label: 'average' })]),
      graph('Memory (%)', [asgMemory(group).with({ label: 'average' })]),
    );
    this.dashboard.addWidgets(new TextWidget({ markdown: '## Aurora PostgreSQL', width: 24, height: 1 }));
    this.dashboard.addWidgets(
      graph('CPU (%, busiest instance)', [aurora(db, 'CPUUtilization', 'Maximum')]),
      graph('Connections', [
        aurora(db, 'DatabaseConnections', 'Maximum').with({ label: 'busiest instance' }),
      ]),
      graph('Replica lag (ms)', [aurora(db, 'AuroraReplicaLag', 'Maximum').with({ label: 'worst reader' })]),
    );
    this.dashboard.addWidgets(new TextWidget({ markdown: '## Redis', width: 24, height: 1 }));
    this.dashboard.addWidgets(
      graph('Engine CPU (%)', [redis('EngineCPUUtilization', 'Maximum')]),
      graph('Memory used (%)', [redis('DatabaseMemoryUsagePercentage', 'Maximum')]),
      graph('Evictions and connections', [redis('Evictions', 'Sum')], [redis('CurrConnections', 'Maximum')]),
    );
    for (const row of props.extraWidgets ?? []) {
      if (row.length > 0) this.dashboard.addWidgets(...row);
    }
  }
}
