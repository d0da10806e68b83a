import { DynamoDbFailoverStore } from '../../../functions/adapters/aws/failover/dynamodb-failover-store';
import { StateConflictError } from '../../../functions/core/failover/ports';
import { initialState } from '../../../functions/core/failover/types';
import { type LocalDynamoDb, startLocalDynamoDb } from '../../support/dynamodb';

let db: LocalDynamoDb;
beforeAll(async () => {
  db = await startLocalDynamoDb();
});
afterAll(() => db.stop());

const T = Date.UTC(2026, 0, 1);

describe('DynamoDbFailoverStore against a DynamoDB-compatible server', () => {
  it('lets exactly one of two concurrent saves from the same version win', async () => {
    const store = new DynamoDbFailoverStore(db.client, db.tableName);
    const base = await store.save(initialState('database', T), 0);
    const results = await Promise.allSettled([
      store.save({ ...base, phase: 'failing-over' }, base.version),
      store.save({ ...base, phase: 'secondary' }, base.version),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]!.reason).toBeInstanceOf(StateConflictError);
    const stored = await store.load('database');
    expect(stored?.version).toBe(2);
    expect(stored?.phase).toBe((won[0] as PromiseFulfilledResult<{ phase: string }>).value.phase);
  });

  it('lets only one of many first writes create the item', async () => {
    const store = new DynamoDbFailoverStore(db.client, db.tableName);
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => store.save({ ...initialState('cache', T + i) }, 0)),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });

  it('round-trips a state with an operation and an incident', async () => {
    const store = new DynamoDbFailoverStore(db.client, db.tableName);
    const state = {
      ...initialState('dns', T),
      phase: 'secondary' as const,
      primaryId: 'primary',
      activeTarget: 'secondary',
      healthCheckInverted: true,
      history: [{ at: T, kind: 'failover' as const, automatic: false, testFailoverCalls: 0 }],
    };
    const saved = await store.save(state, 0);
    await expect(store.load('dns')).resolves.toEqual(saved);
  });
});
