import { FailoverHolds } from '../../../../functions/core/failover/holds';
import type { FailoverResult } from '../../../../functions/core/failover/service';
import { ScriptedActions } from '../../core/failover/fakes';
import { T0 } from '../../core/failover/fixtures';
import { command, harness, healthChanged, RecordingHolds, RecordingLog } from './support';

const LEASE_MS = 900_000; // operationLeaseSeconds' default: the harness does not change it

const held = (component: string, at = T0) => ({
  component,
  reason: 'failover',
  startedAt: at,
  until: at + LEASE_MS,
  setBy: expect.stringMatching(/^failover \w+ request-1$/),
});

describe('failover handler: alert holds on the health components being switched', () => {
  test('a failover holds the mapped health component before the first action, until the lease, and ends the hold once settled', async () => {
    const h = harness();
    expect(await h.invoke(command())).toMatchObject({
      status: 'executed',
      verdict: 'completed',
      phase: 'secondary',
    });
    expect(h.holds.writes).toEqual([
      { op: 'set', hold: held('database'), actionsBefore: 0 },
      { op: 'clear', component: 'database', reason: 'failover' },
    ]);
  });

  test('every health component mapped to the failover component is held', async () => {
    const h = harness({ COMPONENT_MAP: JSON.stringify({ api: 'dns', edge: 'dns', database: 'database' }) });
    expect(await h.invoke(command({ component: 'dns' }))).toMatchObject({ status: 'executed' });
    const sets = h.holds.writes.filter((w) => w.op === 'set').map((w) => w.op === 'set' && w.hold.component);
    const clears = h.holds.writes.filter((w) => w.op === 'clear').map((w) => w.op === 'clear' && w.component);
    expect(sets.sort()).toEqual(['api', 'edge']);
    expect(clears.sort()).toEqual(['api', 'edge']);
  });

  test('a drill holds the component while it switches and back, and ends the hold on the primary', async () => {
    const h = harness();
    const response = await h.invoke(command({ component: 'cache', action: 'drill' }));
    expect(response).toMatchObject({ status: 'executed', phase: 'primary' });
    expect(h.actions.calls.length).toBeGreaterThan(0);
    expect(h.holds.writes).toEqual([
      { op: 'set', hold: held('cache'), actionsBefore: 0 },
      { op: 'clear', component: 'cache', reason: 'failover' },
    ]);
  });

  test('a failed failover ends the hold so the failure and its symptoms page', async () => {
    const h = harness();
    h.actions.script.set('aurora-failover', {
      ok: false,
      failure: 'rejected',
      message: 'InvalidDBClusterStateFault',
      accepted: false,
    });
    expect(await h.invoke(command())).toMatchObject({ status: 'executed', verdict: 'failed' });
    expect(h.holds.writes.map((w) => w.op)).toEqual(['set', 'clear']);
  });

  test('a dry run, and a run that only records health, hold nothing', async () => {
    const h = harness();
    expect(await h.invoke(command({ dryRun: true }))).toMatchObject({ status: 'dry-run' });
    expect(await h.invoke(healthChanged('database', 'down'))).toMatchObject({
      results: [expect.objectContaining({ status: 'decided' })],
    });
    expect(h.holds.writes).toEqual([]);
  });

  test('a hold that cannot be written is logged and the failover goes on', async () => {
    const h = harness();
    h.holds.failWith = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    expect(await h.invoke(command())).toMatchObject({ ok: true, status: 'executed', verdict: 'completed' });
    expect(h.actions.calls.map((c) => c.action.kind)).toEqual(['aurora-failover', 'wait-for-writer']);
    expect(h.log.lines.filter((l) => l.level === 'warn').map((l) => l.message)).toEqual([
      'failover database: could not set the alert hold on database',
      'failover database: could not clear the alert hold on database',
    ]);
  });
});

describe('FailoverHolds', () => {
  const result = (overrides: Partial<FailoverResult>): FailoverResult => ({
    status: 'executed',
    component: 'database',
    eventId: 'e-1',
    verdict: 'completed',
    reason: 'test',
    plan: [],
    checks: [],
    executed: [],
    notifications: [],
    ...overrides,
  });
  const setup = () => {
    const writer = new RecordingHolds();
    const holds = new FailoverHolds(writer, { db: 'database', api: 'dns' }, 600, new RecordingLog());
    return { writer, holds, run: holds.forRun('database', 'r-1', new ScriptedActions(), () => T0) };
  };

  test('keeps the hold while the operation is still in flight, refreshing it from now', async () => {
    const { writer, run } = setup();
    await run.settle(result({ phase: 'failing-over' }));
    expect(writer.writes).toEqual([
      {
        op: 'set',
        hold: {
          component: 'db',
          reason: 'failover',
          startedAt: T0,
          until: T0 + 600_000,
          setBy: 'failover database r-1',
        },
        actionsBefore: 0,
      },
    ]);
  });

  test('ends the hold of a failed run even when the component is left mid-switch', async () => {
    const { writer, run } = setup();
    await run.settle(result({ phase: 'failing-over', verdict: 'failed' }));
    expect(writer.writes).toEqual([{ op: 'clear', component: 'db', reason: 'failover' }]);
  });

  test('writes the hold once per run however many actions run', async () => {
    const { writer, run } = setup();
    await run.actions.execute({ kind: 'aurora-failover', targetInstance: 'db-2' }, T0 + 1000);
    await run.actions.execute({ kind: 'wait-for-writer', instance: 'db-2' }, T0 + 1000);
    await run.settle(result({ phase: 'failing-back' }));
    expect(writer.writes.map((w) => w.op)).toEqual(['set']);
  });

  test('leaves holds alone after runs that did not execute, and holds nothing for an unmapped component', async () => {
    const { writer, holds, run } = setup();
    for (const status of ['busy', 'duplicate', 'conflict', 'decided', 'dry-run'] as const)
      await run.settle(result({ status, phase: 'secondary' }));
    const cache = holds.forRun('cache', 'r-1', new ScriptedActions(), () => T0);
    await cache.actions.execute({ kind: 'elasticache-test-failover' }, T0 + 1000);
    await cache.settle(result({ component: 'cache', phase: 'primary' }));
    expect(holds.heldFor('cache')).toEqual([]);
    expect(writer.writes).toEqual([]);
  });
});
