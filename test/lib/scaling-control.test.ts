import { type Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AutoScalingGroup, type IAutoScalingGroup } from 'aws-cdk-lib/aws-autoscaling';
import { Alarm, Metric } from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { parsePolicySet } from '../../functions/core/scaling/policy-schema';
import { defaultConfigInput, parsePlatformConfig } from '../../functions/shared/config';
import { AlertTopics } from '../../lib/alert-topics';
import { platformScalingPolicy, ScalingControl, type ScalingControlProps } from '../../lib/scaling-control';
import { StateTable } from '../../lib/state-table';
import { testApp, testStack } from '../support/cdk';
import { awsSolutionsFindings } from '../support/nag';

const config = parsePlatformConfig(defaultConfigInput);

function build(
  options: { group?: (stack: Stack) => IAutoScalingGroup; extra?: Partial<ScalingControlProps> } = {},
) {
  const app = testApp();
  const stack = testStack(app);
  const state = new StateTable(stack, 'State', {});
  const topics = new AlertTopics(stack, 'Alerts', { settings: config.alerting });
  const group =
    options.group?.(stack) ?? AutoScalingGroup.fromAutoScalingGroupName(stack, 'Group', 'misybot-fleet');
  const alarm = (name: string, metricName: string) =>
    new Alarm(stack, name, {
      metric: new Metric({ namespace: 'AWS/EC2', metricName }),
      threshold: 80,
      evaluationPeriods: 1,
    });
  const cpu = alarm('CpuAlarm', 'CPUUtilization');
  const memory = alarm('MemoryAlarm', 'mem_used_percent');
  const control = new ScalingControl(stack, 'Scaling', {
    stateTable: state.table,
    autoScalingGroup: group,
    targetGroupFullName: 'targetgroup/misybot/0123456789abcdef',
    loadBalancerFullName: 'app/misybot/0123456789abcdef',
    topics: { info: topics.info, warning: topics.warning },
    policy: platformScalingPolicy(config.fleet),
    schedule: config.controlPlane.schedules.scaling,
    alarms: [cpu, memory],
    logRetentionDays: config.controlPlane.logRetentionDays,
    memorySize: config.controlPlane.memoryMiB,
    ...options.extra,
  });
  // Lazy: Template.fromStack synthesises the app, after which cdk-nag would see nothing.
  return {
    app,
    stack,
    group,
    control,
    state,
    topics,
    cpu,
    memory,
    get template() {
      return Template.fromStack(stack);
    },
  };
}

/** Every statement of the function role's policies. */
function statements(template: Template): { Action: string | string[]; Resource: unknown }[] {
  const policies = template.findResources('AWS::IAM::Policy');
  return Object.values(policies).flatMap(
    (policy) =>
      (policy as { Properties: { PolicyDocument: { Statement: never[] } } }).Properties.PolicyDocument
        .Statement,
  );
}

const actionsOf = (statement: { Action: string | string[] }) =>
  Array.isArray(statement.Action) ? statement.Action : [statement.Action];

describe('ScalingControl', () => {
  test('runs the scaling handler with every variable it reads', () => {
    const { stack, state, topics, template } = build({ extra: { dryRun: true } });
    const fn = template.findResources('AWS::Lambda::Function', {
      Properties: { Environment: { Variables: { POWERTOOLS_SERVICE_NAME: 'scaling' } } },
    });
    const variables = (
      Object.values(fn)[0] as { Properties: { Environment: { Variables: Record<string, unknown> } } }
    ).Properties.Environment.Variables;
    expect(variables).toMatchObject({
      STATE_TABLE: stack.resolve(state.table.tableName),
      AUTO_SCALING_GROUP: 'misybot-fleet',
      TARGET_GROUP_FULL_NAME: 'targetgroup/misybot/0123456789abcdef',
      LOAD_BALANCER_FULL_NAME: 'app/misybot/0123456789abcdef',
      INFO_TOPIC_ARN: stack.resolve(topics.info.topicArn),
      WARNING_TOPIC_ARN: stack.resolve(topics.warning.topicArn),
      DRY_RUN: 'true',
    });
    const policy = parsePolicySet(JSON.parse(variables.DEFAULT_POLICY as string));
    expect(policy).toMatchObject({
      minCapacity: config.fleet.minCapacity,
      maxCapacity: config.fleet.maxCapacity,
      warmupSeconds: config.fleet.warmupSeconds,
    });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumRetryAttempts: 0 });
  });

  test('is not a dry run unless asked', () => {
    build().template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ DRY_RUN: 'false', POWERTOOLS_SERVICE_NAME: 'scaling' }) },
    });
  });

  test('runs on the configured schedule', () => {
    const { stack, control, template } = build({ extra: { schedule: 'rate(2 minutes)' } });
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(2 minutes)',
      State: 'ENABLED',
      Targets: [
        Match.objectLike({
          Arn: stack.resolve(control.function.functionArn),
          RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 300 },
          DeadLetterConfig: { Arn: stack.resolve(control.function.failureQueue.queueArn) },
        }),
      ],
    });
  });

  test('runs on state changes of exactly the given alarms', () => {
    const { stack, control, cpu, memory, template } = build();
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.cloudwatch'],
        'detail-type': ['CloudWatch Alarm State Change'],
        resources: [stack.resolve(cpu.alarmArn), stack.resolve(memory.alarmArn)],
      },
      Targets: [Match.objectLike({ Arn: stack.resolve(control.function.functionArn) })],
    });
  });

  test('has no alarm rule without alarms', () => {
    const { control, template } = build({ extra: { alarms: [] } });
    expect(control.alarmRule).toBeUndefined();
    template.resourceCountIs('AWS::Events::Rule', 1);
  });

  test('may set the desired capacity of its group only', () => {
    const { template } = build();
    const set = statements(template).filter((s) => actionsOf(s).includes('autoscaling:SetDesiredCapacity'));
    expect(set).toEqual([
      expect.objectContaining({
        Action: 'autoscaling:SetDesiredCapacity',
        Effect: 'Allow',
        Resource: {
          'Fn::Join': [
            '',
            [
              'arn:',
              { Ref: 'AWS::Partition' },
              ':autoscaling:',
              { Ref: 'AWS::Region' },
              ':',
              { Ref: 'AWS::AccountId' },
              ':autoScalingGroup:*:autoScalingGroupName/misybot-fleet',
            ],
          ],
        },
      }),
    ]);
  });

  test('grants "*" only to the describe, metric and X-Ray calls that have no resource-level permissions', () => {
    const { template } = build();
    const starred = statements(template).filter((s) => s.Resource === '*');
    expect(starred.flatMap(actionsOf).sort()).toEqual([
      'autoscaling:DescribeAutoScalingGroups',
      'autoscaling:DescribeScalingActivities',
      'cloudwatch:GetMetricData',
      'xray:PutTelemetryRecords',
      'xray:PutTraceSegments',
    ]);
    const wildcardActions = statements(template)
      .flatMap(actionsOf)
      .filter((a) => a.includes('*'));
    expect(wildcardActions).toEqual([]);
  });

  test('reads and writes table items, and publishes to the info and warning topics with their key', () => {
    const { stack, state, topics, template } = build();
    const all = statements(template);
    expect(all).toContainEqual(
      expect.objectContaining({
        Action: ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'],
        Resource: stack.resolve(state.table.tableArn),
      }),
    );
    expect(all).toContainEqual(
      expect.objectContaining({
        Action: 'sns:Publish',
        Resource: [stack.resolve(topics.info.topicArn), stack.resolve(topics.warning.topicArn)],
      }),
    );
    expect(all).toContainEqual(
      expect.objectContaining({
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: stack.resolve(topics.key.keyArn),
      }),
    );
    expect(all).toContainEqual(
      expect.objectContaining({
        Action: expect.arrayContaining(['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey']),
        Resource: stack.resolve(state.key.keyArn),
      }),
    );
    expect(all.flatMap(actionsOf)).not.toContain('sns:Publish*');
  });

  test('alarms on errors, throttles and the failure queue to the warning topic', () => {
    const { stack, control, topics, template } = build();
    const warning = stack.resolve(topics.warning.topicArn);
    for (const [metricName, namespace] of [
      ['Errors', 'AWS/Lambda'],
      ['Throttles', 'AWS/Lambda'],
      ['ApproximateNumberOfMessagesVisible', 'AWS/SQS'],
    ]) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: metricName,
        Namespace: namespace,
        AlarmActions: [warning],
        OKActions: [warning],
        TreatMissingData: 'notBreaching',
      });
    }
    expect(control.errorsAlarm).toBeDefined();
  });

  test('refuses a policy the function would reject, naming the field', () => {
    expect(() =>
      build({ extra: { policy: { ...platformScalingPolicy(config.fleet), maxCapacity: 0 } } }),
    ).toThrow(/maxCapacity/);
  });

  test('refuses a schedule that is not an EventBridge expression', () => {
    expect(() => build({ extra: { schedule: 'every minute' } })).toThrow(
      /must be an EventBridge schedule expression such as "rate\(1 minute\)", got "every minute"/,
    );
  });

  test('leaves no unacknowledged cdk-nag finding, with an imported group', () => {
    const built = build();
    const findings = awsSolutionsFindings(built.app, {
      autoScalingGroupArns: [built.group.autoScalingGroupArn],
    });
    expect(findings.filter((f) => f.path.includes('/Scaling/'))).toEqual([]);
  });

  test('scopes SetDesiredCapacity to a group built in the same stack by its ARN', () => {
    let group: AutoScalingGroup | undefined;
    const { stack, template } = build({
      group: (scope) => {
        const vpc = new ec2.Vpc(scope, 'Vpc', { maxAzs: 2, natGateways: 0 });
        group = new AutoScalingGroup(scope, 'Fleet', {
          vpc,
          instanceType: new ec2.InstanceType('t4g.small'),
          machineImage: ec2.MachineImage.latestAmazonLinux2023({ cpuType: ec2.AmazonLinuxCpuType.ARM_64 }),
        });
        return group;
      },
    });
    const set = statements(template).filter((s) => actionsOf(s).includes('autoscaling:SetDesiredCapacity'));
    expect(set.map((s) => s.Resource)).toEqual([stack.resolve(group!.autoScalingGroupArn)]);
    expect(JSON.stringify(set[0]!.Resource)).toContain(
      JSON.stringify({ Ref: stack.getLogicalId(group!.node.defaultChild as never) }),
    );
  });

  test('leaves no unacknowledged cdk-nag finding, with a group built in the same stack', () => {
    const { app, group } = build({
      group: (scope) => {
        const vpc = new ec2.Vpc(scope, 'Vpc', { maxAzs: 2, natGateways: 0 });
        const fleet = new AutoScalingGroup(scope, 'Fleet', {
          vpc,
          instanceType: new ec2.InstanceType('t4g.small'),
          machineImage: ec2.MachineImage.latestAmazonLinux2023({ cpuType: ec2.AmazonLinuxCpuType.ARM_64 }),
        });
        // Scaffolding for the group's ARN only; lib/fleet.ts and lib/network.ts carry the real settings.
        for (const [construct, ids] of [
          [vpc, ['AwsSolutions-VPC7']],
          [fleet, ['AwsSolutions-EC26', 'AwsSolutions-AS3']],
        ] as const) {
          for (const id of ids) Validations.of(construct).acknowledge({ id, reason: 'test scaffolding' });
        }
        return fleet;
      },
    });
    expect(awsSolutionsFindings(app, { autoScalingGroupArns: [group.autoScalingGroupArn] })).toEqual([]);
  });
});
