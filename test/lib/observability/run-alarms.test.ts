import * as path from 'node:path';
import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { ControlFunction } from '../../../lib/control-plane/control-function';
import { RunAlarms } from '../../../lib/observability/run-alarms';
import { singleTopic, testStack } from '../../support/cdk';

const entry = path.join(__dirname, '..', 'control-plane', 'fixtures', 'echo-handler.ts');

function build(services: readonly string[]) {
  const stack = testStack();
  const topic = new Topic(stack, 'Warning');
  const functions = services.map(
    (serviceName, i) =>
      new ControlFunction(stack, `Fn${i}`, {
        entry,
        serviceName,
        timeout: Duration.seconds(30),
        memorySize: 256,
        logRetentionDays: 30,
        reservedConcurrentExecutions: 1,
        alarms: { topics: singleTopic(topic), severity: 'warning', impact: 'nothing runs' },
      }),
  );
  const alarms = new RunAlarms(stack, 'RunAlarms', { functions, topics: singleTopic(topic) });
  return { stack, topic, functions, alarms, template: Template.fromStack(stack) };
}

describe('RunAlarms', () => {
  test('alarms on any lease a control function could not release, summing every function, to the topic', () => {
    const { stack, topic, template } = build(['scaling', 'failover']);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: 1,
      EvaluationPeriods: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [stack.resolve(topic.topicArn)],
      OKActions: [stack.resolve(topic.topicArn)],
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'SUM(METRICS())' }),
        ...['scaling', 'failover'].map((service) =>
          Match.objectLike({
            MetricStat: Match.objectLike({
              Metric: {
                Namespace: 'MisyBot/HA',
                MetricName: 'LockReleaseFailures',
                Dimensions: [{ Name: 'service', Value: service }],
              },
              Stat: 'Sum',
            }),
            ReturnData: false,
          }),
        ),
      ]),
    });
  });

  test("leaves the failure queues to the functions' own alarms", () => {
    const { template } = build(['scaling', 'failover']);
    const queueAlarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).filter(
      (alarm) =>
        (alarm as { Properties: { MetricName?: string } }).Properties.MetricName ===
        'ApproximateNumberOfMessagesVisible',
    );
    // One per function, from ControlFunctionAlarms; none added here.
    expect(queueAlarms).toHaveLength(2);
  });

  test.each([
    ['no function', [] as string[], /1 to 10 functions/],
    ['eleven functions', Array.from({ length: 11 }, (_, i) => `fn-${i}`), /1 to 10 functions/],
    ['the same service twice', ['scaling', 'scaling'], /distinct service names/],
  ])('refuses %s', (_case, services, message) => {
    expect(() => build(services)).toThrow(message);
  });
});
