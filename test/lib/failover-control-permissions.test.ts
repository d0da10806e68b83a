import { build, statementFor, statements } from './failover-control-fixture';

describe('FailoverControl permissions', () => {
  test('reach the one health check, cluster and replication group', () => {
    const { stack, template } = build();
    const partition = { Ref: 'AWS::Partition' };
    expect(statementFor(template, 'route53:UpdateHealthCheck')).toEqual({
      actions: ['route53:GetHealthCheck', 'route53:GetHealthCheckStatus', 'route53:UpdateHealthCheck'],
      resource: { 'Fn::Join': ['', ['arn:', partition, ':route53:::healthcheck/hc-0123']] },
    });
    expect(stack.resolve(statementFor(template, 'rds:FailoverDBCluster'))).toEqual({
      actions: ['rds:DescribeDBClusters', 'rds:FailoverDBCluster'],
      resource: {
        'Fn::Join': [
          '',
          [
            'arn:',
            partition,
            ':rds:',
            { Ref: 'AWS::Region' },
            ':',
            { Ref: 'AWS::AccountId' },
            ':cluster:misybot-aurora',
          ],
        ],
      },
    });
    expect(statementFor(template, 'rds:DescribeDBInstances')).toEqual({
      actions: ['rds:DescribeDBInstances'],
      resource: {
        'Fn::Join': [
          '',
          ['arn:', partition, ':rds:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':db:*'],
        ],
      },
    });
    expect(statementFor(template, 'elasticache:TestFailover')).toEqual({
      actions: ['elasticache:DescribeReplicationGroups', 'elasticache:TestFailover'],
      resource: {
        'Fn::Join': [
          '',
          [
            'arn:',
            partition,
            ':elasticache:',
            { Ref: 'AWS::Region' },
            ':',
            { Ref: 'AWS::AccountId' },
            ':replicationgroup:misybot-cache',
          ],
        ],
      },
    });
    // CDK merges the statements on "*": the metric read and the X-Ray upload, nothing else.
    expect(statementFor(template, 'cloudwatch:GetMetricData')).toEqual({
      actions: ['cloudwatch:GetMetricData', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments'],
      resource: '*',
    });
  });

  test('write items of the state table only and publish to the three topics', () => {
    const { stack, state, topics, template } = build();
    expect(statementFor(template, 'dynamodb:PutItem')).toEqual({
      actions: ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem'],
      resource: stack.resolve(state.table.tableArn),
    });
    const publish = statementFor(template, 'sns:Publish');
    expect(publish.resource).toHaveLength(3);
    expect(publish.resource).toEqual(
      expect.arrayContaining(
        [topics.critical, topics.warning, topics.info].map((t) => stack.resolve(t.topicArn)),
      ),
    );
    const keys = statements(template).filter((s) => s.actions.includes('kms:GenerateDataKey'));
    expect(keys.map((s) => s.resource)).toEqual(
      expect.arrayContaining([stack.resolve(state.key.keyArn), stack.resolve(topics.key.keyArn)]),
    );
  });

  test('grant nothing beyond the plan: no reboot, no wildcard actions, no other tables', () => {
    const { template } = build();
    const actions = statements(template).flatMap((s) => s.actions);
    expect(actions).not.toContain('rds:RebootDBInstance');
    expect(actions.filter((a) => a.endsWith(':*') || a === '*')).toEqual([]);
    expect(actions.filter((a) => a.startsWith('dynamodb:')).sort()).toEqual([
      'dynamodb:DeleteItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
    ]);
  });
});
