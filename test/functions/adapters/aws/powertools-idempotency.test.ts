import {
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { PowertoolsIdempotency } from '../../../../functions/adapters/aws/powertools-idempotency';
import type { Idempotency } from '../../../../functions/core/runs/idempotency';
import { type LocalDynamoDb, startLocalDynamoDb } from '../../../support/dynamodb';
import { memoryIdempotency } from '../../../support/memory-coordination';

let db: LocalDynamoDb;
beforeAll(async () => {
  db = await startLocalDynamoDb();
});
afterAll(async () => {
  await db.stop();
});

const soon = () => Date.now() + 30_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let scopes = 0;

// The fake the fault-injection suites use must behave as the real adapter does: both run this.
describe.each<[string, () => Idempotency]>([
  [
    'Powertools on DynamoDB',
    () =>
      new PowertoolsIdempotency(db.raw, db.tableName, {
        scope: `test-${++scopes}`,
        validateFingerprint: true,
      }),
  ],
  ['the in-memory fake', () => memoryIdempotency(Date.now)],
])('idempotency contract: %s', (_name, make) => {
  it('runs the work and completes the record; a duplicate replays the value without running', async () => {
    const store = make();
    await expect(store.once({ key: 'e1', deadline: soon() }, async () => ({ n: 1 }))).resolves.toEqual({
      kind: 'ran',
      value: { n: 1 },
    });
    const work = jest.fn(async () => ({ n: 2 }));
    await expect(store.once({ key: 'e1', deadline: soon() }, work)).resolves.toEqual({
      kind: 'replayed',
      value: { n: 1 },
    });
    expect(work).not.toHaveBeenCalled();
  });

  it('releases the record when the work throws, so the next delivery runs it', async () => {
    const store = make();
    const failure = new Error('SetDesiredCapacity throttled');
    await expect(
      store.once({ key: 'e2', deadline: soon() }, async () => {
        throw failure;
      }),
    ).resolves.toEqual({ kind: 'failed', error: failure });
    await expect(store.once({ key: 'e2', deadline: soon() }, async () => 'second')).resolves.toEqual({
      kind: 'ran',
      value: 'second',
    });
  });

  it('answers "in progress" while another run holds the record, and lets a delivery take it after the deadline', async () => {
    const store = make();
    let finish!: () => void;
    const holding = store.once(
      { key: 'e3', deadline: Date.now() + 300 },
      () => new Promise<string>((resolve) => (finish = () => resolve('first'))),
    );
    await sleep(50);
    await expect(store.once({ key: 'e3', deadline: soon() }, async () => 'second')).resolves.toEqual({
      kind: 'in-progress',
    });
    await sleep(400);
    await expect(store.once({ key: 'e3', deadline: soon() }, async () => 'after')).resolves.toEqual({
      kind: 'ran',
      value: 'after',
    });
    finish();
    await holding;
  });

  it('refuses a key reused with another fingerprint', async () => {
    const store = make();
    await store.once({ key: 'e4', deadline: soon(), fingerprint: 'a' }, async () => 'first');
    await expect(
      store.once({ key: 'e4', deadline: soon(), fingerprint: 'b' }, async () => 'second'),
    ).resolves.toEqual({ kind: 'mismatch' });
  });
});

describe('PowertoolsIdempotency', () => {
  it('keeps records in the state table under the scope, with the TTL attribute the table expires', async () => {
    const store = new PowertoolsIdempotency(db.raw, db.tableName, {
      scope: 'scaling',
      retentionSeconds: 600,
    });
    const before = Math.floor(Date.now() / 1000);
    const deadline = Date.now() + 60_000;
    await store.once({ key: 'scaling:event-9', deadline }, async () => ({ status: 'acted' }));
    const { Items } = await db.client.send(
      new (await import('@aws-sdk/lib-dynamodb')).QueryCommand({
        TableName: db.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'IDEMPOTENCY#scaling' },
      }),
    );
    expect(Items).toHaveLength(1);
    const item = Items![0]!;
    expect(item.sk).toMatch(/^scaling#/);
    expect(item.status).toBe('COMPLETED');
    expect(item.data).toEqual({ status: 'acted' });
    expect(item.expiresAt).toBeGreaterThanOrEqual(before + 600);
    expect(item.in_progress_expiration).toBeGreaterThanOrEqual(deadline - 1000);
  });

  describe('under faults', () => {
    // Mocks every DynamoDBClient, so only while these tests run (the ones above use dynalite).
    let mock: ReturnType<typeof mockClient>;
    beforeAll(() => {
      mock = mockClient(DynamoDBClient);
    });
    afterEach(() => mock.reset());
    afterAll(() => mock.restore());
    const throttled = () => Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    const store = () => new PowertoolsIdempotency(new DynamoDBClient({}), 'state', { scope: 'failover' });

    it('reports a claim that could not be written without running the work', async () => {
      mock.on(PutItemCommand).rejects(throttled());
      const work = jest.fn(async () => 'ran');
      const once = await store().once({ key: 'k', deadline: soon() }, work);
      expect(once).toMatchObject({ kind: 'unclaimed', error: { name: 'ThrottlingException' } });
      expect(work).not.toHaveBeenCalled();
      expect(mock.commandCalls(PutItemCommand)[0]!.args[0].input).toMatchObject({
        TableName: 'state',
        Item: { pk: { S: 'IDEMPOTENCY#failover' }, status: { S: 'INPROGRESS' } },
      });
    });

    it("keeps the work's error and reports the release that failed", async () => {
      mock.on(PutItemCommand).resolves({});
      mock.on(DeleteItemCommand).rejects(throttled());
      const failure = new Error('FailoverDBCluster refused');
      const once = await store().once({ key: 'k', deadline: soon() }, async () => {
        throw failure;
      });
      expect(once).toMatchObject({
        kind: 'failed',
        error: failure,
        releaseError: { name: 'ThrottlingException' },
      });
    });

    it("keeps the work's value and reports the completion that failed", async () => {
      mock.on(PutItemCommand).resolves({});
      mock.on(UpdateItemCommand).rejects(throttled());
      const once = await store().once({ key: 'k', deadline: soon() }, async () => ({ scaled: true }));
      expect(once).toMatchObject({
        kind: 'ran',
        value: { scaled: true },
        completionError: { name: 'ThrottlingException' },
      });
    });

    it('reports a duplicate whose record cannot be read as unclaimed', async () => {
      const { ConditionalCheckFailedException } = await import('@aws-sdk/client-dynamodb');
      mock
        .on(PutItemCommand)
        .rejects(new ConditionalCheckFailedException({ message: 'exists', $metadata: {} }));
      mock.on(GetItemCommand).rejects(throttled());
      const once = await store().once({ key: 'k', deadline: soon() }, async () => 'ran');
      expect(once.kind).toBe('unclaimed');
    });
  });
});
