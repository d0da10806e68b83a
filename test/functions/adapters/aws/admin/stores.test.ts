import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDbAuditLog } from '../../../../../functions/adapters/aws/admin/audit-log';
import { DynamoDbFailoverReadModel } from '../../../../../functions/adapters/aws/admin/failover-read-model';
import { DynamoDbAdminReadModel } from '../../../../../functions/adapters/aws/admin/health-read-model';
import { DynamoDbQueryReports } from '../../../../../functions/adapters/aws/admin/query-reports';
import { initialState } from '../../../../../functions/core/failover/types';

const documentClient = DynamoDBDocumentClient.from(
  new DynamoDBClient({ region: 'eu-west-1', maxAttempts: 1 }),
);
const dynamo = mockClient(documentClient);
const NOW = Date.UTC(2026, 2, 1, 12);

beforeEach(() => dynamo.reset());

describe('DynamoDbAuditLog', () => {
  const log = new DynamoDbAuditLog(documentClient, 'state');
  const entry = {
    id: 'req-1',
    at: NOW,
    actor: 'arn:alice',
    action: 'setCapacity',
    target: 'scaling/g',
    reason: 'launch',
    request: { body: { desiredCapacity: 5 } },
  };

  it('writes the intent under AUDIT#<day> before the change and completes it after', async () => {
    dynamo.on(PutCommand).resolves({}).on(UpdateCommand).resolves({});
    await log.begin(entry);
    await log.finish(entry, { result: 'succeeded', status: 200, detail: 'done', finishedAt: NOW + 5 });
    expect(dynamo.commandCalls(PutCommand)[0]!.args[0].input).toEqual({
      TableName: 'state',
      Item: expect.objectContaining({
        pk: 'AUDIT#2026-03-01',
        sk: '2026-03-01T12:00:00.000Z#req-1',
        gsi1pk: 'AUDIT',
        gsi1sk: '2026-03-01T12:00:00.000Z',
        actor: 'arn:alice',
        reason: 'launch',
        result: 'pending',
        expiresAt: NOW / 1000 + 366 * 86_400,
      }),
      ConditionExpression: 'attribute_not_exists(pk)',
    });
    expect(dynamo.commandCalls(UpdateCommand)[0]!.args[0].input).toMatchObject({
      Key: { pk: 'AUDIT#2026-03-01', sk: '2026-03-01T12:00:00.000Z#req-1' },
      ExpressionAttributeValues: {
        ':result': 'succeeded',
        ':status': 200,
        ':finishedAt': '2026-03-01T12:00:00.005Z',
      },
    });
  });

  it('fails the change when the intent cannot be recorded (throttled)', async () => {
    dynamo
      .on(PutCommand)
      .rejects(Object.assign(new Error('slow down'), { name: 'ProvisionedThroughputExceededException' }));
    await expect(log.begin(entry)).rejects.toThrow('slow down');
  });
});

describe('DynamoDbAdminReadModel', () => {
  const current = {
    id: 'api@2026-03-01T11:00:00.000Z',
    component: 'api',
    state: 'open',
    openedAt: NOW - 3_600_000,
  };
  const old = {
    id: 'api@2026-02-01T11:00:00.000Z',
    component: 'api',
    state: 'resolved',
    openedAt: NOW - 28 * 86_400_000,
  };
  const model = new DynamoDbAdminReadModel(documentClient, 'state', {
    checkStates: { load: async () => new Map() },
    incidents: { loadCurrent: async () => new Map([['api', current as never]]) },
    alertRules: { silencesNotEnded: async () => [] },
  });

  it('lists current and past incidents per component, newest first, without table keys', async () => {
    dynamo.on(QueryCommand).resolves({
      Items: [{ ...old, pk: 'INCIDENT#api', sk: 'HISTORY#2026-02-01T11:00:00.000Z', expiresAt: 1 }],
    });
    expect(await model.healthIncidents(['api'], 10)).toEqual([current, old]);
    expect(dynamo.commandCalls(QueryCommand)[0]!.args[0].input).toMatchObject({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :history)',
      ExpressionAttributeValues: { ':pk': 'INCIDENT#api', ':history': 'HISTORY#' },
      ScanIndexForward: false,
      Limit: 10,
    });
  });

  it('finds one incident: the current one, else its history item; a malformed id reads nothing', async () => {
    expect(await model.healthIncident(current.id)).toEqual(current);
    dynamo
      .on(GetCommand)
      .resolves({ Item: { ...old, pk: 'INCIDENT#api', sk: 'HISTORY#2026-02-01T11:00:00.000Z' } });
    expect(await model.healthIncident(old.id)).toEqual(old);
    expect(dynamo.commandCalls(GetCommand)[0]!.args[0].input.Key).toEqual({
      pk: 'INCIDENT#api',
      sk: 'HISTORY#2026-02-01T11:00:00.000Z',
    });
    expect(await model.healthIncident('api@yesterday')).toBeUndefined();
    expect(dynamo.commandCalls(GetCommand)).toHaveLength(1);
  });
});

describe('DynamoDbFailoverReadModel', () => {
  const open = { id: 'database-command:r2', component: 'database', detectedAt: NOW - 1000, status: 'open' };
  const closed = {
    id: 'database-command:r1',
    component: 'database',
    detectedAt: NOW - 90_000,
    status: 'recovered',
  };
  const model = new DynamoDbFailoverReadModel(
    documentClient,
    'state',
    {
      load: async (component) =>
        component === 'database' ? { ...initialState('database', NOW), incident: open as never } : undefined,
    },
    () => NOW,
  );

  it('lists the open incident from the state item and closed ones from the history', async () => {
    dynamo
      .on(QueryCommand)
      .resolves({ Items: [{ pk: 'FAILOVER#database', sk: 'INCIDENT#x', incident: closed }] });
    expect((await model.incidents(['database', 'cache'], 5)).map((i) => i.id)).toEqual([open.id, closed.id]);
    expect((await model.states(['cache']))[0]).toEqual(initialState('cache', NOW));
  });

  it('finds a closed incident by id, following pages; an id of no component reads nothing', async () => {
    dynamo
      .on(QueryCommand)
      .resolvesOnce({ Items: [], LastEvaluatedKey: { pk: 'p', sk: 's' } })
      .resolvesOnce({ Items: [{ incident: closed }] });
    expect(await model.incident(closed.id)).toEqual(closed);
    expect(dynamo.commandCalls(QueryCommand)[1]!.args[0].input).toMatchObject({
      FilterExpression: '#incident.#id = :id',
      ExpressionAttributeValues: { ':id': closed.id },
      ExclusiveStartKey: { pk: 'p', sk: 's' },
    });
    expect(await model.incident('queue-1')).toBeUndefined();
  });
});

describe('DynamoDbQueryReports', () => {
  it('reads REPORT#LATEST of the cluster, without keys', async () => {
    dynamo
      .on(GetCommand)
      .resolves({ Item: { pk: 'QUERIES#db', sk: 'REPORT#LATEST', reportedAt: 'now', slowQueries: [] } });
    expect(await new DynamoDbQueryReports(documentClient, 'state', 'db').latest()).toEqual({
      reportedAt: 'now',
      slowQueries: [],
    });
    expect(dynamo.commandCalls(GetCommand)[0]!.args[0].input.Key).toEqual({
      pk: 'QUERIES#db',
      sk: 'REPORT#LATEST',
    });
  });
});
