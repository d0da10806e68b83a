import { Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Alarm, Metric, TextWidget } from 'aws-cdk-lib/aws-cloudwatch';
import { PlatformDashboard, type PlatformDashboardProps } from '../../../lib/observability/dashboard';
import { testStack } from '../../support/cdk';

const names = {
  loadBalancerFullName: 'app/misybot/0123456789abcdef',
  targetGroupFullNames: ['targetgroup/primary/0123456789abcdef', 'targetgroup/canary/fedcba9876543210'],
  autoScalingGroupName: 'misybot-fleet',
  clusterIdentifier: 'misybot-aurora',
  replicationGroupId: 'misybot-cache',
  cacheNodeCount: 3,
};

function build(extra: Partial<PlatformDashboardProps> = {}) {
  const stack = testStack();
  const alarm = (id: string) =>
    new Alarm(stack, id, {
      metric: new Metric({ namespace: 'Test', metricName: id }),
      threshold: 1,
      evaluationPeriods: 1,
    });
  const alarms = [alarm('First'), alarm('Second')];
  const dashboard = new PlatformDashboard(stack, 'Dashboard', { ...names, alarms, ...extra });
  const [resource] = Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::Dashboard'));
  // The body is an Fn::Join of literal JSON and tokens; its text is enough to find what is graphed.
  const body = JSON.stringify(resource!.Properties.DashboardBody);
  return { stack, alarms, dashboard, body, resource: resource! };
}

/** The dashboard body as JSON, each token (alarm ARNs, names) replaced by `TOKEN`. */
function parseBody(body: string | { 'Fn::Join': [string, unknown[]] }): {
  widgets: { y: number; properties: unknown }[];
} {
  if (typeof body === 'string') return JSON.parse(body);
  return JSON.parse(body['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : 'TOKEN')).join(''));
}

describe('PlatformDashboard', () => {
  test('shows every alarm in a status widget', () => {
    const { stack, alarms, body } = build();
    expect(body).toContain('\\"type\\":\\"alarm\\"');
    for (const alarm of alarms) {
      expect(body).toContain(JSON.stringify(stack.resolve(alarm.alarmArn)));
    }
  });

  test('graphs ALB requests, the 5xx rate and latency percentiles', () => {
    const { body } = build();
    for (const text of [
      'RequestCount',
      'HTTPCode_ELB_5XX_Count',
      'HTTPCode_Target_5XX_Count',
      'TargetResponseTime',
      '\\"stat\\":\\"p99\\"',
      '\\"stat\\":\\"p95\\"',
      'app/misybot/0123456789abcdef',
    ]) {
      expect(body).toContain(text);
    }
  });

  test('graphs the health of every target group', () => {
    const { body } = build();
    for (const tg of names.targetGroupFullNames) expect(body).toContain(tg);
    expect(body).toContain('UnHealthyHostCount');
    expect(body).toContain('HealthyHostCount');
  });

  test('graphs fleet capacity, CPU and agent memory', () => {
    const { body } = build();
    for (const text of [
      'GroupInServiceInstances',
      'GroupDesiredCapacity',
      'CPUUtilization',
      'CWAgent',
      'mem_used_percent',
    ]) {
      expect(body).toContain(text);
    }
  });

  test('graphs Aurora CPU, connections and replica lag for the cluster', () => {
    const { body } = build();
    for (const text of ['AWS/RDS', 'DatabaseConnections', 'AuroraReplicaLag', 'misybot-aurora']) {
      expect(body).toContain(text);
    }
  });

  test('graphs Redis CPU, memory, evictions and connections on every node', () => {
    const { body } = build();
    for (const text of [
      'EngineCPUUtilization',
      'DatabaseMemoryUsagePercentage',
      'Evictions',
      'CurrConnections',
    ]) {
      expect(body).toContain(text);
    }
    for (const node of ['misybot-cache-001', 'misybot-cache-002', 'misybot-cache-003'])
      expect(body).toContain(node);
  });

  test('opens on the configured range', () => {
    const { body } = build({ defaultRange: Duration.hours(12) });
    expect(body).toContain('\\"start\\":\\"-PT12H\\"');
  });

  test('appends extra rows below the platform rows, in order', () => {
    const text = (markdown: string) => new TextWidget({ markdown, width: 24, height: 1 });
    const { body, resource } = build({
      extraWidgets: [[text('first extra row')], [], [text('second extra row')]],
    });
    const { widgets } = parseBody(resource.Properties.DashboardBody);
    const at = (needle: string) => body.indexOf(needle);
    expect(at('CurrConnections')).toBeGreaterThan(0);
    expect(at('first extra row')).toBeGreaterThan(at('CurrConnections'));
    expect(at('second extra row')).toBeGreaterThan(at('first extra row'));
    // Below the Redis row, not beside it: y grows down the dashboard.
    const y = (text: string) => widgets.find((w) => JSON.stringify(w.properties).includes(text))!.y;
    expect(y('second extra row')).toBeGreaterThan(y('first extra row'));
    expect(y('first extra row')).toBeGreaterThan(y('Evictions and connections'));
  });

  test('rejects a range shorter than five minutes', () => {
    expect(() => build({ defaultRange: Duration.minutes(1) })).toThrow(
      /defaultRange must be at least 5 minutes/,
    );
  });
});
