import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { Client } from 'pg';
import { DynamoDbLock } from '../../../functions/adapters/aws/dynamodb-coordination';
import { PowertoolsIdempotency } from '../../../functions/adapters/aws/powertools-idempotency';
import { DynamoDbQueryReportStore } from '../../../functions/adapters/aws/query-report-store';
import { SnsNotifier } from '../../../functions/adapters/aws/sns-publisher';
import { analysisDatabaseOpener } from '../../../functions/adapters/postgres/analysis-database';
import { createSqlParser } from '../../../functions/adapters/postgres/sql-parser';
import type { Notification } from '../../../functions/core/alerting/notification';
import { createSlowQueriesHandler } from '../../../functions/handlers/slow-queries/handler';
import { queryAnalysisSchema } from '../../../functions/shared/config/query-analysis';
import { type PostgresServer, startPostgres } from '../../../local/process/services';
import { type LocalDynamoDb, startLocalDynamoDb } from '../../support/dynamodb';
import { uniqueTestName } from '../harness/env';

jest.setTimeout(120_000);

const TOPICS = {
  critical: 'arn:aws:sns:eu-west-1:123456789012:warning',
  warning: 'arn:aws:sns:eu-west-1:123456789012:warning',
  info: 'arn:aws:sns:eu-west-1:123456789012:info',
};
const sns = new SNSClient({ region: 'eu-west-1' });
const snsMock = mockClient(sns);

// A private server: pg_stat_statements is cluster-wide, so other test files' statements would join the workload.
let pg: PostgresServer;
let dynamo: LocalDynamoDb;
let workload: Client;
let clock = Date.UTC(2025, 0, 6, 10);

const plainConnection = (url: string) => async () => {
  const client = new Client({ connectionString: url, application_name: 'misybot-ha slow-queries' });
  await client.connect();
  return client;
};

function handlerFor(url: string, cluster: string) {
  const metrics: Array<[string, number]> = [];
  const log = { info: () => undefined, warn: () => undefined, error: () => undefined };
  const handler = createSlowQueriesHandler({
    analysis: {
      store: new DynamoDbQueryReportStore(dynamo.client, dynamo.tableName),
      openDatabase: analysisDatabaseOpener(plainConnection(url), { advisorStatementTimeoutMs: 5000 }),
      loadParser: createSqlParser,
      notifier: new SnsNotifier(sns, TOPICS),
      run: {
        idempotency: new PowertoolsIdempotency(dynamo.raw, dynamo.tableName, { scope: 'slow-queries' }),
        lock: new DynamoDbLock(dynamo.client, dynamo.tableName),
        clock: () => clock,
        sleep: async () => undefined,
        random: () => 0.5,
      },
    },
    logger: log,
    metrics: {
      addMetric: (name, _unit, value) => void metrics.push([name, value]),
      addDimension: () => undefined,
      singleMetric: function discard() {
        return { addDimension: discard, addMetric: () => undefined };
      },
    },
    config: {
      analysis: queryAnalysisSchema.parse({ minCalls: 20, minMeanMs: 0 }),
      fleetMaxCapacity: 10,
      lambdaConcurrency: 4,
      clusterId: cluster,
    },
    clock: () => clock,
  });
  return { handler, metrics };
}

const context = (id: string) =>
  ({ awsRequestId: id, getRemainingTimeInMillis: () => 60_000 }) as unknown as Context;
const event = (id: string) => ({ id, 'detail-type': 'Scheduled Event', source: 'aws.events', detail: {} });
const published = () =>
  snsMock.commandCalls(PublishCommand).map((call) => ({
    topic: call.args[0].input.TopicArn,
    notification: JSON.parse(call.args[0].input.Message!) as Notification,
  }));

async function runOrders(times: number) {
  for (let i = 0; i < times; i += 1) await workload.query('SELECT * FROM orders WHERE customer_id = $1', [i]);
}

beforeAll(async () => {
  [pg, dynamo] = await Promise.all([startPostgres(), startLocalDynamoDb()]);
  workload = new Client({ connectionString: pg.url });
  await workload.connect();
  await workload.query(`
    CREATE TABLE orders (id bigserial PRIMARY KEY, customer_id int NOT NULL, total numeric NOT NULL);
    INSERT INTO orders (customer_id, total) SELECT i % 20000, i FROM generate_series(1, 200000) i;
    ANALYZE;
    SELECT pg_stat_statements_reset();`);
});

afterAll(async () => {
  await workload?.end();
  await Promise.all([pg?.stop(), dynamo?.stop()]);
});

beforeEach(() => {
  snsMock.reset();
  snsMock.on(PublishCommand).resolves({ MessageId: 'm' });
});

const indexNames = async () =>
  (await workload.query("SELECT indexname FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1")).rows.map(
    (r) => r.indexname,
  );

describe('slow-queries handler against PostgreSQL 15 and a DynamoDB-compatible table', () => {
  it('finds the slow query and proves its index, stores the report, digests once, and ignores a redelivery', async () => {
    const { handler, metrics } = handlerFor(pg.url, 'orders-db');
    await runOrders(30);
    const before = await indexNames();

    const first = await handler(event('evt-1'), context('req-1'));

    expect(first).toMatchObject({ status: 'analysed', recommendations: 1, digestSent: true });
    expect(first.slowQueries).toBeGreaterThanOrEqual(1);
    const [digest] = published();
    expect(digest!.topic).toBe(TOPICS.info);
    expect(digest!.notification.reasons.join('\n')).toContain(
      'index: CREATE INDEX CONCURRENTLY ON public.orders (customer_id)',
    );
    expect(metrics).toContainEqual(['IndexRecommendationCount', 1]);
    const latest = await dynamo.client.send(
      new GetCommand({ TableName: dynamo.tableName, Key: { pk: 'QUERIES#orders-db', sk: 'REPORT#LATEST' } }),
    );
    expect(latest.Item?.recommendations).toEqual([
      expect.objectContaining({ sql: 'CREATE INDEX CONCURRENTLY ON public.orders (customer_id)' }),
    ]);
    expect(latest.Item?.pool).toMatchObject({ proxyMaxConnectionsPercent: expect.any(Number) });
    expect(await indexNames()).toEqual(before);
    expect((await workload.query('SELECT count(*)::int AS n FROM hypopg_list_indexes')).rows[0].n).toBe(0);

    await expect(handler(event('evt-1'), context('req-1b'))).resolves.toMatchObject({
      status: 'skipped',
      reason: expect.stringMatching(/^duplicate: /),
    });

    clock += 3600_000;
    await runOrders(30);
    const second = await handler(event('evt-2'), context('req-2'));
    expect(second).toMatchObject({
      status: 'analysed',
      recommendations: 1,
      digestSent: false,
      newFindings: 0,
    });
    expect(published()).toHaveLength(1);
    const stored = await dynamo.client.send(
      new GetCommand({ TableName: dynamo.tableName, Key: { pk: 'QUERIES#orders-db', sk: 'REPORT#LATEST' } }),
    );
    // The second interval holds only the second batch, not the counters since the reset.
    const orders = ((stored.Item?.slowQueries ?? []) as Array<{ query: string; calls: number }>).find((q) =>
      q.query.includes('customer_id'),
    );
    expect(orders?.calls).toBe(30);
  });

  it('warns once, and does not fail, on a database without pg_stat_statements', async () => {
    const database = uniqueTestName('noext');
    await workload.query(`CREATE DATABASE ${database}`);
    const url = new URL(pg.url);
    url.pathname = `/${database}`;
    const { handler } = handlerFor(url.toString(), 'bare-db');

    await expect(handler(event('bare-1'), context('r1'))).resolves.toEqual({ status: 'blocked' });
    await expect(handler(event('bare-2'), context('r2'))).resolves.toEqual({ status: 'blocked' });

    const sent = published();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.topic).toBe(TOPICS.warning);
    expect(sent[0]!.notification.title).toBe(
      'Slow-query analysis cannot run on bare-db: pg_stat_statements and hypopg missing',
    );
    expect(sent[0]!.notification.reasons[0]).toMatch(/run CREATE EXTENSION pg_stat_statements/);
  });
});
