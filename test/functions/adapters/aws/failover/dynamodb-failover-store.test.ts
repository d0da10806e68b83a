import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDbFailoverStore } from '../../../../../functions/adapters/aws/failover/dynamodb-failover-store';
import { StateConflictError } from '../../../../../functions/core/failover/ports';
import type { Incident } from '../../../../../functions/core/failover/types';
import { initialState } from '../../../../../functions/core/failover/types';

const documentClient = DynamoDBDocumentClient.from(
  new DynamoDBClient({ region: 'eu-west-1', maxAttempts: 1 }),
);
const dynamo = mockClient(documentClient);
const T = Date.UTC(2026, 0, 1);
const store = new DynamoDbFailoverStore(documentClient, 'state', { incidentRetentionDays: 30 });

beforeEach(() => dynamo.reset());

describe('DynamoDbFailoverStore', () => {
  it('saves with a put conditioned on the version it read, dropping undefined fields', async () => {
    dynamo.on(PutCommand).resolves({});
    const state = { ...initialState('database', T), primaryId: undefined, version: 4 };
    await expect(store.save(state, 4)).resolves.toMatchObject({ version: 5 });
    const { version: _omitted, ...body } = initialState('database', T);
    expect(dynamo.commandCalls(PutCommand)[0]!.args[0].input).toEqual({
      TableName: 'state',
      Item: {
        pk: 'FAILOVER#database',
        sk: 'STATE',
        version: 5,
        phase: 'primary',
        updatedAt: '2026-01-01T00:00:00.000Z',
        state: body,
      },
      ConditionExpression: 'attribute_not_exists(pk) OR version = :expected',
      ExpressionAttributeValues: { ':expected': 4 },
    });
  });

  it('turns a failed condition into a StateConflictError carrying the cause', async () => {
    const cause = new ConditionalCheckFailedException({
      message: 'The conditional request failed',
      $metadata: {},
    });
    dynamo.on(PutCommand).rejects(cause);
    const error = await store.save(initialState('dns', T), 0).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StateConflictError);
    expect((error as StateConflictError).cause).toBe(cause);
  });

  it('lets throttling surface rather than pretending another run won', async () => {
    dynamo
      .on(PutCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException', $metadata: {} }));
    await expect(store.save(initialState('dns', T), 0)).rejects.toThrow('Rate exceeded');
  });

  it('loads with a strongly consistent read and restores the version', async () => {
    const { version: _omitted, ...body } = initialState('cache', T);
    dynamo.on(GetCommand).resolves({ Item: { pk: 'FAILOVER#cache', sk: 'STATE', version: 9, state: body } });
    await expect(store.load('cache')).resolves.toEqual({ ...body, version: 9 });
    expect(dynamo.commandCalls(GetCommand)[0]!.args[0].input).toEqual({
      TableName: 'state',
      Key: { pk: 'FAILOVER#cache', sk: 'STATE' },
      ConsistentRead: true,
    });
  });

  it('reports a component never written as undefined', async () => {
    dynamo.on(GetCommand).resolves({});
    await expect(store.load('dns')).resolves.toBeUndefined();
  });

  it('keeps closed incidents under the component with a TTL', async () => {
    dynamo.on(PutCommand).resolves({});
    const incident: Incident = {
      id: 'database-h2',
      component: 'database',
      kind: 'failover',
      trigger: 'health',
      reason: 'primary down',
      from: 'db-1',
      to: 'db-2',
      detectedAt: T,
      decidedAt: T + 10_000,
      status: 'failed',
      actions: [],
      totalMs: 20_000,
    };
    await store.recordIncident(incident, T + 20_000);
    expect(dynamo.commandCalls(PutCommand)[0]!.args[0].input).toEqual({
      TableName: 'state',
      Item: {
        pk: 'FAILOVER#database',
        sk: 'INCIDENT#2026-01-01T00:00:00.000Z#database-h2',
        status: 'failed',
        incident,
        expiresAt: (T + 20_000) / 1000 + 30 * 86_400,
      },
    });
  });
});
