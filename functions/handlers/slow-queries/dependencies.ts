import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbLock } from '../../adapters/aws/dynamodb-coordination';
import { timerSleep } from '../../adapters/aws/dynamodb-items';
import { PowertoolsIdempotency } from '../../adapters/aws/powertools-idempotency';
import { DynamoDbQueryReportStore } from '../../adapters/aws/query-report-store';
import { SnsNotifier } from '../../adapters/aws/sns-publisher';
import { analysisDatabaseOpener } from '../../adapters/postgres/analysis-database';
import { iamConnectionFactory } from '../../adapters/postgres/connect';
import { createSqlParser } from '../../adapters/postgres/sql-parser';
import { logger, metrics } from '../../shared/powertools';
import { loadSlowQueriesConfig } from './config';
import type { SlowQueriesHandlerDeps } from './handler';

/** Read once per execution environment: a bad deployment fails the cold start, naming the variable. */
export const config = loadSlowQueriesConfig();

const dynamoClient = new DynamoDBClient({});
const dynamo = DynamoDBDocumentClient.from(dynamoClient);
const sns = new SNSClient({});

/**
 * The slow-query function's wiring, built once per execution environment. The database session is
 * opened per run (inside the lock) with a fresh IAM token: tokens last 15 minutes and the function
 * runs hourly, so a kept connection would only hold a proxy slot idle.
 */
export const dependencies: SlowQueriesHandlerDeps = {
  analysis: {
    store: new DynamoDbQueryReportStore(dynamo, config.stateTable),
    openDatabase: analysisDatabaseOpener(
      iamConnectionFactory({
        hostname: config.database.hostname,
        port: config.database.port,
        database: config.database.name,
        username: config.database.user,
        region: config.database.region,
        applicationName: 'misybot-ha slow-queries',
      }),
      { advisorStatementTimeoutMs: config.analysis.advisorStatementTimeoutMs },
    ),
    loadParser: createSqlParser,
    // The function only ever sends info digests and warnings; it has no right to publish critical.
    notifier: new SnsNotifier(sns, {
      critical: config.warningTopicArn,
      warning: config.warningTopicArn,
      info: config.infoTopicArn,
    }),
    run: {
      // EventBridge redelivers for up to 24 hours; a week covers any replay by hand as well.
      idempotency: new PowertoolsIdempotency(dynamoClient, config.stateTable, {
        scope: 'slow-queries',
        retentionSeconds: 7 * 86_400,
      }),
      lock: new DynamoDbLock(dynamo, config.stateTable),
      clock: Date.now,
      sleep: timerSleep,
      random: Math.random,
    },
  },
  logger,
  metrics,
  config: {
    analysis: config.analysis,
    fleetMaxCapacity: config.fleetMaxCapacity,
    lambdaConcurrency: config.lambdaConcurrency,
    clusterId: config.database.clusterId,
  },
  clock: Date.now,
};
