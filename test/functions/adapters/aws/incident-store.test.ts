import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDbIncidentStore } from '../../../../functions/adapters/aws/incident-store';
import { openIncident } from '../../../../functions/core/alerting/incident';

const documentClient = DynamoDBDocumentClient.from(
  new DynamoDBClient({ region: 'eu-west-1', maxAttempts: 1 }),
);
const dynamo = mockClient(documentClient);
const store = new DynamoDbIncidentStore(documentClient, 'state');
const T = Date.UTC(2026, 0, 1, 12);
const open = openIncident('api', 'down', ['GET /health: connection refused'], [], T, 0);

beforeEach(() => dynamo.reset());

describe('DynamoDbIncidentStore', () => {
  it('saves an open incident as the component’s current one, conditional on the version read', async () => {
    dynamo.on(PutCommand).resolves({});
    await expect(store.save(open, 2)).resolves.toBe(true);
    expect(dynamo.commandCalls(PutCommand)[0]!.args[0].input).toEqual({
      TableName: 'state',
      Item: { ...open, pk: 'INCIDENT#api', sk: 'CURRENT', version: 3 },
      ConditionExpression: '#version = :expected',
      ExpressionAttributeNames: { '#version': 'version' },
      ExpressionAttributeValues: { ':expected': 2 },
    });
  });

  it('resolves in one transaction that also writes the history item with a 90-day TTL', async () => {
    dynamo.on(TransactWriteCommand).resolves({});
    const resolved = { ...open, state: 'resolved' as const, resolvedAt: T + 60_000, version: 3 };
    await expect(store.save(resolved, 3)).resolves.toBe(true);
    const items = dynamo.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems!;
    expect(items[0]!.Put).toMatchObject({ Item: { pk: 'INCIDENT#api', sk: 'CURRENT', version: 4 } });
    expect(items[1]!.Put).toEqual({
      TableName: 'state',
      Item: {
        ...resolved,
        pk: 'INCIDENT#api',
        sk: 'HISTORY#2026-01-01T12:00:00.000Z',
        version: 4,
        expiresAt: (T + 60_000) / 1000 + 90 * 86_400,
      },
    });
  });

  it('reports a resolution that lost the race as false', async () => {
    dynamo.on(TransactWriteCommand).rejects(
      new TransactionCanceledException({
        message: 'Transaction cancelled',
        $metadata: {},
        CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }],
      }),
    );
    await expect(store.save({ ...open, state: 'resolved', resolvedAt: T }, 1)).resolves.toBe(false);
  });

  it('lets a transaction cancelled for another reason (throttling) surface', async () => {
    dynamo.on(TransactWriteCommand).rejects(
      new TransactionCanceledException({
        message: 'Transaction cancelled',
        $metadata: {},
        CancellationReasons: [{ Code: 'ThrottlingError' }, { Code: 'None' }],
      }),
    );
    await expect(store.save({ ...open, state: 'resolved', resolvedAt: T }, 1)).rejects.toThrow(
      'Transaction cancelled',
    );
  });
});
