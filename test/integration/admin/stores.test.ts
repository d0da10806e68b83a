import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDbAuditLog } from '../../../functions/adapters/aws/admin/audit-log';
import { DynamoDbFailoverReadModel } from '../../../functions/adapters/aws/admin/failover-read-model';
import { DynamoDbIdempotencyStore } from '../../../functions/adapters/aws/admin/idempotency-store';
import { DynamoDbAlertRules } from '../../../functions/adapters/aws/alert-rules-store';
import { DynamoDbFailoverStore } from '../../../functions/adapters/aws/failover/dynamodb-failover-store';
import { type LocalDynamoDb, startLocalDynamoDb } from '../../support/dynamodb';

const NOW = Date.UTC(2026, 2, 1, 12);
let db: LocalDynamoDb;

beforeAll(async () => {
  db = await startLocalDynamoDb();
});
afterAll(async () => {
  await db.stop();
});

describe('admin API stores on a real DynamoDB (dynalite)', () => {
  it('claims, replays, refuses and releases idempotency keys with real conditional writes', async () => {
    const store = new DynamoDbIdempotencyStore(db.client, db.tableName, { pendingLeaseSeconds: 60 });
    const response = { status: 200, body: { to: 5 }, problem: false };
    expect(await store.claim('arn:alice', 'key-1', 'fp', NOW)).toEqual({ kind: 'new' });
    expect(await store.claim('arn:alice', 'key-1', 'fp', NOW + 1)).toEqual({ kind: 'in-progress' });
    expect(await store.claim('arn:bob', 'key-1', 'fp', NOW + 1)).toEqual({ kind: 'new' });
    await store.complete('arn:alice', 'key-1', response, NOW + 2);
    expect(await store.claim('arn:alice', 'key-1', 'fp', NOW + 3)).toEqual({ kind: 'replay', response });
    expect(await store.claim('arn:alice', 'key-1', 'other', NOW + 3)).toEqual({ kind: 'mismatch' });
    // An abandoned claim (its function died) can be taken over once its lease has passed.
    expect(await store.claim('arn:bob', 'key-1', 'fp', NOW + 61_000)).toEqual({ kind: 'new' });
    await store.release('arn:bob', 'key-1');
    expect(await store.claim('arn:bob', 'key-1', 'fp2', NOW + 62_000)).toEqual({ kind: 'new' });
    // An expired key (TTL not yet applied) counts as absent.
    expect(await store.claim('arn:alice', 'key-1', 'new-fp', NOW + 90_000_000)).toEqual({ kind: 'new' });
  });

  it('records an audit entry once and completes it', async () => {
    const log = new DynamoDbAuditLog(db.client, db.tableName);
    const entry = {
      id: 'req-9',
      at: NOW,
      actor: 'arn:alice',
      action: 'setWeights',
      target: 'lb',
      reason: 'canary',
      request: { body: { a: 1 } },
    };
    await log.begin(entry);
    await expect(log.begin(entry)).rejects.toMatchObject({ name: 'ConditionalCheckFailedException' });
    await log.finish(entry, { result: 'succeeded', status: 200, detail: 'done', finishedAt: NOW + 10 });
    await expect(
      log.finish(
        { ...entry, id: 'never-begun' },
        { result: 'failed', status: 500, detail: 'x', finishedAt: NOW },
      ),
    ).rejects.toMatchObject({
      name: 'ConditionalCheckFailedException',
    });
  });

  it('finds a closed failover incident by its nested id, and removes silences that exist', async () => {
    const incident = {
      id: 'database-command:r1',
      component: 'database',
      detectedAt: NOW - 1000,
      status: 'recovered',
      actions: [],
    };
    await new DynamoDbFailoverStore(db.client, db.tableName).recordIncident(incident as never, NOW);
    await db.client.send(
      new PutCommand({
        TableName: db.tableName,
        Item: { pk: 'FAILOVER#database', sk: 'INCIDENT#0#other', incident: { id: 'database-other' } },
      }),
    );
    const model = new DynamoDbFailoverReadModel(
      db.client,
      db.tableName,
      new DynamoDbFailoverStore(db.client, db.tableName),
      () => NOW,
    );
    expect(await model.incident('database-command:r1')).toMatchObject({
      id: 'database-command:r1',
      status: 'recovered',
    });
    expect(await model.incident('database-command:missing')).toBeUndefined();
    expect((await model.incidents(['database'], 10)).map((i) => i.id)).toEqual([
      'database-command:r1',
      'database-other',
    ]);

    const rules = new DynamoDbAlertRules(db.client, db.tableName);
    await rules.putSilence({
      id: 's1',
      matchers: [{ label: 'component', op: '=', value: 'api' }],
      startsAt: NOW,
      endsAt: NOW + 60_000,
      createdBy: 'arn:alice',
      comment: 'deploy',
    });
    expect((await rules.silencesNotEnded(NOW + 1)).map((s) => s.id)).toEqual(['s1']);
    expect(await rules.removeSilence('s1')).toBe(true);
    expect(await rules.removeSilence('s1')).toBe(false);
  });
});
