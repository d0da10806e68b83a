import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDbRegionStore } from '../../../../../functions/adapters/aws/region/dynamodb-region-store';
import { RegionStateConflictError } from '../../../../../functions/core/failover/region/ports';
import { initialRegionState } from '../../../../../functions/core/failover/region/types';
import { T } from './fixtures';

const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-central-1', maxAttempts: 1 }));
const dynamo = mockClient(documents);
const store = new DynamoDbRegionStore(documents, 'state');

beforeEach(() => dynamo.reset());

describe('DynamoDbRegionStore', () => {
  it('writes the state conditionally on the version it read', async () => {
    dynamo.on(PutCommand).resolves({});
    const saved = await store.save({ ...initialRegionState('eu-west-1', T), version: 3 }, 3);
    expect(saved.version).toBe(4);
    expect(dynamo.commandCalls(PutCommand)[0]?.args[0].input).toEqual({
      TableName: 'state',
      Item: {
        pk: 'FAILOVER#region',
        sk: 'STATE',
        version: 4,
        activeRegion: 'eu-west-1',
        updatedAt: new Date(T).toISOString(),
        state: { activeRegion: 'eu-west-1', history: [], updatedAt: T },
      },
      ConditionExpression: 'attribute_not_exists(pk) OR version = :expected',
      ExpressionAttributeValues: { ':expected': 3 },
    });
  });

  it('turns a failed condition into a conflict', async () => {
    dynamo.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: 'no', $metadata: {} }));
    await expect(store.save(initialRegionState('eu-west-1', T), 0)).rejects.toBeInstanceOf(
      RegionStateConflictError,
    );
  });

  it('keeps a finished timeline as its own item for 400 days', async () => {
    dynamo.on(PutCommand).resolves({});
    const timeline = {
      id: 'e1',
      kind: 'switchover' as const,
      automatic: false,
      from: 'eu-west-1',
      to: 'eu-central-1',
      reason: 'drill',
      requestedBy: 'sre',
      detectedAt: T - 600_000,
      decidedAt: T - 600_000,
      steps: [],
      status: 'completed' as const,
      finishedAt: T,
    };
    await store.save({ ...initialRegionState('eu-central-1', T), timeline }, 1);
    expect(dynamo.commandCalls(PutCommand)[1]?.args[0].input.Item).toMatchObject({
      pk: 'FAILOVER#region',
      sk: `TIMELINE#${new Date(T - 600_000).toISOString()}#e1`,
      status: 'completed',
      expiresAt: T / 1000 + 400 * 86_400,
    });
  });

  it('reads the state consistently with its version', async () => {
    dynamo
      .on(GetCommand)
      .resolves({ Item: { version: 7, state: { activeRegion: 'eu-central-1', history: [], updatedAt: T } } });
    await expect(store.load()).resolves.toEqual({
      activeRegion: 'eu-central-1',
      history: [],
      updatedAt: T,
      version: 7,
    });
    expect(dynamo.commandCalls(GetCommand)[0]?.args[0].input).toEqual({
      TableName: 'state',
      Key: { pk: 'FAILOVER#region', sk: 'STATE' },
      ConsistentRead: true,
    });
  });
});
