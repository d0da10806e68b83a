import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDbCheckStateStore } from '../../../../functions/adapters/aws/check-state-store';
import { initialCheckState } from '../../../../functions/core/health/state-machine';
import { throttled } from './aws-fixtures';

const documentClient = DynamoDBDocumentClient.from(
  new DynamoDBClient({ region: 'eu-west-1', maxAttempts: 1 }),
);
const dynamo = mockClient(documentClient);
const sleeps: number[] = [];
const store = new DynamoDbCheckStateStore(documentClient, 'state', async (ms) => void sleeps.push(ms));
const T = Date.UTC(2026, 0, 1);
const state = {
  ...initialCheckState('api-health', T),
  lastRoundId: 'inv#0',
  lastResult: { status: 'up' as const, latencyMs: 12, at: T },
};

beforeEach(() => {
  dynamo.reset();
  sleeps.length = 0;
});

describe('DynamoDbCheckStateStore', () => {
  it('writes the first state only if none exists, with version 1 and a TTL 30 days after the result', async () => {
    dynamo.on(PutCommand).resolves({});
    await expect(store.save(state, undefined)).resolves.toBe(true);
    expect(dynamo.commandCalls(PutCommand)[0]!.args[0].input).toEqual({
      TableName: 'state',
      Item: {
        ...state,
        pk: 'CHECK#api-health',
        sk: 'STATE',
        version: 1,
        expiresAt: T / 1000 + 30 * 86_400,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
  });

  it('writes over the version it read, and reports a stale write as false', async () => {
    dynamo
      .on(PutCommand)
      .rejects(
        new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }),
      );
    await expect(store.save({ ...state, version: 4 }, 4)).resolves.toBe(false);
    expect(dynamo.commandCalls(PutCommand)[0]!.args[0].input).toMatchObject({
      Item: { version: 5 },
      ConditionExpression: '#version = :expected',
      ExpressionAttributeNames: { '#version': 'version' },
      ExpressionAttributeValues: { ':expected': 4 },
    });
  });

  it('lets throttling surface rather than pretend the write lost a race', async () => {
    dynamo.on(PutCommand).rejects(throttled());
    await expect(store.save(state, 1)).rejects.toThrow('Rate exceeded');
  });

  it('loads states with a consistent batch get, retrying unprocessed keys with backoff', async () => {
    const stored = { ...state, pk: 'CHECK#api-health', sk: 'STATE', version: 3, expiresAt: 1 };
    dynamo
      .on(BatchGetCommand)
      .resolvesOnce({
        Responses: { state: [] },
        UnprocessedKeys: { state: { Keys: [{ pk: 'CHECK#api-health', sk: 'STATE' }] } },
      })
      .resolvesOnce({ Responses: { state: [stored] } });
    const loaded = await store.load(['api-health', 'db-port']);
    expect(loaded.get('api-health')).toEqual({ ...state, version: 3 });
    expect(loaded.has('db-port')).toBe(false);
    const calls = dynamo.commandCalls(BatchGetCommand).map((c) => c.args[0].input.RequestItems!.state);
    expect(calls).toEqual([
      {
        Keys: [
          { pk: 'CHECK#api-health', sk: 'STATE' },
          { pk: 'CHECK#db-port', sk: 'STATE' },
        ],
        ConsistentRead: true,
      },
      { Keys: [{ pk: 'CHECK#api-health', sk: 'STATE' }], ConsistentRead: true },
    ]);
    expect(sleeps).toEqual([100]);
  });

  it('gives up with UnprocessedKeysError when keys stay unprocessed', async () => {
    dynamo.on(BatchGetCommand).resolves({
      Responses: { state: [] },
      UnprocessedKeys: { state: { Keys: [{ pk: 'CHECK#a', sk: 'STATE' }] } },
    });
    await expect(store.load(['a'])).rejects.toMatchObject({ name: 'UnprocessedKeysError' });
  });

  it('splits more than 100 keys into several batches', async () => {
    dynamo.on(BatchGetCommand).resolves({ Responses: { state: [] } });
    await store.load(Array.from({ length: 150 }, (_, i) => `c${i}`));
    expect(
      dynamo.commandCalls(BatchGetCommand).map((c) => c.args[0].input.RequestItems!.state!.Keys!.length),
    ).toEqual([100, 50]);
  });
});
