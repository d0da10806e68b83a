import { build, checks } from './health-control-fixture';

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
    // The functions' own error alarms come with ControlFunction, beside these.
    expect(control.alarms.alarms).toHaveLength(5 + checks.checks.length + 1);
  });
});
