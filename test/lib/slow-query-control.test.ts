import { Match, Template } from 'aws-cdk-lib/assertions';
import { parsePlatformConfig } from '../../functions/shared/config';
import { AlertTopics } from '../../lib/alert-topics';
import { PlatformDatabase } from '../../lib/database';
import { PlatformNetwork } from '../../lib/network';
import { SlowQueryControl, type SlowQueryControlProps } from '../../lib/slow-query-control';
import { StateTable } from '../../lib/state-table';
import { testApp, testStack } from '../support/cdk';
import { awsSolutionsFindings } from '../support/nag';

function build(extra: Partial<SlowQueryControlProps> = {}, app = testApp()) {
  const stack = testStack(app);
  const config = parsePlatformConfig({ database: { analysis: { minMeanMs: 50, maxCandidates: 40 } } });
  const network = new PlatformNetwork(stack, 'Network', { settings: config.network });
  const topics = new AlertTopics(stack, 'Alerts', { settings: config.alerting });
  const state = new StateTable(stack, 'State');
  const database = new PlatformDatabase(stack, 'Database', {
    vpc: network.vpc,
    settings: config.database,
    clusterIdentifier: 'misybot-db',
  });
  const control = new SlowQueryControl(stack, 'SlowQueries', {
    vpc: network.vpc,
    database,
    stateTable: state.table,
    infoTopic: topics.info,
    warningTopic: topics.warning,
    settings: config.database,
    fleetMaxCapacity: config.fleet.maxCapacity,
    lambdaConcurrency: 12,
    schedule: config.controlPlane.schedules.slowQueries,
    logRetentionDays: 30,
    memorySize: 1024,
    ...extra,
  });
  return { app, stack, network, topics, state, database, control, config };
}

function policyStatements(template: Template): Array<Record<string, unknown>> {
  return Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
    (policy) => policy.Properties.PolicyDocument.Statement,
  );
}

describe('SlowQueryControl', () => {
  test('runs the function in the private subnets with egress, under its own security group', () => {
    const { stack, network, control } = build();
    const template = Template.fromStack(stack);
    const privateSubnets = network.vpc.privateSubnets.map((s) => stack.resolve(s.subnetId));
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: Match.absent(),
      VpcConfig: {
        SubnetIds: privateSubnets,
        SecurityGroupIds: [stack.resolve(control.securityGroup.securityGroupId)],
      },
      ReservedConcurrentExecutions: 1,
      Timeout: 300,
      MemorySize: 1024,
    });
    expect(privateSubnets).not.toEqual(network.vpc.isolatedSubnets.map((s) => stack.resolve(s.subnetId)));
  });

  test('lets the function, and only on 5432, into the proxy security group; egress is 5432 and HTTPS', () => {
    const { stack, database, control } = build();
    const template = Template.fromStack(stack);
    const proxyGroup = stack.resolve(database.connections.securityGroups[0]!.securityGroupId);
    const fnGroup = stack.resolve(control.securityGroup.securityGroupId);
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: proxyGroup,
      SourceSecurityGroupId: fnGroup,
      IpProtocol: 'tcp',
      FromPort: 5432,
      ToPort: 5432,
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroupEgress', {
      GroupId: fnGroup,
      DestinationSecurityGroupId: proxyGroup,
      FromPort: 5432,
      ToPort: 5432,
    });
    const groups = template.findResources('AWS::EC2::SecurityGroup');
    const own = Object.entries(groups).find(([logicalId]) => logicalId === fnGroup['Fn::GetAtt'][0]);
    expect(own?.[1].Properties.SecurityGroupEgress).toEqual([
      {
        CidrIp: '0.0.0.0/0',
        Description: 'HTTPS to AWS service endpoints',
        FromPort: 443,
        IpProtocol: 'tcp',
        ToPort: 443,
      },
    ]);
  });

  test('grants rds-db:connect for the one user on this proxy only', () => {
    const { stack, database } = build({ databaseUser: 'misybot_analyst' });
    const template = Template.fromStack(stack);
    // The function's own grant; the proxy's role has its own (end-to-end IAM to Aurora).
    const connects = policyStatements(template).filter(
      (s) => s.Action === 'rds-db:connect' && JSON.stringify(s.Resource).includes('/misybot_analyst'),
    );
    expect(connects).toHaveLength(1);
    const resource = JSON.stringify(connects[0]!.Resource);
    expect(resource).toContain(':dbuser:');
    expect(resource).toContain('/misybot_analyst');
    // The proxy's resource id is cut from its ARN: the grant names this proxy, never a wildcard.
    expect(resource).toContain(JSON.stringify(stack.resolve(database.proxy.dbProxyArn)));
    expect(resource).not.toContain('*');
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ DB_USER: 'misybot_analyst' }) },
    });
  });

  test('is invoked by the configured schedule', () => {
    const { stack, control } = build({ schedule: 'cron(15 * * * ? *)' });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'cron(15 * * * ? *)',
      State: 'ENABLED',
      Targets: [
        Match.objectLike({
          Arn: stack.resolve(control.function.functionArn),
          RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 },
        }),
      ],
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Principal: 'events.amazonaws.com',
      SourceArn: stack.resolve(control.rule.ruleArn),
    });
  });

  test('passes the proxy, database, topics and analysis settings in its environment', () => {
    const { stack, database, topics, state } = build();
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          STATE_TABLE: stack.resolve(state.table.tableName),
          INFO_TOPIC_ARN: stack.resolve(topics.info.topicArn),
          WARNING_TOPIC_ARN: stack.resolve(topics.warning.topicArn),
          DB_PROXY_ENDPOINT: stack.resolve(database.proxy.endpoint),
          DB_PORT: '5432',
          DB_NAME: 'misybot',
          DB_USER: 'misybot_advisor',
          DB_CLUSTER_ID: stack.resolve(database.clusterIdentifier),
          FLEET_MAX_CAPACITY: '10',
          LAMBDA_CONCURRENCY: '12',
          POWERTOOLS_SERVICE_NAME: 'slow-queries',
        }),
      },
    });
    const fn = Object.values(template.findResources('AWS::Lambda::Function')).find(
      (f) => f.Properties.Environment?.Variables?.SLOW_QUERY_SETTINGS,
    );
    expect(JSON.parse(fn!.Properties.Environment.Variables.SLOW_QUERY_SETTINGS)).toMatchObject({
      minMeanMs: 50,
      minCalls: 100,
      maxCandidates: 40,
      minCostReduction: 0.5,
    });
  });

  test('may read and write the state table and publish to the info and warning topics, with their keys', () => {
    const { stack, topics, state } = build();
    const template = Template.fromStack(stack);
    const statements = policyStatements(template);
    const actionsOn = (resource: unknown) =>
      statements
        .filter((s) => JSON.stringify(s.Resource).includes(JSON.stringify(resource)))
        .flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
    expect(actionsOn(stack.resolve(topics.info.topicArn))).toContain('sns:Publish');
    expect(actionsOn(stack.resolve(topics.warning.topicArn))).toContain('sns:Publish');
    expect(actionsOn(stack.resolve(topics.critical.topicArn))).not.toContain('sns:Publish');
    expect(actionsOn(stack.resolve(topics.key.keyArn))).toEqual(
      expect.arrayContaining(['kms:Decrypt', 'kms:GenerateDataKey']),
    );
    expect(actionsOn(stack.resolve(state.table.tableArn))).toEqual(
      expect.arrayContaining([
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
      ]),
    );
    expect(actionsOn(stack.resolve(state.key.keyArn))).toEqual(expect.arrayContaining(['kms:Decrypt']));
    // Items on the table only: no index, no scan, no query.
    const tableArn = stack.resolve(state.table.tableArn);
    const tableStatements = statements.filter((s) =>
      JSON.stringify(s.Resource).includes(JSON.stringify(tableArn)),
    );
    expect(tableStatements).toEqual([
      expect.objectContaining({
        Action: ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
        Resource: tableArn,
      }),
    ]);
  });

  test('synthesises with no unacknowledged cdk-nag AwsSolutions finding', () => {
    const { app } = build();
    expect(awsSolutionsFindings(app)).toEqual([]);
  });

  test('rejects a schedule EventBridge would not accept and negative capacities', () => {
    expect(() => build({ schedule: 'every hour' })).toThrow(
      /schedule must be an EventBridge schedule expression/,
    );
    expect(() => build({ fleetMaxCapacity: -1 })).toThrow(/fleetMaxCapacity must be a non-negative integer/);
    expect(() => build({ lambdaConcurrency: 1.5 })).toThrow(
      /lambdaConcurrency must be a non-negative integer/,
    );
  });
});
