import { DynamoDbLock } from '../../../functions/adapters/aws/dynamodb-coordination';
import { PowertoolsIdempotency } from '../../../functions/adapters/aws/powertools-idempotency';
import { type LocalDynamoDb, startLocalDynamoDb } from '../../support/dynamodb';

let db: LocalDynamoDb;
beforeAll(async () => {
  db = await startLocalDynamoDb();
});
afterAll(() => db.stop());

describe('DynamoDbLock against a DynamoDB-compatible server', () => {
  it('lets exactly one of twenty concurrent runs take a free lease', async () => {
    const lock = new DynamoDbLock(db.client, db.tableName);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => lock.acquire('race', `run-${i}`, 60_000, 1_000)),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('refuses a held lease, extends its owner, and hands an expired one over', async () => {
    const lock = new DynamoDbLock(db.client, db.tableName);
    expect(await lock.acquire('lease', 'a', 1_000, 10_000)).toBe(true);
    expect(await lock.acquire('lease', 'b', 1_000, 10_500)).toBe(false);
    expect(await lock.acquire('lease', 'a', 1_000, 10_900)).toBe(true);
    expect(await lock.acquire('lease', 'b', 1_000, 11_500)).toBe(false);
    expect(await lock.acquire('lease', 'b', 1_000, 12_000)).toBe(true);
  });

  it('keeps a lease that another owner tries to release', async () => {
    const lock = new DynamoDbLock(db.client, db.tableName);
    expect(await lock.acquire('owned', 'a', 60_000, 0)).toBe(true);
    await lock.release('owned', 'b');
    expect(await lock.acquire('owned', 'b', 60_000, 1)).toBe(false);
    await lock.release('owned', 'a');
    expect(await lock.acquire('owned', 'b', 60_000, 2)).toBe(true);
  });
});

describe('PowertoolsIdempotency against a DynamoDB-compatible server', () => {
  it('runs a redelivered event exactly once, even when deliveries overlap', async () => {
    const events = new PowertoolsIdempotency(db.raw, db.tableName, { scope: 'overlap' });
    let runs = 0;
    const work = async () => {
      runs++;
      await new Promise((resolve) => setTimeout(resolve, 20));
      return 'done';
    };
    const deadline = Date.now() + 60_000;
    const answers = await Promise.all(
      Array.from({ length: 25 }, () => events.once({ key: 'alarm#42', deadline }, work)),
    );
    expect(runs).toBe(1);
    expect(answers.filter((a) => a.kind === 'ran')).toHaveLength(1);
    expect(answers.every((a) => ['ran', 'in-progress', 'replayed'].includes(a.kind))).toBe(true);
    expect(await events.once({ key: 'alarm#43', deadline }, work)).toEqual({ kind: 'ran', value: 'done' });
  });
});
