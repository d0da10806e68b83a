import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { decodeState } from '../../../../functions/adapters/aws/query-report-items';
import { DynamoDbQueryReportStore } from '../../../../functions/adapters/aws/query-report-store';
import { throttled } from './aws-fixtures';
import { report, state, statements, T } from './query-report-fixtures';

const documentClient = DynamoDBDocumentClient.from(
  new DynamoDBClient({ region: 'eu-west-1', maxAttempts: 1 }),
);
const dynamo = mockClient(documentClient);
const ISO = '2025-01-06T10:00:00.000Z';

beforeEach(() => {
  dynamo.reset();
  dynamo.on(PutCommand).resolves({});
});

const puts = () => dynamo.commandCalls(PutCommand).map((call) => call.args[0].input);

describe('DynamoDbQueryReportStore.save', () => {
  it('writes the report history item, the latest report, then the state, with these exact keys', async () => {
    const store = new DynamoDbQueryReportStore(documentClient, 'state');
    const r = report();
    const s = { ...state(statements(3)), warned: ['hypopg missing: run CREATE EXTENSION hypopg;'] };

    const result = await store.save('misybot-db', s, r, T);

    expect(result).toEqual({ snapshotStatements: 3, totalStatements: 3, reportTrimmed: false });
    const [history, latest, snapshot] = puts();
    const plain = JSON.parse(JSON.stringify(r));
    const counts = {
      slowQueries: 2,
      regressions: 0,
      recommendations: 1,
      unusedIndexes: 0,
      duplicateIndexes: 0,
      newFindings: 1,
    };
    expect(history).toEqual({
      TableName: 'state',
      Item: {
        ...plain,
        counts,
        pk: 'QUERIES#misybot-db',
        sk: `REPORT#${ISO}`,
        gsi1pk: 'REPORT',
        gsi1sk: ISO,
        trimmed: false,
        expiresAt: T / 1000 + 90 * 86_400,
      },
    });
    expect(latest).toEqual({
      TableName: 'state',
      Item: {
        ...plain,
        counts,
        pk: 'QUERIES#misybot-db',
        sk: 'REPORT#LATEST',
        reportedAt: ISO,
        trimmed: false,
      },
    });
    expect(snapshot).toEqual({
      TableName: 'state',
      Item: {
        pk: 'QUERIES#misybot-db',
        sk: 'SNAPSHOT#LATEST',
        takenAt: T,
        savedAt: ISO,
        statements: 3,
        statementsTotal: 3,
        state: expect.any(Uint8Array),
        warned: ['hypopg missing: run CREATE EXTENSION hypopg;'],
      },
    });
    const decoded = decodeState(snapshot!.Item!.state as Uint8Array);
    expect(decoded.snapshot).toEqual({
      ...s.snapshot,
      entries: [...s.snapshot.entries].reverse().map((e) => ({ ...e, query: '' })),
    });
    expect(decoded.baseline).toEqual(s.baseline);
    expect(decoded.reported).toEqual(s.reported);
  });

  it('keeps only the busiest statements when the state would exceed its budget, and says so', async () => {
    const store = new DynamoDbQueryReportStore(documentClient, 'state', { maxStateBytes: 20_000 });
    const s = state(statements(6000));

    const result = await store.save('misybot-db', s, report(), T);

    expect(result.totalStatements).toBe(6000);
    expect(result.snapshotStatements).toBeGreaterThan(100);
    expect(result.snapshotStatements).toBeLessThan(6000);
    const item = puts()[2]!.Item!;
    expect((item.state as Uint8Array).length).toBeLessThanOrEqual(20_000);
    expect(item).toMatchObject({ statements: result.snapshotStatements, statementsTotal: 6000 });
    const kept = decodeState(item.state as Uint8Array);
    // The busiest are the last rows of the fixture; baseline entries follow their statements.
    expect(kept.snapshot.entries[0]!.queryid).toBe('1005999');
    expect(Math.min(...kept.snapshot.entries.map((e) => Number(e.queryid)))).toBe(
      1_006_000 - result.snapshotStatements,
    );
    expect(Object.keys(kept.baseline)).toHaveLength(result.snapshotStatements);
  });

  it('caps the stored snapshot at maxSnapshotStatements even when it would fit', async () => {
    const store = new DynamoDbQueryReportStore(documentClient, 'state', { maxSnapshotStatements: 50 });
    const result = await store.save('misybot-db', state(statements(80)), report(), T);
    expect(result).toMatchObject({ snapshotStatements: 50, totalStatements: 80 });
  });

  it('trims a report that would pass the item limit, keeping the worst entries and the full counts', async () => {
    const store = new DynamoDbQueryReportStore(documentClient, 'state');

    const result = await store.save('misybot-db', state(statements(3)), report(400, 4000), T);

    expect(result.reportTrimmed).toBe(true);
    for (const put of puts().slice(0, 2)) {
      const item = put.Item!;
      expect(Buffer.byteLength(JSON.stringify(item))).toBeLessThan(400 * 1024);
      expect(item.trimmed).toBe(true);
      expect(item.counts).toMatchObject({ slowQueries: 400 });
      const slow = item.slowQueries as Array<{ queryid: string; query: string }>;
      expect(slow.length).toBeLessThanOrEqual(50);
      expect(slow[0]!.queryid).toBe('1000399');
      expect(slow.every((q) => q.query.length <= 2000 && q.query.endsWith('…'))).toBe(true);
    }
  });

  it('writes no state when the report write is throttled, so the next run keeps the old baseline', async () => {
    dynamo.on(PutCommand).rejects(throttled());
    const store = new DynamoDbQueryReportStore(documentClient, 'state');
    await expect(store.save('misybot-db', state(statements(3)), report(), T)).rejects.toThrow(
      'Rate exceeded',
    );
    expect(puts()).toHaveLength(1);
  });
});

describe('DynamoDbQueryReportStore.load and saveWarned', () => {
  it('reads the state consistently and decodes it', async () => {
    const store = new DynamoDbQueryReportStore(documentClient, 'state');
    const s = state(statements(2));
    await store.save('misybot-db', s, report(), T);
    dynamo.on(GetCommand).resolves({ Item: puts()[2]!.Item });

    const loaded = await store.load('misybot-db');

    expect(dynamo.commandCalls(GetCommand)[0]!.args[0].input).toEqual({
      TableName: 'state',
      Key: { pk: 'QUERIES#misybot-db', sk: 'SNAPSHOT#LATEST' },
      ConsistentRead: true,
    });
    expect(loaded.baseline).toEqual(s.baseline);
    expect(loaded.snapshot?.entries.map((e) => e.queryid)).toEqual(['1000001', '1000000']);
    expect(loaded.warned).toEqual([]);
  });

  it('starts empty on the first run and keeps only the warnings of a run that was blocked', async () => {
    const store = new DynamoDbQueryReportStore(documentClient, 'state');
    dynamo
      .on(GetCommand)
      .resolvesOnce({})
      .resolvesOnce({ Item: { pk: 'x', sk: 'y', warned: ['w'] } });
    await expect(store.load('misybot-db')).resolves.toEqual({});
    await expect(store.load('misybot-db')).resolves.toEqual({ warned: ['w'] });
  });

  it('records sent warnings without touching the stored state', async () => {
    dynamo.on(UpdateCommand).resolves({});
    const store = new DynamoDbQueryReportStore(documentClient, 'state');
    await store.saveWarned('misybot-db', ['pg_stat_statements missing']);
    expect(dynamo.commandCalls(UpdateCommand)[0]!.args[0].input).toEqual({
      TableName: 'state',
      Key: { pk: 'QUERIES#misybot-db', sk: 'SNAPSHOT#LATEST' },
      UpdateExpression: 'SET warned = :warned',
      ExpressionAttributeValues: { ':warned': ['pg_stat_statements missing'] },
    });
  });
});
