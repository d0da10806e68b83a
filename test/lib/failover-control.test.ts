import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Schedule } from 'aws-cdk-lib/aws-events';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { failoverTimeout } from '../../lib/failover-environment';
import { testApp, testStack } from '../support/cdk';
import { awsSolutionsFindings } from '../support/nag';
import { build, config, statements } from './failover-control-fixture';

describe('FailoverControl', () => {
  test('synthesises with no unacknowledged cdk-nag AwsSolutions finding', () => {
    const app = testApp();
    build({}, testStack(app));
    expect(awsSolutionsFindings(app)).toEqual([]);
  });
});

describe('FailoverControl function', () => {
  test('times out after the longest plan (a drill: two bounded waits and a minute) with no reserved concurrency', () => {
    const { template } = build();
    template.hasResourceProperties('AWS::Lambda::Function', {
      Timeout: 660,
      MemorySize: 512,
      ReservedConcurrentExecutions: 5,
      Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: 'failover' }) },
    });
    expect(failoverTimeout(10).toSeconds()).toBe(80);
    expect(failoverTimeout(840).toSeconds()).toBe(900);
    expect(() => failoverTimeout(0)).toThrow('actionTimeoutSeconds must be a positive integer, got 0');
  });

  test('receives the table, topics, resources, settings and maps', () => {
    const { stack, control, topics, state, unhealthyHosts, replicaLag } = build({
      settings: { ...config.failover, holdDownSeconds: 120, preferredDatabaseTarget: 'misybot-reader-1' },
    });
    const fn = Template.fromStack(stack).findResources('AWS::Lambda::Function', {
      Properties: { Description: Match.stringLikeRegexp('failover') },
    });
    const variables = Object.values(fn)[0]!.Properties.Environment.Variables;
    expect(variables).toMatchObject({
      STATE_TABLE: stack.resolve(state.table.tableName),
      CRITICAL_TOPIC_ARN: stack.resolve(topics.critical.topicArn),
      WARNING_TOPIC_ARN: stack.resolve(topics.warning.topicArn),
      INFO_TOPIC_ARN: stack.resolve(topics.info.topicArn),
      HEALTH_CHECK_ID: 'hc-0123',
      DB_CLUSTER_ID: 'misybot-aurora',
      REPLICATION_GROUP_ID: 'misybot-cache',
      COMPONENT_MAP: JSON.stringify({ api: 'dns', database: 'database', cache: 'cache' }),
    });
    expect(JSON.parse(variables.FAILOVER_SETTINGS)).toEqual({
      autoFailback: false,
      holdDownSeconds: 120,
      maxAutomaticFailoversPerHour: 2,
      maxReplicaLagSeconds: 10,
      failureThreshold: 3,
      recoveryConsecutiveChecks: 3,
      minSecondsBetweenFailovers: 600,
      minUnhealthySeconds: 60,
      standbyCapacityFraction: 0.5,
      actionTimeoutSeconds: 300,
      maxTestFailoversPer24Hours: 5,
      preferredDatabaseTarget: 'misybot-reader-1',
    });
    expect(variables.ALARM_COMPONENTS).toEqual(
      stack.resolve(
        stack.toJsonString({ dns: [unhealthyHosts.alarmName], database: [replicaLag.alarmName] }),
      ),
    );
    expect(control.function.failureQueue).toBeDefined();
  });

  test('can be invoked by the admin API', () => {
    const { stack, control } = build();
    const api = new Role(stack, 'AdminApi', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    control.function.grantInvoke(api);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      Roles: [stack.resolve(api.roleName)],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 'lambda:InvokeFunction',
            Resource: Match.arrayWith([stack.resolve(control.function.functionArn)]),
          }),
        ]),
      },
    });
  });

  test('pages the critical topic when an invocation fails', () => {
    const { stack, control, topics, template } = build();
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      Namespace: 'AWS/Lambda',
      Dimensions: [{ Name: 'FunctionName', Value: stack.resolve(control.function.functionName) }],
      Statistic: 'Sum',
      Period: 60,
      Threshold: 1,
      EvaluationPeriods: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [stack.resolve(topics.critical.topicArn)],
      OKActions: [stack.resolve(topics.critical.topicArn)],
    });
  });
});

describe('FailoverControl triggers', () => {
  test('routes the mapped health verdicts, the given alarms going to ALARM, and a schedule', () => {
    const { stack, control, unhealthyHosts, replicaLag, template } = build();
    const fnArn = stack.resolve(control.function.functionArn);
    const target = Match.arrayWith([
      Match.objectLike({
        Arn: fnArn,
        RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 600 },
        DeadLetterConfig: { Arn: stack.resolve(control.function.failureQueue.queueArn) },
      }),
    ]);
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['misybot.ha.health'],
        'detail-type': ['Component Health Changed'],
        detail: { component: ['api', 'database', 'cache'] },
      },
      Targets: target,
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.cloudwatch'],
        'detail-type': ['CloudWatch Alarm State Change'],
        resources: [stack.resolve(unhealthyHosts.alarmArn), stack.resolve(replicaLag.alarmArn)],
        detail: { state: { value: ['ALARM'] } },
      },
      Targets: target,
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      Targets: target,
    });
    template.resourceCountIs('AWS::Events::Rule', 3);
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
    });
  });

  test('takes the schedule and health components it is given', () => {
    const { template } = build({
      schedule: Schedule.rate(Duration.minutes(5)),
      healthComponents: { api: 'dns', postgres: 'database' },
      componentAlarms: [],
    });
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(5 minutes)' });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({ detail: { component: ['api', 'postgres'] } }),
    });
    template.resourceCountIs('AWS::Events::Rule', 2);
  });

  test('leaves DNS out without a health check, and refuses a DNS alarm then', () => {
    const { template } = build({ healthCheckId: undefined, componentAlarms: [] });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({ detail: { component: ['database', 'cache'] } }),
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          COMPONENT_MAP: JSON.stringify({ database: 'database', cache: 'cache' }),
          HEALTH_CHECK_ID: Match.absent(),
        }),
      },
    });
    expect(statements(template).some((s) => s.actions.some((a) => a.startsWith('route53:')))).toBe(false);
    expect(() => build({ healthCheckId: undefined })).toThrow(
      /alarm TestStack\/UnhealthyHosts reports on dns, which needs healthCheckId/,
    );
  });
});
