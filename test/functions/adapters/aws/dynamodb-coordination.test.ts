import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDbLock } from '../../../../functions/adapters/aws/dynamodb-coordination';

const documentClient = DynamoDBDocumentClient.from(
  new DynamoDBClient({ region: 'eu-west-1', maxAttempts: 1 }),
);
const dynamo = mockClient(documentClient);
const conditionFailed = () =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
const throttled = () =>
  Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: {} });

beforeEach(() => dynamo.reset());

describe('DynamoDbLock', () => {
  const lock = new DynamoDbLock(documentClient, 'state');

  it('acquires with a conditional put that only wins over a free, expired or own lease', async () => {
    dynamo.on(PutCommand).resolves({});
    await expect(lock.acquire('scaling#web', 'run-1', 60_000, 1_000_000)).resolves.toBe(true);
    expect(dynamo.commandCalls(PutCommand)[0]!.args[0].input).toEqual({
      TableName: 'state',
      Item: {
        pk: 'LOCK#scaling#web',
        sk: 'LOCK',
        owner: 'run-1',
        leaseUntil: 1_060_000,
        expiresAt: 1060 + 3600,
      },
      ConditionExpression: 'attribute_not_exists(pk) OR leaseUntil < :now OR #owner = :owner',
      ExpressionAttributeNames: { '#owner': 'owner' },
      ExpressionAttributeValues: { ':now': 1_000_000, ':owner': 'run-1' },
    });
  });

  it('reports a lease held by another run as not acquired', async () => {
    dynamo.on(PutCommand).rejects(conditionFailed());
    await expect(lock.acquire('scaling#web', 'run-2', 60_000, 1_000_000)).resolves.toBe(false);
  });

  it('lets throttling surface instead of pretending the lease is held', async () => {
    dynamo.on(PutCommand).rejects(throttled());
    await expect(lock.acquire('scaling#web', 'run-2', 60_000, 1_000_000)).rejects.toThrow('Rate exceeded');
  });

  it('releases only its own lease', async () => {
    dynamo.on(DeleteCommand).resolves({});
    await lock.release('scaling#web', 'run-1');
    expect(dynamo.commandCalls(DeleteCommand)[0]!.args[0].input).toEqual({
      TableName: 'state',
      Key: { pk: 'LOCK#scaling#web', sk: 'LOCK' },
      ConditionExpression: '#owner = :owner',
      ExpressionAttributeNames: { '#owner': 'owner' },
      ExpressionAttributeValues: { ':owner': 'run-1' },
    });
  });

  it('leaves a lease another run took over without failing', async () => {
    dynamo.on(DeleteCommand).rejects(conditionFailed());
    await expect(lock.release('scaling#web', 'run-1')).resolves.toBeUndefined();
  });
});
