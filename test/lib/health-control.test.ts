import { CfnParameter, Duration, type Stack } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { Schedule } from 'aws-cdk-lib/aws-events';
import { parseHealthCheckConfig } from '../../functions/core/health/health-config';
import { platformHealthChecks } from '../../functions/core/health/platform-checks';
import { readFormatterSettings } from '../../functions/handlers/alert-formatter/settings';
import { parsePlatformConfig } from '../../functions/shared/config';
import { testApp, testStack } from '../support/cdk';
import { deployTime } from '../support/deploy-time';
import { awsSolutionsFindings } from '../support/nag';
import { build, checks, TARGET_GROUP } from './health-control-fixture';

function environment(template: Template, description: RegExp): Record<string, unknown> {
  const functions = Object.values(template.findResources('AWS::Lambda::Function')).filter((fn) =>
    description.test(String(fn.Properties.Description)),
  );
  expect(functions).toHaveLength(1);
  return functions[0]!.Properties.Environment.Variables;
}

function statements(template: Template, stack: Stack, role: { roleName: string }) {
  const policies = template.findResources('AWS::IAM::Policy', {
    Properties: { Roles: [stack.resolve(role.roleName)] },
  });
  return Object.values(policies).flatMap((p) => p.Properties.PolicyDocument.Statement) as {
    Action: string | string[];
    Resource: unknown;
  }[];
}

describe('HealthControl', () => {
  test('synthesises with no unacknowledged cdk-nag AwsSolutions finding', () => {
    const app = testApp();
    build({}, testStack(app));
    expect(awsSolutionsFindings(app)).toEqual([]);
  });

  test('runs the health function every minute with a timeout that fits the wait for the next minute, its six 10 s rounds and the reserve', () => {
    const { stack, control, template } = build();
    const t = template();
    t.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      Targets: [Match.objectLike({ Arn: stack.resolve(control.healthFunction.functionArn) })],
    });
    t.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('health checks'),
      Timeout: 125,
      ReservedConcurrentExecutions: 3,
    });
    // A failed run is not retried: the next scheduled run checks everything again.
    t.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: stack.resolve(control.healthFunction.functionName),
      MaximumRetryAttempts: 0,
    });
  });

  test('takes the schedule, rounds and interval from its props', () => {
    const { template } = build({
      schedule: Schedule.expression('rate(2 minutes)'),
      rounds: 8,
      roundInterval: Duration.seconds(12),
    });
    const t = template();
    t.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(2 minutes)' });
    t.hasResourceProperties('AWS::Lambda::Function', { Timeout: 120 + 8 * 12 + 5 });
    const env = environment(t, /health checks/);
    expect(env).toMatchObject({ ROUNDS: '8', ROUND_INTERVAL_MS: '12000', SCHEDULE_PERIOD_MS: '120000' });
  });

  test('passes the checks in HEALTH_CHECKS in a form the function’s schema accepts unchanged', () => {
    const env = environment(build().template(), /health checks/);
    expect(parseHealthCheckConfig(JSON.parse(env.HEALTH_CHECKS as string))).toEqual(checks);
  });

  test('deploy-time values in the checks reach the function and validate once resolved', () => {
    const stack = testStack();
    const param = (id: string) => new CfnParameter(stack, id).valueAsString;
    const tokenChecks = platformHealthChecks({
      endpointUrl: `http://${param('AlbDns')}`,
      healthCheckPath: '/health',
      targetGroupArns: [param('TargetGroup')],
      clusterIdentifier: 'misybot-db',
      replicationGroupId: param('ReplicationGroup'),
    });
    const { template } = build({ checks: tokenChecks }, stack);
    const t = template();
    const env = environment(t, /health checks/);
    const json = deployTime(env.HEALTH_CHECKS, {
      AlbDns: 'misybot-alb-123.eu-west-1.elb.amazonaws.com',
      TargetGroup: TARGET_GROUP,
      ReplicationGroup: 'misybot-cache',
    });
    const parsed = parseHealthCheckConfig(JSON.parse(json));
    expect(parsed.checks.find((c) => c.id === 'api-endpoint')).toMatchObject({
      url: 'http://misybot-alb-123.eu-west-1.elb.amazonaws.com/health',
    });
    // The ElastiCache grant follows the token too.
    expect(JSON.stringify(t.toJSON())).toContain('":cluster:",{"Ref":"ReplicationGroup"},"-*"');
  });

  test('refuses checks whose structure is wrong even when their values are tokens', () => {
    const stack = testStack();
    const broken = {
      ...checks,
      checks: [
        ...checks.checks,
        { ...checks.checks[0]!, targetGroupArn: new CfnParameter(stack, 'X').valueAsString },
      ],
    } as typeof checks;
    expect(() => build({ checks: broken }, stack)).toThrow(
      /checks\[\d+\]\.id: must be unique, got "api-endpoint" twice/,
    );
  });

  test('refuses checks too large for the Lambda environment', () => {
    const many = {
      ...checks,
      checks: Array.from({ length: 20 }, (_, i) => ({ ...checks.checks[0]!, id: `api-${i}` })),
    } as typeof checks;
    expect(() => build({ checks: many })).toThrow(/would take about \d+ bytes of HEALTH_CHECKS/);
  });

  test('refuses a round interval shorter than a check timeout, and rounds that outlast the schedule', () => {
    expect(() => build({ roundInterval: Duration.seconds(4) })).toThrow(
      /roundInterval \(4000 ms\) must be at least the longest check timeout \(5000 ms\)/,
    );
    expect(() => build({ rounds: 7 })).toThrow(
      /rounds × roundInterval \(70000 ms\) must fit in the schedule's period/,
    );
  });

  test('grants only what the checks read, the state table items, the three topics and the default bus', () => {
    const { stack, state, topics, control, template } = build();
    const granted = statements(template(), stack, control.healthFunction.role!);
    const on = (action: string) =>
      granted.filter((s) => [s.Action].flat().includes(action)).map((s) => JSON.stringify(s.Resource));
    expect(on('elasticloadbalancing:DescribeTargetHealth')).toEqual(['"*"']);
    expect(on('cloudwatch:GetMetricData')).toEqual(['"*"']);
    expect(on('rds:DescribeDBClusters')[0]).toContain(':cluster:misybot-db"');
    expect(on('rds:DescribeDBInstances')[0]).toContain(':db:*"');
    expect(on('elasticache:DescribeReplicationGroups')[0]).toContain(':replicationgroup:misybot-cache"');
    expect(on('elasticache:DescribeCacheClusters')[0]).toContain(':cluster:misybot-cache-*"');
    expect(on('dynamodb:PutItem')).toEqual([JSON.stringify(stack.resolve(state.table.tableArn))]);
    const everything = granted.flatMap((s) => [s.Action].flat());
    for (const forbidden of [
      'dynamodb:Scan',
      'dynamodb:DeleteItem',
      'dynamodb:UpdateItem',
      'sns:Subscribe',
    ]) {
      expect(everything).not.toContain(forbidden);
    }
    const wildcard = granted
      .filter((s) => JSON.stringify(s.Resource) === '"*"')
      .flatMap((s) => [s.Action].flat());
    expect(wildcard.sort()).toEqual([
      'cloudwatch:GetMetricData',
      'elasticloadbalancing:DescribeTargetHealth',
      'xray:PutTelemetryRecords',
      'xray:PutTraceSegments',
    ]);
    expect(JSON.parse(on('sns:Publish')[0]!)).toEqual(
      expect.arrayContaining(
        [topics.critical, topics.warning, topics.info].map((t) => stack.resolve(t.topicArn)),
      ),
    );
    expect(on('events:PutEvents')[0]).toContain(':event-bus/default"');
  });

  test('subscribes the formatter to the topics that have chat channels, with their secrets only', () => {
    const { stack, topics, control, template } = build();
    const t = template();
    const fn = control.formatterFunction!;
    for (const topic of [topics.critical, topics.warning]) {
      t.hasResourceProperties('AWS::SNS::Subscription', {
        Protocol: 'lambda',
        TopicArn: stack.resolve(topic.topicArn),
        Endpoint: stack.resolve(fn.functionArn),
      });
    }
    expect(
      t.findResources('AWS::SNS::Subscription', {
        Properties: { Protocol: 'lambda', TopicArn: stack.resolve(topics.info.topicArn) },
      }),
    ).toEqual({});
    const secrets = statements(t, stack, fn.role!).filter((s) =>
      [s.Action].flat().includes('secretsmanager:GetSecretValue'),
    );
    const resources = secrets.flatMap((s) => [s.Resource].flat().map((r) => deployTime(r))).sort();
    expect(resources).toEqual(
      ['misybot/slack-oncall', 'misybot/slack-ops', 'misybot/teams-oncall'].map(
        (name) => `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${name}-??????`,
      ),
    );
    const settings = readFormatterSettings(
      Object.fromEntries(
        Object.entries(environment(t, /Slack and Microsoft Teams/)).map(([k, v]) => [k, deployTime(v)]),
      ),
    );
    expect(settings.webhooks).toEqual([
      {
        severity: 'critical',
        protocol: 'slack',
        secretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:misybot/slack-oncall',
      },
      {
        severity: 'critical',
        protocol: 'teams',
        secretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:misybot/teams-oncall',
      },
      {
        severity: 'warning',
        protocol: 'slack',
        secretArn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:misybot/slack-ops',
      },
    ]);
  });

  test('has no formatter when no chat channel is configured', () => {
    const { control, template } = build({}, testStack(), parsePlatformConfig({}).alerting);
    expect(control.formatterFunction).toBeUndefined();
    template().resourceCountIs('AWS::SNS::Subscription', 0);
  });
});
