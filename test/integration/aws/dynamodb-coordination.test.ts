import { DynamoDbEventLedger, DynamoDbLock } from '../../../functions/adapters/aws/dynamodb-coordination';
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

describe('DynamoDbEventLedger against a DynamoDB-compatible server', () => {
  it('claims a redelivered event exactly once, even when deliveries overlap', async () => {
    const ledger = new DynamoDbEventLedger(db.client, db.tableName);
    const claims = await Promise.all(Array.from({ length: 25 }, () => ledger.claim('alarm#42', 0, 60_000)));
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await ledger.claim('alarm#43', 0, 60_000)).toBe(true);
  });
});
