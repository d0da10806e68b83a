import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDbQueryReportStore } from '../../../functions/adapters/aws/query-report-store';
import { report, state, statements, T } from '../../functions/adapters/aws/query-report-fixtures';
import { type LocalDynamoDb, startLocalDynamoDb } from '../../support/dynamodb';

let db: LocalDynamoDb;

beforeAll(async () => {
  db = await startLocalDynamoDb();
});

afterAll(async () => {
  await db?.stop();
});

describe('DynamoDbQueryReportStore on a DynamoDB-compatible server', () => {
  it('loads back exactly the state it saved (binary gzip attribute), and the latest report', async () => {
    const store = new DynamoDbQueryReportStore(db.client, db.tableName);
    const saved = {
      ...state(statements(200)),
      warned: ['hypopg is not created: run CREATE EXTENSION hypopg;'],
    };

    await store.save('cluster-a', saved, report(), T);
    const loaded = await store.load('cluster-a');

    expect(loaded.warned).toEqual(saved.warned);
    expect(loaded.reported).toEqual(saved.reported);
    expect(loaded.baseline).toEqual(saved.baseline);
    expect(loaded.snapshot?.takenAt).toBe(T);
    expect(loaded.snapshot?.statsResetAt).toBe(saved.snapshot.statsResetAt);
    const byId = (entries: readonly { queryid: string }[]) =>
      [...entries].sort((a, b) => a.queryid.localeCompare(b.queryid));
    expect(byId(loaded.snapshot!.entries)).toEqual(
      byId(saved.snapshot.entries.map((e) => ({ ...e, query: '' }))),
    );

    const latest = await db.client.send(
      new GetCommand({ TableName: db.tableName, Key: { pk: 'QUERIES#cluster-a', sk: 'REPORT#LATEST' } }),
    );
    expect(latest.Item).toMatchObject({
      cluster: 'misybot-db',
      reportedAt: '2025-01-06T10:00:00.000Z',
      counts: { slowQueries: 2, recommendations: 1 },
      recommendations: [
        expect.objectContaining({ sql: 'CREATE INDEX CONCURRENTLY ON public.orders (customer_id)' }),
      ],
    });
    const history = await db.client.send(
      new GetCommand({
        TableName: db.tableName,
        Key: { pk: 'QUERIES#cluster-a', sk: 'REPORT#2025-01-06T10:00:00.000Z' },
      }),
    );
    expect(history.Item).toMatchObject({ gsi1pk: 'REPORT', expiresAt: T / 1000 + 90 * 86_400 });
  });

  it('stores a full pg_stat_statements (5000 entries) and a report of 400 long queries within the item limit', async () => {
    const store = new DynamoDbQueryReportStore(db.client, db.tableName);
    const big = report(400, 4000);
    // The server enforces the 400 KB limit: the untrimmed report is refused, so trimming is what makes it fit.
    await expect(
      db.client.send(
        new PutCommand({
          TableName: db.tableName,
          Item: { pk: 'QUERIES#probe', sk: 'REPORT#RAW', ...JSON.parse(JSON.stringify(big)) },
        }),
      ),
    ).rejects.toThrow(/size/i);

    const result = await store.save('cluster-b', state(statements(5000, 200)), big, T);

    expect(result.reportTrimmed).toBe(true);
    expect(result.totalStatements).toBe(5000);
    const loaded = await store.load('cluster-b');
    expect(loaded.snapshot?.entries).toHaveLength(result.snapshotStatements);
  });

  it('records warnings for a cluster that has no state yet, and keeps them through the next load', async () => {
    const store = new DynamoDbQueryReportStore(db.client, db.tableName);
    await store.saveWarned('cluster-c', ['pg_stat_statements is not created']);
    await expect(store.load('cluster-c')).resolves.toEqual({ warned: ['pg_stat_statements is not created'] });
    await expect(store.load('cluster-unknown')).resolves.toEqual({});
  });
});
