import { saveOwn } from '../../../../functions/core/failover/execution';
import { StateConflictError } from '../../../../functions/core/failover/ports';
import type { FailoverState } from '../../../../functions/core/failover/types';
import { InMemoryStore } from './fakes';
import { operationOf, stateOf, T0 } from './fixtures';

const operation = (id: string) => operationOf({ id, automatic: true });

async function seeded(state: FailoverState): Promise<InMemoryStore> {
  const store = new InMemoryStore();
  await store.save(state, 0);
  return store;
}

describe('saveOwn', () => {
  it('writes on top of its own operation when a lost reply made the version move', async () => {
    const store = await seeded(stateOf('database', { phase: 'failing-over', operation: operation('mine') }));
    const mine = stateOf('database', { phase: 'secondary', operation: operation('mine'), updatedAt: T0 + 1 });
    // This run read version 0; the store is at 1 because its own earlier write landed.
    const saved = await saveOwn(store, mine, 0, 'mine');
    expect(saved).toMatchObject({ phase: 'secondary', version: 2 });
  });

  it('never overwrites the state of a run that took the component over after this one lost its lease', async () => {
    const newOwner = stateOf('database', { phase: 'failing-over', operation: operation('taken-over') });
    const store = await seeded(newOwner);
    const stale = stateOf('database', { phase: 'secondary', operation: operation('mine') });
    await expect(saveOwn(store, stale, 0, 'mine')).rejects.toBeInstanceOf(StateConflictError);
    expect(store.items.get('database')).toMatchObject({ version: 1, operation: { id: 'taken-over' } });
    expect(store.saves).toBe(1);
  });

  it('never writes over a component whose operation has ended meanwhile', async () => {
    const store = await seeded(stateOf('database', { phase: 'secondary' }));
    await expect(
      saveOwn(store, stateOf('database', { operation: operation('mine') }), 0, 'mine'),
    ).rejects.toBeInstanceOf(StateConflictError);
    expect(store.items.get('database')?.operation).toBeUndefined();
  });

  it('passes any other failure on without a second try', async () => {
    const store = new InMemoryStore();
    const outage = new Error('ProvisionedThroughputExceededException');
    store.failNextSaves = { count: 1, error: outage };
    await expect(saveOwn(store, stateOf('database'), 0, 'mine')).rejects.toBe(outage);
    expect(store.items.size).toBe(0);
  });
});
