import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDbAuditLog } from '../../../functions/adapters/aws/admin/audit-log';
import { DynamoDbFailoverReadModel } from '../../../functions/adapters/aws/admin/failover-read-model';
import { DynamoDbAlertRules } from '../../../functions/adapters/aws/alert-rules-store';
import { DynamoDbFailoverStore } from '../../../functions/adapters/aws/failover/dynamodb-failover-store';
import { PowertoolsIdempotency } from '../../../functions/adapters/aws/powertools-idempotency';
import { UnprocessableError } from '../../../functions/core/admin/errors';
import { runMutation } from '../../../functions/core/admin/mutation';
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
  it('runs a change once per Idempotency-Key and caller, replays it, refuses the key for another request and frees it after a refusal', async () => {
    const keys = new PowertoolsIdempotency(db.raw, db.tableName, {
      scope: 'admin-api',
      validateFingerprint: true,
    });
    const deps = {
      audit: new DynamoDbAuditLog(db.client, db.tableName),
      idempotency: keys,
      clock: Date.now,
      onAuditError: () => undefined,
    };
    let changes = 0;
    const context = (requestId: string, caller = 'arn:alice', fingerprint = 'fp') => ({
      action: 'scaling.setCapacity',
      target: 'asg/misybot-fleet',
      reason: 'launch day',
      caller,
      requestId,
      instance: 'PUT /scaling/groups/misybot-fleet/capacity',
      idempotencyKey: 'key-0001-abcd',
      fingerprint,
      request: { body: { desiredCapacity: 5 } },
      deadline: Date.now() + 28_000,
    });
    const change = async () => {
      changes++;
      return { status: 200, body: { to: 5 } };
    };
    expect(await runMutation(deps, context('req-1'), change)).toEqual({
      status: 200,
      body: { to: 5 },
      problem: false,
      replayed: false,
    });
    expect(await runMutation(deps, context('req-2'), change)).toMatchObject({ status: 200, replayed: true });
    await expect(runMutation(deps, context('req-3', 'arn:alice', 'other'), change)).rejects.toMatchObject({
      name: 'ConflictError',
    });
    // Another caller's key is another key.
    expect(await runMutation(deps, context('req-4', 'arn:bob'), change)).toMatchObject({ replayed: false });
    expect(changes).toBe(2);
    const refused = async () => {
      throw new UnprocessableError('desiredCapacity must be between 2 and 10, got 50', []);
    };
    await expect(runMutation(deps, context('req-5', 'arn:carol'), refused)).rejects.toMatchObject({
      name: 'UnprocessableError',
    });
    expect(await runMutation(deps, context('req-6', 'arn:carol'), change)).toMatchObject({ replayed: false });
    expect(changes).toBe(3);
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
