import * as path from 'node:path';
import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { ControlFunction, type ControlFunctionProps } from '../../../lib/control-plane/control-function';
import { singleTopic, testStack, testVpc } from '../../support/cdk';

const entry = path.join(__dirname, 'fixtures', 'echo-handler.ts');

function build(extra: Partial<ControlFunctionProps> = {}) {
  const stack = testStack();
  const topic = new Topic(stack, 'Alerts');
  const fn = new ControlFunction(stack, 'HealthCheck', {
    entry,
    serviceName: 'health-check',
    timeout: Duration.seconds(55),
    memorySize: 512,
    logRetentionDays: 30,
    reservedConcurrentExecutions: 2,
    alarms: { topics: singleTopic(topic), severity: 'warning', impact: 'the platform is not being checked' },
    ...extra,
  });
  return { stack, fn, template: Template.fromStack(stack) };
}

describe('ControlFunction', () => {
  test('runs on the newest Node.js runtime on arm64 with the stated timeout and memory', () => {
    const { template } = build();
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      Timeout: 55,
      MemorySize: 512,
    });
  });

  test('traces with X-Ray and grants the role to send traces', () => {
    const { template } = build();
    template.hasResourceProperties('AWS::Lambda::Function', { TracingConfig: { Mode: 'Active' } });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: ['xray:PutTelemetryRecords', 'xray:PutTraceSegments'] }),
        ]),
      },
    });
  });

  test('sets the Powertools environment and no NODE_OPTIONS by default', () => {
    const { template } = build({ logLevel: 'DEBUG', environment: { TABLE_NAME: 'state' } });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: {
          TABLE_NAME: 'state',
          NODE_OPTIONS: Match.absent(),
          POWERTOOLS_SERVICE_NAME: 'health-check',
          POWERTOOLS_METRICS_NAMESPACE: 'MisyBot/HA',
          POWERTOOLS_LOG_LEVEL: 'DEBUG',
        },
      },
      Layers: Match.absent(),
    });
  });

  test('with source maps, runs with --enable-source-maps and reads its map from its own layer', () => {
    const { stack, fn, template } = build({ sourceMaps: true });
    template.resourceCountIs('AWS::Lambda::LayerVersion', 1);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ NODE_OPTIONS: '--enable-source-maps' }) },
      Layers: [stack.resolve(fn.sourceMapLayer!.layerVersionArn)],
    });
    expect(fn.esbuildOptions).toMatchObject({
      sourcemap: 'external',
      footer: { js: '//# sourceMappingURL=/opt/source-maps/index.js.map' },
    });
  });

  test('bundles the X-Ray SDK only with detailed tracing', () => {
    const sdk = (tracing?: 'active' | 'detailed') =>
      build(tracing ? { tracing } : {}).fn.esbuildOptions.define['process.env.MISYBOT_XRAY_SDK'];
    expect(sdk()).toBe('"off"');
    expect(sdk('detailed')).toBe('"on"');
    build({ tracing: 'detailed' }).template.hasResourceProperties('AWS::Lambda::Function', {
      TracingConfig: { Mode: 'Active' },
    });
  });

  test('with tracing off, neither traces nor may send traces', () => {
    const { template } = build({ tracing: 'off' });
    template.hasResourceProperties('AWS::Lambda::Function', { TracingConfig: Match.absent() });
    expect(JSON.stringify(template.findResources('AWS::IAM::Policy'))).not.toContain('xray:');
  });

  test('takes source maps and tracing from the defaults of its scope, its own props winning', () => {
    const stack = testStack();
    ControlFunction.setDefaults(stack, { sourceMaps: true, tracing: 'detailed' });
    const props = {
      entry,
      serviceName: 's',
      timeout: Duration.seconds(5),
      memorySize: 256,
      logRetentionDays: 7,
      reservedConcurrentExecutions: 1,
      alarms: {
        topics: singleTopic(new Topic(stack, 'Alerts')),
        severity: 'warning',
        impact: 'nothing',
      } as const,
    };
    const inherited = new ControlFunction(stack, 'Inherited', props);
    const own = new ControlFunction(stack, 'Own', { ...props, sourceMaps: false, tracing: 'active' });
    expect(inherited.sourceMapLayer).toBeDefined();
    expect(inherited.esbuildOptions.define['process.env.MISYBOT_XRAY_SDK']).toBe('"on"');
    expect(own.sourceMapLayer).toBeUndefined();
    expect(own.esbuildOptions.define['process.env.MISYBOT_XRAY_SDK']).toBe('"off"');
  });

  test('logs to its own log group with the configured retention', () => {
    const { stack, fn, template } = build({ logRetentionDays: 14 });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 14 });
    template.hasResourceProperties('AWS::Lambda::Function', {
      LoggingConfig: { LogGroup: stack.resolve(fn.functionLogGroup.logGroupName) },
    });
  });

  test('sends failed asynchronous invocations to an encrypted, TLS-only queue after the configured retries', () => {
    const { stack, fn, template } = build({ retryAttempts: 1 });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: stack.resolve(fn.functionName),
      MaximumRetryAttempts: 1,
      DestinationConfig: { OnFailure: { Destination: stack.resolve(fn.failureQueue.queueArn) } },
    });
    template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 1209600,
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: Match.arrayWith(['sqs:SendMessage']),
            Resource: stack.resolve(fn.failureQueue.queueArn),
          }),
        ]),
      },
    });
  });

  test('retries twice by default and reserves the concurrency it is given', () => {
    const { template } = build();
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumRetryAttempts: 2 });
    template.hasResourceProperties('AWS::Lambda::Function', { ReservedConcurrentExecutions: 2 });
    expect(() => build({ reservedConcurrentExecutions: 0 })).toThrow(
      'reservedConcurrentExecutions must be a whole number ≥ 1, got 0.',
    );
  });

  test('alarms on its errors, its throttles and any event left in its failure queue, on ALARM and OK', () => {
    const { stack, fn, template } = build();
    const topic = { Ref: Match.stringLikeRegexp('^Alerts') };
    for (const [metric, dimension, value] of [
      ['Errors', 'FunctionName', fn.functionName],
      ['Throttles', 'FunctionName', fn.functionName],
      ['ApproximateNumberOfMessagesVisible', 'QueueName', fn.failureQueue.queueName],
    ] as const) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: metric,
        Dimensions: [{ Name: dimension, Value: stack.resolve(value) }],
        Threshold: 1,
        AlarmActions: [topic],
        OKActions: [topic],
        AlarmDescription: Match.stringLikeRegexp(
          '^\\[warning\\] The health-check function .*the platform is not being checked$',
        ),
      });
    }
  });

  test('has a role of its own without AWS-managed policies, allowed to write its own log group', () => {
    const { stack, fn, template } = build();
    template.hasResourceProperties('AWS::IAM::Role', { ManagedPolicyArns: Match.absent() });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            Resource: stack.resolve(fn.functionLogGroup.logGroupArn),
          }),
        ]),
      },
    });
  });

  test('manages its network interfaces in a VPC through one policy scoped to that VPC', () => {
    const stack = testStack();
    const vpc = testVpc(stack);
    const topic = new Topic(stack, 'Alerts');
    const common = {
      entry,
      timeout: Duration.seconds(10),
      memorySize: 256,
      logRetentionDays: 30,
      reservedConcurrentExecutions: 1,
      alarms: { topics: singleTopic(topic), severity: 'warning' as const, impact: 'tests fail' },
      vpc,
    };
    new ControlFunction(stack, 'One', { ...common, serviceName: 'one' });
    new ControlFunction(stack, 'Two', { ...common, serviceName: 'two' });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::IAM::ManagedPolicy', 1);
    const [policy] = Object.values(template.findResources('AWS::IAM::ManagedPolicy'));
    const statements = policy!.Properties.PolicyDocument.Statement as {
      Action: string | string[];
      Resource: unknown;
      Condition?: unknown;
    }[];
    const deletion = statements.find((st) =>
      ([] as string[]).concat(st.Action).includes('ec2:DeleteNetworkInterface'),
    );
    expect(deletion!.Condition).toEqual({ ArnEquals: { 'ec2:Vpc': expect.anything() } });
    const [policyId] = Object.keys(template.findResources('AWS::IAM::ManagedPolicy'));
    const roles = Object.entries(template.findResources('AWS::IAM::Role')).filter(([id]) =>
      /^(One|Two)Role/.test(id),
    );
    expect(roles).toHaveLength(2);
    for (const [, role] of roles) expect(role.Properties.ManagedPolicyArns).toEqual([{ Ref: policyId }]);
  });

  test('rejects a retention CloudWatch Logs does not offer', () => {
    expect(() => build({ logRetentionDays: 45 })).toThrow(
      /logRetentionDays must be a value CloudWatch Logs accepts/,
    );
  });

  test('rejects more than two asynchronous retries', () => {
    expect(() => build({ retryAttempts: 3 })).toThrow(/retryAttempts must be 0, 1 or 2/);
  });

  test('rejects environment variables that would override its own', () => {
    expect(() => build({ environment: { POWERTOOLS_LOG_LEVEL: 'DEBUG' } })).toThrow(
      /environment must not set POWERTOOLS_LOG_LEVEL/,
    );
  });

  test('rejects bundled files given as relative paths', () => {
    expect(() => build({ bundledFiles: ['node_modules/libpg-query/wasm/libpg-query.wasm'] })).toThrow(
      /bundledFiles must be absolute paths, got node_modules\/libpg-query/,
    );
  });

  test('rejects a tracing mode it does not know', () => {
    expect(() => build({ tracing: 'full' as 'active' })).toThrow(
      /tracing must be one of off, active, detailed, got full/,
    );
  });

  test('rejects subnets without a VPC', () => {
    expect(() => build({ vpcSubnets: { subnetGroupName: 'Private' } })).toThrow(/need vpc/);
  });
});
