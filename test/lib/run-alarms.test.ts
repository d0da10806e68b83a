import * as path from 'node:path';
import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { ControlFunction } from '../../lib/control-function';
import { RunAlarms } from '../../lib/run-alarms';
import { testStack } from '../support/cdk';

const entry = path.join(__dirname, 'fixtures', 'echo-handler.ts');

function build(services: readonly string[], optOut: readonly string[] = []) {
  const stack = testStack();
  const topic = new Topic(stack, 'Warning');
  const functions = services.map((serviceName, i) => ({
    serviceName,
    function: new ControlFunction(stack, `Fn${i}`, {
      entry,
      serviceName,
      timeout: Duration.seconds(30),
      memorySize: 256,
      logRetentionDays: 30,
    }),
    ...(optOut.includes(serviceName) ? { alarmOnParkedEvents: false } : {}),
  }));
  const alarms = new RunAlarms(stack, 'RunAlarms', { functions, topic });
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

  test("alarms on an event parked in each function's failure queue, except where the function's construct does", () => {
    const { stack, functions, alarms, template } = build(
      ['scaling', 'failover', 'health-check'],
      ['scaling'],
    );
    expect([...alarms.parkedEventAlarms.keys()]).toEqual(['failover', 'health-check']);
    const queueAlarms = template.findResources('AWS::CloudWatch::Alarm', {
      Properties: { MetricName: 'ApproximateNumberOfMessagesVisible' },
    });
    const queues = Object.values(queueAlarms).map(
      (alarm) =>
        (alarm as { Properties: { Dimensions: { Value: unknown }[] } }).Properties.Dimensions[0]!.Value,
    );
    expect(queues).toEqual(functions.slice(1).map((f) => stack.resolve(f.function.failureQueue.queueName)));
  });

  test.each([
    ['no function', [] as string[], /1 to 10 functions/],
    ['eleven functions', Array.from({ length: 11 }, (_, i) => `fn-${i}`), /1 to 10 functions/],
    ['the same service twice', ['scaling', 'scaling'], /distinct service names/],
  ])('refuses %s', (_case, services, message) => {
    expect(() => build(services)).toThrow(message);
  });
});
