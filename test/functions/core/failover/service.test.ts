import { StateConflictError } from '../../../../functions/core/failover/ports';
import {
  type FailoverDeps,
  type FailoverEvent,
  handleFailoverEvent,
} from '../../../../functions/core/failover/service';
import { memoryIdempotency } from '../../../support/memory-coordination';
import {
  deadlineAfter,
  FixedObserver,
  InMemoryLock,
  InMemoryStore,
  RecordingNotifier,
  runDeps,
  ScriptedActions,
  SimulatedClock,
} from './fakes';
import { dbHealth, T0, testSettings } from './fixtures';

const settings = testSettings();
const down = dbHealth({ primary: { healthy: false } });

function world() {
  const clock = new SimulatedClock(T0);
  const store = new InMemoryStore();
  const actions = new ScriptedActions(clock);
  const notifier = new RecordingNotifier();
  const lock = new InMemoryLock();
  const events = memoryIdempotency(clock.now);
  const observer = new FixedObserver(dbHealth());
  const deps: FailoverDeps = {
    store,
    actions,
    notifier,
    run: runDeps(clock, lock, events),
    observer,
    owner: 'run-1',
    clock: clock.now,
  };
  return { clock, store, actions, notifier, lock, events, observer, deps };
}

const healthEvent = (id: string, health = down): FailoverEvent => ({
  kind: 'health',
  id,
  component: 'database',
  health,
});
const failoverCommand = (id: string, dryRun = false): FailoverEvent => ({
  kind: 'command',
  id,
  component: 'database',
  command: 'failover',
  dryRun,
  reason: 'planned maintenance of db-1',
  requestedBy: 'sre@example.com',
});

describe('handleFailoverEvent', () => {
  it('executes the plan step by step, verifies, saves the outcome and sends the timeline', async () => {
    const w = world();
    await handleFailoverEvent(w.deps, healthEvent('h1'), settings, T0, deadlineAfter(T0));
    const result = await handleFailoverEvent(
      w.deps,
      healthEvent('h2'),
      settings,
      T0 + 10_000,
      deadlineAfter(T0 + 10_000),
    );
    expect(result).toMatchObject({
      status: 'executed',
      verdict: 'completed',
      phase: 'secondary',
      incidentId: 'database-h2',
    });
    expect(w.actions.calls.map((c) => c.action.kind)).toEqual(['aurora-failover', 'wait-for-writer']);
    expect(result.executed.every((r) => r.outcome.ok)).toBe(true);
    expect(w.store.items.get('database')).toMatchObject({
      phase: 'secondary',
      activeTarget: 'db-2',
      operation: undefined,
    });
    expect(w.notifier.sent.map((a) => a.severity)).toEqual(['critical', 'critical']);
    expect(w.notifier.sent[1]?.message).toContain('aurora-failover → db-2: ok');
  });

  it('does nothing for a redelivered event', async () => {
    const w = world();
    await handleFailoverEvent(w.deps, healthEvent('h1'), settings, T0, deadlineAfter(T0));
    const again = await handleFailoverEvent(
      w.deps,
      healthEvent('h1'),
      settings,
      T0 + 1000,
      deadlineAfter(T0 + 1000),
    );
    expect(again.status).toBe('duplicate');
    expect(again.record).toMatchObject({ status: 'skipped', event: 'done' });
    expect(w.store.items.get('database')?.primaryFailures).toBe(1);
  });

  it('answers busy and releases the event for a retry while another run holds the component', async () => {
    const w = world();
    await w.lock.acquire('failover#database', 'other-run', 60_000, T0);
    const result = await handleFailoverEvent(w.deps, healthEvent('h1'), settings, T0, deadlineAfter(T0));
    expect(result.status).toBe('busy');
    expect(result.record).toMatchObject({ status: 'skipped', event: 'retry' });
    expect(w.events.records.size).toBe(0);
    await w.lock.release('failover#database', 'other-run');
    const retried = await handleFailoverEvent(
      w.deps,
      healthEvent('h1'),
      settings,
      T0 + 60_000,
      deadlineAfter(T0),
    );
    expect(retried.status).toBe('decided');
    expect(w.store.items.get('database')?.primaryFailures).toBe(1);
  });

  it('releases the event of a run that failed after claiming it, so the retry is not a duplicate', async () => {
    const w = world();
    const load = w.store.load.bind(w.store);
    w.store.load = async () => {
      throw Object.assign(new Error('Internal server error'), { name: 'InternalServerError' });
    };
    const failed = await handleFailoverEvent(w.deps, healthEvent('h1'), settings, T0, deadlineAfter(T0));
    expect(failed).toMatchObject({ status: 'failed', record: { status: 'failed', event: 'retry' } });
    w.store.load = load;
    const retried = await handleFailoverEvent(
      w.deps,
      healthEvent('h1'),
      settings,
      T0 + 60_000,
      deadlineAfter(T0),
    );
    expect(retried).toMatchObject({ status: 'decided', record: { event: 'done' } });
  });

  it('keeps an executed failover when the component lease cannot be released, and records it', async () => {
    const w = world();
    w.lock.release = async () => {
      throw new Error('throttled');
    };
    const result = await handleFailoverEvent(w.deps, failoverCommand('c1'), settings, T0, deadlineAfter(T0));
    expect(result).toMatchObject({ status: 'executed', verdict: 'completed' });
    expect(result.record).toMatchObject({ status: 'acted', event: 'done' });
    expect(result.record.problems.map((p) => p.kind)).toEqual(['lock-release']);
  });

  it('reports a conflict and acts on nothing when another run wrote the state first', async () => {
    const w = world();
    class RacingStore extends InMemoryStore {
      override async save(): Promise<never> {
        throw new StateConflictError('database', 0);
      }
    }
    const result = await handleFailoverEvent(
      { ...w.deps, store: new RacingStore() },
      failoverCommand('c1'),
      settings,
      T0,
      deadlineAfter(T0),
    );
    expect(result.status).toBe('conflict');
    expect(result.record).toMatchObject({ status: 'skipped', event: 'retry' });
    expect(w.actions.calls).toEqual([]);
  });

  it('records a throttled failover as failed, pages, and leaves the component on its primary', async () => {
    const w = world();
    w.actions.script.set('aurora-failover', {
      ok: false,
      failure: 'throttled',
      message: 'ThrottlingException: Rate exceeded',
      accepted: false,
    });
    const result = await handleFailoverEvent(w.deps, failoverCommand('c1'), settings, T0, deadlineAfter(T0));
    expect(result).toMatchObject({ status: 'executed', verdict: 'failed', phase: 'primary' });
    expect(result.executed.map((r) => (r.outcome.ok ? 'ok' : r.outcome.failure))).toEqual([
      'throttled',
      'skipped',
    ]);
    expect(w.actions.calls).toHaveLength(1);
    expect(w.notifier.sent.at(-1)).toMatchObject({ severity: 'critical' });
    expect(w.store.items.get('database')?.phase).toBe('primary');
  });

  it('saves progress after each step, so a run that dies leaves its steps behind', async () => {
    const w = world();
    const seen: string[] = [];
    w.actions.script.set('wait-for-writer', () => {
      seen.push(...(w.store.items.get('database')?.operation?.results.map((r) => r.action.kind) ?? []));
      return { ok: true };
    });
    await handleFailoverEvent(w.deps, failoverCommand('c1'), settings, T0, deadlineAfter(T0));
    expect(seen).toEqual(['aurora-failover']);
  });

  it('runs nothing, saves nothing and claims nothing for a dry run', async () => {
    const w = world();
    const result = await handleFailoverEvent(
      w.deps,
      failoverCommand('c1', true),
      settings,
      T0,
      deadlineAfter(T0),
    );
    expect(result.status).toBe('dry-run');
    expect(result.plan.filter((a) => a.kind !== 'notify')).toHaveLength(2);
    expect(w.actions.calls).toEqual([]);
    expect(w.store.saves).toBe(0);
    expect(w.notifier.sent).toEqual([]);
    expect(w.events.records.size).toBe(0);
  });

  it('keeps going when an alert cannot be sent', async () => {
    const w = world();
    w.notifier.failWith = new Error('SNS throttled');
    const result = await handleFailoverEvent(w.deps, failoverCommand('c1'), settings, T0, deadlineAfter(T0));
    expect(result.verdict).toBe('completed');
    expect(result.notifications.every((n) => !n.delivered)).toBe(true);
  });

  it('pages and records a failure to retry when the outcome cannot be saved, leaving the lease to expire', async () => {
    const w = world();
    w.actions.script.set('wait-for-writer', () => {
      w.store.failNextSaves = { count: 2, error: new Error('DynamoDB unavailable') };
      return { ok: true };
    });
    const result = await handleFailoverEvent(w.deps, failoverCommand('c1'), settings, T0, deadlineAfter(T0));
    expect(result).toMatchObject({
      status: 'failed',
      record: {
        status: 'failed',
        event: 'retry',
        reason: expect.stringContaining('could not be saved (FailoverPersistenceError)'),
      },
    });
    expect(w.store.items.get('database')?.phase).toBe('failing-over');
    expect(w.notifier.sent.at(-1)?.subject).toContain('not saved');
  });

  it('takes an outcome save that timed out but landed as saved: the run is done and its retry repeats nothing', async () => {
    const w = world();
    const save = w.store.save.bind(w.store);
    let saves = 0;
    w.store.save = async (state, version) => {
      const saved = await save(state, version);
      // The decision, two steps of progress, then the outcome: its answer is lost.
      if (++saves === 4) throw Object.assign(new Error('socket timeout'), { name: 'TimeoutError' });
      return saved;
    };
    const result = await handleFailoverEvent(w.deps, failoverCommand('c1'), settings, T0, deadlineAfter(T0));
    expect(result).toMatchObject({ status: 'executed', verdict: 'completed', record: { event: 'done' } });
    expect(w.notifier.sent.map((a) => a.subject)).not.toContainEqual(expect.stringContaining('not saved'));
    const again = await handleFailoverEvent(
      w.deps,
      failoverCommand('c1'),
      settings,
      T0 + 60_000,
      deadlineAfter(T0),
    );
    expect(again.status).toBe('duplicate');
    expect(w.actions.calls.filter((c) => c.action.kind === 'aurora-failover')).toHaveLength(1);
  });

  it('does not start the operation again when its outcome landed but could not be read back: the retry repeats nothing', async () => {
    const w = world();
    const save = w.store.save.bind(w.store);
    const load = w.store.load.bind(w.store);
    let saves = 0;
    let outcomeLost = false;
    w.store.save = async (state, version) => {
      const saved = await save(state, version);
      // The decision, two steps of progress, then the outcome: its answer is lost.
      if (++saves === 4) {
        outcomeLost = true;
        throw Object.assign(new Error('socket timeout'), { name: 'TimeoutError' });
      }
      return saved;
    };
    w.store.load = async (component) => {
      if (outcomeLost) {
        outcomeLost = false;
        throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
      }
      return load(component);
    };
    const first = await handleFailoverEvent(w.deps, failoverCommand('c1'), settings, T0, deadlineAfter(T0));
    expect(first.record).toMatchObject({ status: 'failed', event: 'retry' });
    const retry = await handleFailoverEvent(
      w.deps,
      failoverCommand('c1'),
      settings,
      T0 + 60_000,
      deadlineAfter(T0 + 60_000),
    );
    expect(retry).toMatchObject({
      status: 'decided',
      verdict: 'unchanged',
      reason: 'operation c1 already concluded: an earlier run saved its outcome',
      record: { event: 'done' },
    });
    expect(w.actions.calls.filter((c) => c.action.kind === 'aurora-failover')).toHaveLength(1);
  });

  it('treats an adapter that throws as a failed step that may have been accepted', async () => {
    const w = world();
    w.actions.script.set('aurora-failover', () => {
      throw new Error('socket hang up');
    });
    const result = await handleFailoverEvent(w.deps, failoverCommand('c1'), settings, T0, deadlineAfter(T0));
    expect(result.executed[0]?.outcome).toMatchObject({ ok: false, failure: 'unknown', accepted: true });
    expect(w.store.items.get('database')?.history).toHaveLength(1);
  });
});
