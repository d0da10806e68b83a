import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { RDSClient } from '@aws-sdk/client-rds';
import { Route53Client } from '@aws-sdk/client-route-53';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbAlertRules } from '../../adapters/aws/alert-rules-store';
import { DynamoDbLock } from '../../adapters/aws/dynamodb-coordination';
import { timerSleep } from '../../adapters/aws/dynamodb-items';
import { AuroraCluster } from '../../adapters/aws/failover/aurora';
import { AuroraObserver } from '../../adapters/aws/failover/aurora-observer';
import {
  AwsFailoverActions,
  type AwsFailoverResources,
} from '../../adapters/aws/failover/aws-failover-actions';
import { DynamoDbFailoverStore } from '../../adapters/aws/failover/dynamodb-failover-store';
import { ElastiCacheReplicationGroup } from '../../adapters/aws/failover/elasticache';
import { Route53Dns } from '../../adapters/aws/failover/route53-dns';
import { SnsFailoverNotifier } from '../../adapters/aws/failover/sns-failover-notifier';
import { PowertoolsIdempotency } from '../../adapters/aws/powertools-idempotency';
import { SnsNotifier } from '../../adapters/aws/sns-publisher';
import type { FailoverFunctionConfig } from './config';
import type { FailoverWiring } from './handle';

/** The SDK clients the failover function talks through. */
export interface FailoverClients {
  readonly dynamoDb: DynamoDBDocumentClient;
  /** The low-level client under `dynamoDb` (Powertools Idempotency takes one). */
  readonly dynamoDbClient: DynamoDBClient;
  readonly sns: SNSClient;
  readonly route53: Route53Client;
  readonly rds: RDSClient;
  readonly cloudWatch: CloudWatchClient;
  readonly elastiCache: ElastiCacheClient;
}

/** The adapters of the components this deployment configured; the others stay out. */
export function failoverResources(
  config: FailoverFunctionConfig,
  clients: FailoverClients,
): AwsFailoverResources {
  const { healthCheckId, clusterIdentifier, replicationGroupId } = config;
  return {
    ...(healthCheckId
      ? { dns: new Route53Dns(clients.route53, { primaryHealthCheckId: healthCheckId }) }
      : {}),
    ...(clusterIdentifier
      ? {
          database: {
            kind: 'aurora-cluster' as const,
            cluster: new AuroraCluster(clients.rds, { clusterIdentifier }),
            observer: new AuroraObserver(clients.rds, clients.cloudWatch, clusterIdentifier),
          },
        }
      : {}),
    ...(replicationGroupId
      ? { cache: new ElastiCacheReplicationGroup(clients.elastiCache, { replicationGroupId }) }
      : {}),
  };
}

/**
 * Wires the adapters to the service's ports. `AwsFailoverActions` is both the actions and the
 * observer: one object knows each component's resource, for acting and for reading.
 */
export function createFailoverWiring(
  config: FailoverFunctionConfig,
  clients: FailoverClients,
  observability: Pick<FailoverWiring, 'log' | 'metrics'>,
): FailoverWiring {
  const actions = new AwsFailoverActions(failoverResources(config, clients));
  return {
    config,
    deps: {
      store: new DynamoDbFailoverStore(clients.dynamoDb, config.tableName),
      actions,
      observer: actions,
      notifier: new SnsFailoverNotifier(new SnsNotifier(clients.sns, config.topicArns)),
      run: {
        idempotency: new PowertoolsIdempotency(clients.dynamoDbClient, config.tableName, {
          scope: 'failover',
          retentionSeconds: config.settings.eventRetentionSeconds,
        }),
        lock: new DynamoDbLock(clients.dynamoDb, config.tableName),
        clock: () => Date.now(),
        sleep: timerSleep,
        random: Math.random,
      },
      clock: () => Date.now(),
    },
    holds: new DynamoDbAlertRules(clients.dynamoDb, config.tableName),
    ...observability,
  };
}

/**
 * The clients, built once per container. Route 53 is a global service: the SDK resolves its
 * endpoint from any region, so the function's own region is fine.
 */
export function createFailoverClients(capture: <T>(client: T) => T = (client) => client): FailoverClients {
  const dynamoDbClient = capture(new DynamoDBClient({}));
  return {
    dynamoDb: DynamoDBDocumentClient.from(dynamoDbClient),
    dynamoDbClient,
    sns: capture(new SNSClient({})),
    route53: capture(new Route53Client({})),
    rds: capture(new RDSClient({})),
    cloudWatch: capture(new CloudWatchClient({})),
    elastiCache: capture(new ElastiCacheClient({})),
  };
}
