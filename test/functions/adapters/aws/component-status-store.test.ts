import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDbComponentStatusStore } from '../../../../functions/adapters/aws/component-status-store';
import { throttled } from './aws-fixtures';

const client = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1', maxAttempts: 1 }));
const dynamodb = mockClient(client);
const store = new DynamoDbComponentStatusStore(client, 'state', async () => {});
const T0 = Date.UTC(2026, 0, 1);

beforeEach(() => dynamodb.reset());

describe('DynamoDbComponentStatusStore', () => {
  it('reads the components’ status items consistently and drops the keys', async () => {
    dynamodb.on(BatchGetCommand).resolves({
      Responses: {
        state: [
          {
            pk: 'COMPONENT#api',
            sk: 'STATUS',
            component: 'api',
            status: 'down',
            since: T0,
            version: 3,
            expiresAt: 1,
          },
        ],
      },
    });
    const loaded = await store.load(['api', 'db']);
    expect(dynamodb.commandCalls(BatchGetCommand)[0]!.args[0].input).toEqual({
      RequestItems: {
        state: {
          Keys: [
            { pk: 'COMPONENT#api', sk: 'STATUS' },
            { pk: 'COMPONENT#db', sk: 'STATUS' },
          ],
          ConsistentRead: true,
        },
      },
    });
    expect([...loaded]).toEqual([['api', { component: 'api', status: 'down', since: T0, version: 3 }]]);
  });

  it('writes a first status only if none exists, and a later one only over the version read', async () => {
    dynamodb.on(PutCommand).resolves({});
    await store.save({ component: 'api', status: 'healthy', since: T0 }, undefined);
    await store.save({ component: 'api', status: 'down', since: T0 + 10_000 }, 4);
    const [first, second] = dynamodb.commandCalls(PutCommand).map((c) => c.args[0].input);
    expect(first).toEqual({
      TableName: 'state',
      Item: {
        pk: 'COMPONENT#api',
        sk: 'STATUS',
        component: 'api',
        status: 'healthy',
        since: T0,
        version: 1,
        expiresAt: T0 / 1000 + 30 * 86_400,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    });
    expect(second).toMatchObject({
      Item: { status: 'down', version: 5 },
      ConditionExpression: '#version = :expected',
      ExpressionAttributeValues: { ':expected': 4 },
    });
  });

  it('reports a lost race as false and lets other errors through', async () => {
    dynamodb
      .on(PutCommand)
      .rejectsOnce(new ConditionalCheckFailedException({ message: 'stale', $metadata: {} }))
      .rejectsOnce(throttled());
    expect(await store.save({ component: 'api', status: 'down', since: T0 }, 1)).toBe(false);
    await expect(store.save({ component: 'api', status: 'down', since: T0 }, 1)).rejects.toThrow(
      'Rate exceeded',
    );
  });
});
