import type { CfnElement, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import {
  type AlarmSettings,
  type PlatformConfigInput,
  parsePlatformConfig,
} from '../../functions/shared/config';
import { PlatformAlarms, type PlatformAlarmsProps } from '../../lib/alarms';
import { AlertTopics } from '../../lib/alert-topics';
import { auroraPostgresMaxConnections } from '../../lib/platform-metrics';
import { testStack } from '../support/cdk';

const names = {
  loadBalancerFullName: 'app/misybot/0123456789abcdef',
  targetGroupFullNames: ['targetgroup/primary/0123456789abcdef', 'targetgroup/canary/fedcba9876543210'],
  autoScalingGroupName: 'misybot-fleet',
  clusterIdentifier: 'misybot-aurora',
  replicationGroupId: 'misybot-cache',
  cacheNodeCount: 2,
  databaseInstanceClass: 'r6g.large',
};

function build(alarms: PlatformConfigInput['alarms'] = {}, extra: Partial<PlatformAlarmsProps> = {}) {
  const stack = testStack();
  const topics = new AlertTopics(stack, 'Alerts', { settings: parsePlatformConfig({}).alerting });
  const settings: AlarmSettings = parsePlatformConfig({ alarms }).alarms;
  const platformAlarms = new PlatformAlarms(stack, 'Alarms', { ...names, settings, topics, ...extra });
  return { stack, topics, alarms: platformAlarms, template: Template.fromStack(stack) };
}

function alarmProps(stack: Stack, alarms: PlatformAlarms, id: string) {
  const entry = alarms.alarms.find((a) => a.id === id);
  if (!entry) throw new Error(`no alarm ${id}`);
  const template = Template.fromStack(stack).toJSON();
  return template.Resources[stack.getLogicalId(entry.alarm.node.defaultChild as CfnElement)].Properties;
}

describe('PlatformAlarms', () => {
  test('creates one alarm per setting and one unhealthy-hosts alarm per target group', () => {
    const { alarms, template } = build();
    // Plus the alert topics' own delivery-failures alarm.
    template.resourceCountIs('AWS::CloudWatch::Alarm', 16);
    expect(alarms.alarms.map((a) => a.id)).toEqual([
      'alb5xxRatePercent',
      'targetResponseTimeP95Ms',
      'targetResponseTimeP99Ms',
      'unhealthyHosts1',
      'unhealthyHosts2',
      'asgCpuPercent',
      'asgMemoryPercent',
      'auroraCpuPercent',
      'auroraFreeableMemoryMiB',
      'auroraConnectionsPercent',
      'auroraReplicaLagMs',
      'redisEngineCpuPercent',
      'redisMemoryPercent',
      'redisEvictions',
      'redisConnections',
    ]);
  });

  test('every alarm notifies the topic of its severity on ALARM and on OK', () => {
    const { stack, topics, alarms } = build({ auroraCpuPercent: { threshold: 70, severity: 'critical' } });
    for (const { id, severity } of alarms.alarms) {
      const props = alarmProps(stack, alarms, id);
      const topic = stack.resolve(topics.topic(severity).topicArn);
      expect({ id, actions: props.AlarmActions, ok: props.OKActions }).toEqual({
        id,
        actions: [topic],
        ok: [topic],
      });
    }
    expect(alarms.alarms.find((a) => a.id === 'auroraCpuPercent')?.severity).toBe('critical');
    expect(alarms.alarms.find((a) => a.id === 'alb5xxRatePercent')?.severity).toBe('critical');
    expect(alarms.alarms.find((a) => a.id === 'redisEvictions')?.severity).toBe('info');
  });

  test('configured thresholds and evaluation windows reach the template', () => {
    const { stack, alarms } = build({
      auroraCpuPercent: { threshold: 70, severity: 'critical', evaluationPeriods: 10, datapointsToAlarm: 7 },
    });
    expect(alarmProps(stack, alarms, 'auroraCpuPercent')).toMatchObject({
      Threshold: 70,
      EvaluationPeriods: 10,
      DatapointsToAlarm: 7,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      MetricName: 'CPUUtilization',
      Namespace: 'AWS/RDS',
      Statistic: 'Maximum',
      Period: 60,
      Dimensions: [{ Name: 'DBClusterIdentifier', Value: 'misybot-aurora' }],
      TreatMissingData: 'missing',
    });
  });

  test('the 5xx rate is ELB plus target 5xx over requests and ELB 5xx, and a quiet minute is not breaching', () => {
    const { stack, alarms } = build({ alb5xxRatePercent: { threshold: 2 } });
    const props = alarmProps(stack, alarms, 'alb5xxRatePercent');
    expect(props).toMatchObject({
      Threshold: 2,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
      TreatMissingData: 'notBreaching',
    });
    const expression = props.Metrics.find((m: { Expression?: string }) => m.Expression);
    expect(expression.Expression).toBe(
      'IF(FILL(requests, 0) + FILL(elb5xx, 0) > 0, 100 * (FILL(elb5xx, 0) + FILL(target5xx, 0)) / (FILL(requests, 0) + FILL(elb5xx, 0)), 0)',
    );
    const metricNames = props.Metrics.filter((m: { MetricStat?: unknown }) => m.MetricStat).map(
      (m: { MetricStat: { Metric: { MetricName: string } } }) => m.MetricStat.Metric.MetricName,
    );
    expect(metricNames.sort()).toEqual([
      'HTTPCode_ELB_5XX_Count',
      'HTTPCode_Target_5XX_Count',
      'RequestCount',
    ]);
  });

  test('response-time thresholds are configured in ms and compared in seconds at p95 and p99', () => {
    const { stack, alarms } = build({
      targetResponseTimeP95Ms: { threshold: 400 },
      targetResponseTimeP99Ms: { threshold: 1200 },
    });
    expect(alarmProps(stack, alarms, 'targetResponseTimeP95Ms')).toMatchObject({
      Threshold: 0.4,
      ExtendedStatistic: 'p95',
      MetricName: 'TargetResponseTime',
    });
    expect(alarmProps(stack, alarms, 'targetResponseTimeP99Ms')).toMatchObject({
      Threshold: 1.2,
      ExtendedStatistic: 'p99',
    });
  });

  test('watches unhealthy hosts per target group', () => {
    const { template } = build();
    for (const tg of names.targetGroupFullNames) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'UnHealthyHostCount',
        Threshold: 1,
        Dimensions: Match.arrayWith([{ Name: 'TargetGroup', Value: tg }]),
      });
    }
  });

  test('fleet memory comes from the CloudWatch agent by Auto Scaling group', () => {
    const { template } = build();
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'CWAgent',
      MetricName: 'mem_used_percent',
      Dimensions: [{ Name: 'AutoScalingGroupName', Value: 'misybot-fleet' }],
      Threshold: 85,
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/EC2',
      MetricName: 'CPUUtilization',
      Dimensions: [{ Name: 'AutoScalingGroupName', Value: 'misybot-fleet' }],
    });
  });

  test('freeable memory is configured in MiB and alarms at or below it in bytes', () => {
    const { stack, alarms } = build({ auroraFreeableMemoryMiB: { threshold: 512 } });
    expect(alarmProps(stack, alarms, 'auroraFreeableMemoryMiB')).toMatchObject({
      Threshold: 512 * 1024 * 1024,
      ComparisonOperator: 'LessThanOrEqualToThreshold',
      Statistic: 'Minimum',
    });
  });

  test('connections alarm at the configured share of the instance class max_connections', () => {
    const { stack, alarms } = build({ auroraConnectionsPercent: { threshold: 50 } });
    expect(alarmProps(stack, alarms, 'auroraConnectionsPercent')).toMatchObject({
      MetricName: 'DatabaseConnections',
      Threshold: Math.ceil(auroraPostgresMaxConnections('r6g.large') * 0.5),
    });
    const explicit = build({ auroraConnectionsPercent: { threshold: 50 } }, { databaseMaxConnections: 200 });
    expect(alarmProps(explicit.stack, explicit.alarms, 'auroraConnectionsPercent')).toMatchObject({
      Threshold: 100,
    });
  });

  test('replica lag is alarmed in ms and a cluster without readers is not breaching', () => {
    const { stack, alarms } = build({ auroraReplicaLagMs: { threshold: 2000 } });
    expect(alarmProps(stack, alarms, 'auroraReplicaLagMs')).toMatchObject({
      MetricName: 'AuroraReplicaLag',
      Threshold: 2000,
      TreatMissingData: 'notBreaching',
    });
  });

  test('Redis alarms look at the worst member node of the replication group', () => {
    const { stack, alarms } = build();
    const props = alarmProps(stack, alarms, 'redisMemoryPercent');
    const expression = props.Metrics.find((m: { Expression?: string }) => m.Expression);
    expect(expression.Expression).toBe(
      'MAX([n_DatabaseMemoryUsagePercentage_1, n_DatabaseMemoryUsagePercentage_2])',
    );
    const nodes = props.Metrics.filter((m: { MetricStat?: unknown }) => m.MetricStat).map(
      (m: { MetricStat: { Metric: { Dimensions: { Value: string }[] } } }) =>
        m.MetricStat.Metric.Dimensions[0]!.Value,
    );
    expect(nodes).toEqual(['misybot-cache-001', 'misybot-cache-002']);
    expect(alarmProps(stack, alarms, 'redisEvictions')).toMatchObject({
      Threshold: 100,
      TreatMissingData: 'notBreaching',
    });
  });

  test('rejects a configuration with no way to size max_connections', () => {
    expect(() => build({}, { databaseInstanceClass: undefined })).toThrow(
      /needs databaseInstanceClass or databaseMaxConnections/,
    );
  });

  test('rejects an empty target group list', () => {
    expect(() => build({}, { targetGroupFullNames: [] })).toThrow(/at least one target group/);
  });
});

describe('auroraPostgresMaxConnections', () => {
  test('follows LEAST(memory / 9531392, 5000)', () => {
    expect(auroraPostgresMaxConnections('r6g.large')).toBe(1678);
    expect(auroraPostgresMaxConnections('db.r7g.xlarge')).toBe(3357);
    expect(auroraPostgresMaxConnections('t4g.medium')).toBe(419);
    expect(auroraPostgresMaxConnections('r6g.4xlarge')).toBe(5000);
  });

  test('refuses classes whose memory it does not know', () => {
    expect(() => auroraPostgresMaxConnections('m5.large')).toThrow(/pass maxConnections explicitly/);
    expect(() => auroraPostgresMaxConnections('t4g.2xmedium')).toThrow(/not known/);
  });
});
