import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDbAlertRules } from '../../../../functions/adapters/aws/alert-rules-store';

const documentClient = DynamoDBDocumentClient.from(
  new DynamoDBClient({ region: 'eu-west-1', maxAttempts: 1 }),
);
const dynamo = mockClient(documentClient);
const rules = new DynamoDbAlertRules(documentClient, 'state');
const NOW = Date.UTC(2026, 0, 1, 12);
const silence = {
  id: 's1',
  matchers: [{ label: 'component', op: '=' as const, value: 'api' }],
  startsAt: NOW - 1000,
  endsAt: NOW + 3_600_000,
  createdBy: 'ops@example.com',
  comment: 'deploy',
};

beforeEach(() => dynamo.reset());

describe('DynamoDbAlertRules', () => {
  it('queries the active silences, following pages, and skips items that are not silences', async () => {
    dynamo
      .on(QueryCommand)
      .resolvesOnce({
        Items: [{ ...silence, pk: 'SILENCE', sk: 's1', expiresAt: 1 }],
        LastEvaluatedKey: { pk: 'SILENCE', sk: 's1' },
      })
      .resolvesOnce({ Items: [{ pk: 'SILENCE', sk: 'junk', matchers: 'everything' }] });
    expect(await rules.activeSilences(NOW)).toEqual([silence]);
    const calls = dynamo.commandCalls(QueryCommand).map((c) => c.args[0].input);
    expect(calls[0]).toEqual({
      TableName: 'state',
      KeyConditionExpression: 'pk = :pk',
      FilterExpression: 'startsAt <= :now AND endsAt > :now',
      ExpressionAttributeValues: { ':pk': 'SILENCE', ':now': NOW },
    });
    expect(calls[1]!.ExclusiveStartKey).toEqual({ pk: 'SILENCE', sk: 's1' });
  });

  it('queries active holds, escaping the reserved word "until"', async () => {
    const hold = { component: 'db', reason: 'failover', startedAt: NOW - 1, until: NOW + 600_000 };
    dynamo.on(QueryCommand).resolves({ Items: [{ ...hold, pk: 'HOLD', sk: 'db#failover' }] });
    expect(await rules.activeHolds(NOW)).toEqual([hold]);
    expect(dynamo.commandCalls(QueryCommand)[0]!.args[0].input).toMatchObject({
      FilterExpression: 'startedAt <= :now AND #until > :now',
      ExpressionAttributeNames: { '#until': 'until' },
    });
  });

  it('sets and clears a hold under HOLD/<component>#<reason>, expiring a week after it ends', async () => {
    dynamo.on(PutCommand).resolves({});
    dynamo.on(DeleteCommand).resolves({});
    await rules.setHold({
      component: 'db',
      reason: 'failover',
      startedAt: NOW,
      until: NOW + 600_000,
      setBy: 'failover',
    });
    await rules.clearHold('db', 'failover');
    expect(dynamo.commandCalls(PutCommand)[0]!.args[0].input.Item).toEqual({
      component: 'db',
      reason: 'failover',
      startedAt: NOW,
      until: NOW + 600_000,
      setBy: 'failover',
      pk: 'HOLD',
      sk: 'db#failover',
      expiresAt: (NOW + 600_000) / 1000 + 7 * 86_400,
    });
    expect(dynamo.commandCalls(DeleteCommand)[0]!.args[0].input).toEqual({
      TableName: 'state',
      Key: { pk: 'HOLD', sk: 'db#failover' },
    });
  });

  it('refuses to store a silence without matchers', async () => {
    await expect(rules.putSilence({ ...silence, matchers: [] })).rejects.toMatchObject({
      issues: [expect.objectContaining({ path: ['matchers'] })],
    });
    expect(dynamo.commandCalls(PutCommand)).toHaveLength(0);
  });
  it('lists silences that have not ended, scheduled ones included', async () => {
    const later = { ...silence, id: 's2', startsAt: NOW + 60_000 };
    dynamo.on(QueryCommand).resolves({ Items: [{ ...later, pk: 'SILENCE', sk: 's2' }] });
    expect(await rules.silencesNotEnded(NOW)).toEqual([later]);
    expect(dynamo.commandCalls(QueryCommand)[0]!.args[0].input).toMatchObject({
      KeyConditionExpression: 'pk = :pk',
      FilterExpression: 'endsAt > :now',
      ExpressionAttributeValues: { ':pk': 'SILENCE', ':now': NOW },
    });
  });

  it('removes a silence only if it exists', async () => {
    dynamo
      .on(DeleteCommand)
      .resolvesOnce({})
      .rejectsOnce(new ConditionalCheckFailedException({ message: 'no', $metadata: {} }));
    expect(await rules.removeSilence('s1')).toBe(true);
    expect(await rules.removeSilence('gone')).toBe(false);
    expect(dynamo.commandCalls(DeleteCommand)[0]!.args[0].input).toEqual({
      TableName: 'state',
      Key: { pk: 'SILENCE', sk: 's1' },
      ConditionExpression: 'attribute_exists(pk)',
    });
  });

  it('passes other delete failures on', async () => {
    dynamo.on(DeleteCommand).rejects(new Error('throttled'));
    await expect(rules.removeSilence('s1')).rejects.toThrow('throttled');
  });
});
