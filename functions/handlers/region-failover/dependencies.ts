import { randomUUID } from 'node:crypto';
import { ACMClient } from '@aws-sdk/client-acm';
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { RDSClient } from '@aws-sdk/client-rds';
import { Route53Client } from '@aws-sdk/client-route-53';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbLock } from '../../adapters/aws/dynamodb-coordination';
import { timerSleep } from '../../adapters/aws/dynamodb-items';
import { PowertoolsIdempotency } from '../../adapters/aws/powertools-idempotency';
import { AwsRegionActions } from '../../adapters/aws/region/aws-region-actions';
import { AwsRegionObserver } from '../../adapters/aws/region/aws-region-observer';
import { DynamoDbRegionStore } from '../../adapters/aws/region/dynamodb-region-store';
import { GlobalDatabase } from '../../adapters/aws/region/global-database';
import { GlobalDatastore } from '../../adapters/aws/region/global-datastore';
import { RegionalDns } from '../../adapters/aws/region/regional-dns';
import { SnsNotifier } from '../../adapters/aws/sns-publisher';
import type { RegionNotifier } from '../../core/failover/region/ports';
import type { RegionFailoverDeps } from '../../core/failover/region/service';
import type { RegionFunctionConfig } from './config';

type Capture = <T>(client: T) => T;

/** One client per region and service, built on first use and kept for the container's life. */
function perRegion<T>(create: (region: string) => T): (region: string) => T {
  const clients = new Map<string, T>();
  return (region) => {
    let client = clients.get(region);
    if (!client) {
      client = create(region);
      clients.set(region, client);
    }
    return client;
  };
}

/**
 * The region engine's ports over AWS. Global calls go to the standby region (`home`), which is
 * the one expected to answer when the primary region is down; Route 53 is global.
 */
export function createRegionDeps(
  config: RegionFunctionConfig,
  capture: Capture = (client) => client,
): Omit<RegionFailoverDeps, 'owner'> {
  const { resources, home } = config;
  const rds = perRegion((region) => capture(new RDSClient({ region })));
  const autoScaling = perRegion((region) => capture(new AutoScalingClient({ region })));
  const elastiCache = capture(new ElastiCacheClient({ region: home }));
  const route53 = capture(new Route53Client({ region: home }));
  const dynamoDbClient = capture(new DynamoDBClient({ region: home }));
  const dynamoDb = DynamoDBDocumentClient.from(dynamoDbClient);
  const database = new GlobalDatabase(rds, resources, home);
  const datastore = new GlobalDatastore(elastiCache, resources);
  const dns = new RegionalDns(route53, resources);
  const sns = new SnsNotifier(capture(new SNSClient({ region: home })), config.topicArns);
  const notifier: RegionNotifier = {
    send: (alert) => {
      const at = new Date().toISOString();
      return sns.publish({
        version: 1,
        id: randomUUID(),
        incidentId: 'failover-region',
        kind: 'updated',
        severity: alert.severity,
        component: 'region',
        status:
          alert.severity === 'critical' ? 'down' : alert.severity === 'warning' ? 'degraded' : 'healthy',
        title: alert.subject,
        reasons: alert.message.split('\n').filter((line) => line.trim() !== ''),
        checks: [],
        openedAt: at,
        at,
        labels: { engine: 'failover', failoverComponent: 'region' },
      });
    },
  };
  return {
    store: new DynamoDbRegionStore(dynamoDb, config.tableName),
    observer: new AwsRegionObserver({
      database,
      datastore,
      dns,
      cloudWatch: perRegion((region) => capture(new CloudWatchClient({ region }))),
      acm: perRegion((region) => capture(new ACMClient({ region }))),
      secrets: perRegion((region) => capture(new SecretsManagerClient({ region }))),
      autoScaling,
      resources,
    }),
    actions: new AwsRegionActions({ database, datastore, dns, autoScaling, resources }),
    notifier,
    run: {
      // An operator's command id is kept a week: the CLI's retries of one command run it once.
      idempotency: new PowertoolsIdempotency(dynamoDbClient, config.tableName, {
        scope: 'region-failover',
        retentionSeconds: 7 * 24 * 3600,
      }),
      lock: new DynamoDbLock(dynamoDb, config.tableName),
      clock: () => Date.now(),
      sleep: timerSleep,
      random: Math.random,
    },
    clock: () => Date.now(),
  };
}
