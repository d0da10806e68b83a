import { ACCOUNT, type DeployedFunction, REGION } from './platform-contracts-template';

/** One permission a handler needs at run time: the action, the resource it names, and who sends it. */
export interface Need {
  readonly action: string;
  /** The ARN IAM evaluates, built from the function's own environment; `*` for actions without resource scoping. */
  readonly resource: string;
  readonly why: string;
}

const arn = (service: string, resource: string) => `arn:aws:${service}:${REGION}:${ACCOUNT}:${resource}`;
const table = (name: string) => arn('dynamodb', `table/${name}`);
// Auto Scaling assigns the group id at creation: any id, the group's own name.
const group = (name: string) =>
  arn('autoscaling', `autoScalingGroup:0f4c6f59-1c1b-4bd1-9b8e-2a7d1f1b2c3d:autoScalingGroupName/${name}`);
const fn = (name: string) => arn('lambda', `function:${name}`);
const need = (action: string, resource: string, why: string): Need => ({ action, resource, why });

/**
 * What each handler's adapters send (grep `new XxxCommand` under functions/adapters and the
 * handlers' dependencies), as IAM sees it: TransactWriteItems of Puts is authorised as PutItem,
 * a CMK-encrypted table or topic needs `kms:Decrypt` and `kms:GenerateDataKey` on its key.
 */
export function needsOf(
  functions: Readonly<Record<string, DeployedFunction>>,
  keys: { readonly tableKey: string; readonly topicKey: string },
): Record<string, Need[]> {
  const env = (service: string) => functions[service]!.env;
  const tableKey = [
    need('kms:Decrypt', keys.tableKey, 'DynamoDB reads of the CMK-encrypted state table'),
    need('kms:GenerateDataKey', keys.tableKey, 'DynamoDB writes of the CMK-encrypted state table'),
  ];
  const topicKey = [
    need('kms:Decrypt', keys.topicKey, 'SNS Publish to a CMK-encrypted alert topic'),
    need('kms:GenerateDataKey', keys.topicKey, 'SNS Publish to a CMK-encrypted alert topic'),
  ];
  const lock = (tableName: string) => [
    need('dynamodb:PutItem', table(tableName), 'dynamodb-coordination.ts: DynamoDbLock acquire'),
    need('dynamodb:DeleteItem', table(tableName), 'dynamodb-coordination.ts: DynamoDbLock release'),
  ];
  // Powertools Idempotency's DynamoDB layer: get, conditional put, update to complete, delete to release.
  const eventRecords = (tableName: string) =>
    ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'].map((action) =>
      need(`dynamodb:${action}`, table(tableName), 'powertools-idempotency.ts: event records'),
    );

  const scaling = env('scaling');
  const health = env('health-check');
  const failover = env('failover');
  const slow = env('slow-queries');
  const admin = env('admin-api');
  const formatter = JSON.parse(env('alert-formatter').WEBHOOKS!) as { secretArn: string }[];
  return {
    scaling: [
      need('autoscaling:DescribeAutoScalingGroups', '*', 'scaling/auto-scaling.ts'),
      need('autoscaling:DescribeScalingActivities', '*', 'scaling/auto-scaling.ts'),
      need('autoscaling:SetDesiredCapacity', group(scaling.AUTO_SCALING_GROUP!), 'scaling/auto-scaling.ts'),
      need('cloudwatch:GetMetricData', '*', 'cloudwatch-metrics.ts via scaling/metric-series.ts'),
      need('dynamodb:GetItem', table(scaling.STATE_TABLE!), 'scaling/scaling-state-store.ts: policy, latest'),
      need('dynamodb:Query', table(scaling.STATE_TABLE!), 'scaling/scaling-state-store.ts: history'),
      need('dynamodb:PutItem', table(scaling.STATE_TABLE!), 'scaling/scaling-state-store.ts: decisions'),
      need('dynamodb:PutItem', table(scaling.STATE_TABLE!), 'alert-rules-store.ts setHold: scale-out hold'),
      ...lock(scaling.STATE_TABLE!),
      ...eventRecords(scaling.STATE_TABLE!),
      need('sns:Publish', scaling.INFO_TOPIC_ARN!, 'scaling/scaling-notifier.ts'),
      need('sns:Publish', scaling.WARNING_TOPIC_ARN!, 'scaling/scaling-notifier.ts'),
      ...tableKey,
      ...topicKey,
    ],
    'health-check': [
      need(
        'dynamodb:BatchGetItem',
        table(health.STATE_TABLE!),
        'dynamodb-items.ts batchGet: check, incident, component stores',
      ),
      need(
        'dynamodb:Query',
        table(health.STATE_TABLE!),
        'dynamodb-items.ts queryPartition: alert-rules-store.ts',
      ),
      need(
        'dynamodb:PutItem',
        table(health.STATE_TABLE!),
        'check-state-store.ts, component-status-store.ts, incident-store.ts (also its TransactWrite)',
      ),
      ...eventRecords(health.STATE_TABLE!),
      need('sns:Publish', health.CRITICAL_TOPIC_ARN!, 'sns-publisher.ts'),
      need('sns:Publish', health.WARNING_TOPIC_ARN!, 'sns-publisher.ts'),
      need('sns:Publish', health.INFO_TOPIC_ARN!, 'sns-publisher.ts'),
      need('events:PutEvents', arn('events', 'event-bus/default'), 'health-event-publisher.ts (default bus)'),
      need('elasticloadbalancing:DescribeTargetHealth', '*', 'target-health.ts'),
      need('rds:DescribeDBClusters', arn('rds', `cluster:${slow.DB_CLUSTER_ID}`), 'aurora-status.ts'),
      need('rds:DescribeDBInstances', arn('rds', 'db:*'), 'aurora-status.ts (db-cluster-id filter)'),
      need(
        'elasticache:DescribeReplicationGroups',
        arn('elasticache', `replicationgroup:${failover.REPLICATION_GROUP_ID}`),
        'elasticache-status.ts',
      ),
      need(
        'elasticache:DescribeCacheClusters',
        arn('elasticache', `cluster:${failover.REPLICATION_GROUP_ID}-002`),
        'elasticache-status.ts (replica nodes)',
      ),
      need('cloudwatch:GetMetricData', '*', 'aurora-status.ts replica lag, lambda-errors.ts'),
      ...tableKey,
      ...topicKey,
    ],
    'alert-formatter': [
      ...formatter.map(({ secretArn }) =>
        // Secrets Manager evaluates the full ARN, which ends in a random six-character suffix.
        need('secretsmanager:GetSecretValue', `${secretArn}-AbCdEf`, 'webhook-secrets.ts'),
      ),
      ...eventRecords(env('alert-formatter').STATE_TABLE!),
      ...tableKey,
    ],
    failover: [
      ...['GetHealthCheck', 'GetHealthCheckStatus', 'UpdateHealthCheck'].map((action) =>
        need(
          `route53:${action}`,
          `arn:aws:route53:::healthcheck/${failover.HEALTH_CHECK_ID}`,
          'failover/route53-dns.ts',
        ),
      ),
      need('rds:FailoverDBCluster', arn('rds', `cluster:${failover.DB_CLUSTER_ID}`), 'failover/aurora.ts'),
      need(
        'rds:DescribeDBClusters',
        arn('rds', `cluster:${failover.DB_CLUSTER_ID}`),
        'failover/aurora.ts, aurora-observer.ts',
      ),
      need(
        'rds:DescribeDBInstances',
        arn('rds', 'db:*'),
        'failover/aurora-observer.ts (db-cluster-id filter)',
      ),
      need('cloudwatch:GetMetricData', '*', 'failover/aurora-observer.ts replica lag'),
      need(
        'elasticache:TestFailover',
        arn('elasticache', `replicationgroup:${failover.REPLICATION_GROUP_ID}`),
        'failover/elasticache.ts',
      ),
      need(
        'elasticache:DescribeReplicationGroups',
        arn('elasticache', `replicationgroup:${failover.REPLICATION_GROUP_ID}`),
        'failover/elasticache.ts',
      ),
      need('dynamodb:GetItem', table(failover.STATE_TABLE!), 'failover/dynamodb-failover-store.ts'),
      need('dynamodb:PutItem', table(failover.STATE_TABLE!), 'failover/dynamodb-failover-store.ts'),
      need('dynamodb:PutItem', table(failover.STATE_TABLE!), 'alert-rules-store.ts setHold: failover hold'),
      need('dynamodb:DeleteItem', table(failover.STATE_TABLE!), 'alert-rules-store.ts clearHold'),
      ...lock(failover.STATE_TABLE!),
      ...eventRecords(failover.STATE_TABLE!),
      ...['CRITICAL', 'WARNING', 'INFO'].map((severity) =>
        need(
          'sns:Publish',
          failover[`${severity}_TOPIC_ARN`]!,
          'sns-publisher.ts via failover/sns-failover-notifier.ts',
        ),
      ),
      ...tableKey,
      ...topicKey,
    ],
    'slow-queries': [
      need('dynamodb:GetItem', table(slow.STATE_TABLE!), 'query-report-store.ts load'),
      need('dynamodb:PutItem', table(slow.STATE_TABLE!), 'query-report-store.ts save'),
      need('dynamodb:UpdateItem', table(slow.STATE_TABLE!), 'query-report-store.ts saveWarned'),
      ...lock(slow.STATE_TABLE!),
      ...eventRecords(slow.STATE_TABLE!),
      need('sns:Publish', slow.INFO_TOPIC_ARN!, 'sns-publisher.ts'),
      need('sns:Publish', slow.WARNING_TOPIC_ARN!, 'sns-publisher.ts'),
      // IAM authentication to the proxy: the resource is the proxy's resource id and the user.
      need(
        'rds-db:connect',
        `arn:aws:rds-db:${REGION}:${ACCOUNT}:dbuser:prx-0123456789abcdef0/${slow.DB_USER}`,
        'postgres/connect.ts (rds-signer)',
      ),
      ...tableKey,
      ...topicKey,
    ],
    'admin-api': [
      ...['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem'].map((action) =>
        need(
          `dynamodb:${action}`,
          table(admin.TABLE_NAME!),
          'admin/* stores, alert-rules-store.ts, lock, Idempotency-Key records, read models',
        ),
      ),
      need('autoscaling:DescribeAutoScalingGroups', '*', 'admin/scaling-backend.ts'),
      need('autoscaling:SetDesiredCapacity', group(scaling.AUTO_SCALING_GROUP!), 'admin/scaling-backend.ts'),
      need('elasticloadbalancing:DescribeListeners', '*', 'admin/load-balancer-backend.ts'),
      need('elasticloadbalancing:DescribeTargetGroupAttributes', '*', 'admin/load-balancer-backend.ts'),
      need('elasticloadbalancing:DescribeTargetHealth', '*', 'admin/load-balancer-backend.ts'),
      need('elasticloadbalancing:ModifyListener', admin.LISTENER_ARN!, 'admin/load-balancer-backend.ts'),
      ...(JSON.parse(admin.TARGET_GROUPS!) as { arn: string }[]).map((target) =>
        need(
          'elasticloadbalancing:ModifyTargetGroupAttributes',
          target.arn,
          'admin/load-balancer-backend.ts',
        ),
      ),
      need('cloudwatch:ListMetrics', '*', 'admin/cache-stats.ts'),
      need('cloudwatch:GetMetricData', '*', 'admin/cache-stats.ts'),
      ...['SCALING_FUNCTION', 'FAILOVER_FUNCTION', 'SLOW_QUERY_FUNCTION', 'CACHE_WORKER_FUNCTION'].map(
        (name) =>
          need('lambda:InvokeFunction', fn(admin[name]!), 'admin/lambda-invoker.ts via control-functions.ts'),
      ),
      ...tableKey,
    ],
    'cache-admin': [
      need(
        'secretsmanager:GetSecretValue',
        env('cache-admin').REDIS_AUTH_SECRET_ARN!,
        'cache-admin/dependencies.ts',
      ),
    ],
  };
}
