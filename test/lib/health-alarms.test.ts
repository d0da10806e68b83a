import type { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { platformHealthChecks } from '../../functions/core/health/platform-checks';
import { parsePlatformConfig } from '../../functions/shared/config';
import { AlertTopics } from '../../lib/alert-topics';
import { HealthControl, type HealthControlProps } from '../../lib/health-control';
import { StateTable } from '../../lib/state-table';
import { testStack } from '../support/cdk';

const TARGET_GROUP =
  'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/primary/0123456789abcdef';
const checks = platformHealthChecks({
  endpointUrl: 'https://api.example.com',
  healthCheckPath: '/health',
  targetGroupArns: [TARGET_GROUP],
  clusterIdentifier: 'misybot-db',
  replicationGroupId: 'misybot-cache',
  controlFunctions: [{ name: 'scaling', functionName: 'misybot-scaling' }],
});
const alerting = parsePlatformConfig({
  alerting: {
    critical: [
      { protocol: 'slack', webhookSecretName: 'misybot/slack-oncall' },
      { protocol: 'teams', webhookSecretName: 'misybot/teams-oncall' },
    ],
    warning: [{ protocol: 'slack', webhookSecretName: 'misybot/slack-ops' }],
    info: [{ protocol: 'email', endpoint: 'ops@example.com' }],
  },
}).alerting;

function build(extra: Partial<HealthControlProps> = {}, stack: Stack = testStack(), settings = alerting) {
  const topics = new AlertTopics(stack, 'Alerts', { settings });
  const state = new StateTable(stack, 'State');
  const control = new HealthControl(stack, 'Health', {
    stateTable: state.table,
    topics,
    checks,
    logRetentionDays: 30,
    memorySize: 512,
    ...extra,
  });
  // Lazily: synthesising here would cache the assembly before cdk-nag is added.
  return { stack, topics, state, control, template: () => Template.fromStack(stack) };
}

describe('HealthControl alarms', () => {
  test('alarms: a down component pages critical, a failing check warns, and silence or errors warn', () => {
    const { stack, topics, control, template } = build();
    const t = template();
    const alarm = (metricName: string, dimensions: Record<string, string>, topic: { topicArn: string }) =>
      t.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'MisyBot/HA',
        MetricName: metricName,
        Dimensions: Object.entries({ service: 'health-check', ...dimensions })
          .map(([Name, Value]) => ({ Name, Value }))
          .sort((a, b) => (a.Name < b.Name ? -1 : 1)),
        AlarmActions: [stack.resolve(topic.topicArn)],
        OKActions: [stack.resolve(topic.topicArn)],
      });
    for (const component of ['api', 'fleet', 'database', 'cache', 'control-plane']) {
      alarm('ComponentStatus', { Component: component }, topics.critical);
    }
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ComponentStatus',
      Statistic: 'Maximum',
      Threshold: 2,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 2,
      DatapointsToAlarm: 2,
    });
    for (const check of checks.checks) alarm('CheckUp', { Check: check.id }, topics.warning);
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'CheckUp',
      Statistic: 'Minimum',
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      EvaluationPeriods: 2,
    });
    alarm('HealthRounds', {}, topics.warning);
    t.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'HealthRounds',
      TreatMissingData: 'breaching',
    });
    for (const fn of [control.healthFunction, control.formatterFunction!]) {
      t.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Dimensions: [{ Name: 'FunctionName', Value: stack.resolve(fn.functionName) }],
        AlarmActions: [stack.resolve(topics.warning.topicArn)],
      });
    }
    expect(control.alarms.alarms).toHaveLength(5 + checks.checks.length + 3);
  });
});
