import { initialState } from '../../../../functions/core/failover/types';
import { UnknownComponentError } from '../../../../functions/handlers/failover/events';
import { FailoverCommandError, FailoverTriggerError } from '../../../../functions/handlers/failover/handle';
import { dbHealth, dnsHealth, operationOf, T0 } from '../../core/failover/fixtures';
import { alarmChanged, command, harness, healthChanged, scheduled } from './support';

const downDb = dbHealth({ primary: { healthy: false } });

describe('failover handler: commands from the admin API', () => {
  test('a dry run answers with the plan and the guards, and changes nothing', async () => {
    const h = harness();
    const response = await h.invoke(command({ dryRun: true }));
    expect(response).toMatchObject({
      ok: true,
      status: 'dry-run',
      component: 'database',
      eventId: 'command:req-1',
      plan: [
        { kind: 'aurora-failover', targetInstance: 'db-2' },
        { kind: 'wait-for-writer', instance: 'db-2' },
        { kind: 'notify', severity: 'warning', subject: '[dry run] database failover db-1 → db-2' },
      ],
      executed: [],
    });
    expect(h.actions.calls).toEqual([]);
    expect(h.store.saves).toBe(0);
    expect(h.events.records.size).toBe(0);
    expect(h.metrics.emitted).toEqual([]);
    expect(h.metrics.runs).toEqual([['decided', 'ControlRuns']]);
  });

  test('a command runs the plan and answers with the incident id; the same request again does nothing', async () => {
    const h = harness();
    const response = await h.invoke(command());
    expect(response).toMatchObject({
      ok: true,
      status: 'executed',
      verdict: 'completed',
      phase: 'secondary',
      incidentId: 'database-command:req-1',
    });
    expect(h.actions.calls.map((c) => c.action.kind)).toEqual(['aurora-failover', 'wait-for-writer']);
    expect(h.metrics.emitted).toEqual([
      ['database', 'FailoverStarted', 'Count', 1],
      ['database', 'FailoverSucceeded', 'Count', 1],
      ['database', 'FailoverSwitchDuration', 'Milliseconds', 2000],
    ]);
    const again = await h.invoke(command(), 'request-2');
    expect(again).toMatchObject({ ok: true, status: 'duplicate' });
    expect(h.actions.calls).toHaveLength(2);
  });

  test('bad input is refused with the field named, before anything is read or done', async () => {
    const h = harness();
    const response = await h.invoke(command({ reason: 'x', component: 'queue' }));
    expect(response).toEqual({
      ok: false,
      error: 'InputError',
      message: expect.stringContaining('reason: must hold 3 to 500 characters'),
    });
    expect((response as { message: string }).message).toContain(
      'component: must be one of dns, database, cache',
    );
    expect(h.observer.calls).toEqual([]);
    expect(h.actions.calls).toEqual([]);
    expect(h.events.records.size).toBe(0);
    expect(h.store.saves).toBe(0);
    expect(h.log.lines.at(-1)).toMatchObject({
      message: 'run record',
      extra: { run: { status: 'failed', event: 'done' } },
    });
  });

  test('a component without its resource is refused with a clear message', async () => {
    const h = harness({ HEALTH_CHECK_ID: undefined });
    expect(await h.invoke(command({ component: 'dns' }))).toEqual({
      ok: false,
      error: 'ComponentNotConfiguredError',
      message: 'no dns resource is configured for failover',
      component: 'dns',
    });
    expect(h.observer.calls).toEqual([]);
  });

  test('a dry run that fails answers with the reason, never a stack trace', async () => {
    const h = harness();
    h.store.load = async () => {
      throw Object.assign(new Error('User is not authorized to perform dynamodb:GetItem'), {
        name: 'AccessDeniedException',
      });
    };
    const response = await h.invoke(command({ dryRun: true }));
    expect(response).toEqual({
      ok: false,
      error: 'FailoverRunError',
      message: 'the run failed: User is not authorized to perform dynamodb:GetItem (AccessDeniedException)',
      component: 'database',
    });
    expect(h.log.lines.at(-1)).toMatchObject({ level: 'error', message: 'run record' });
  });

  test('a command whose run failed fails the invocation, so Lambda retries the asynchronous invoke', async () => {
    const h = harness();
    const load = h.store.load.bind(h.store);
    h.store.load = async () => {
      throw Object.assign(new Error('Internal error'), { name: 'InternalServerError' });
    };
    await expect(h.invoke(command())).rejects.toBeInstanceOf(FailoverCommandError);
    expect(h.events.records.size).toBe(0);
    h.store.load = load;
    expect(await h.invoke(command(), 'retry-1')).toMatchObject({ ok: true, status: 'executed' });
  });

  test('a blocked command is counted and logged as a warning', async () => {
    const h = harness();
    h.observer.health.database = dbHealth({
      standbys: [{ id: 'db-2', healthy: false, replicaLagSeconds: 1, capacity: 2 }],
    });
    expect(await h.invoke(command())).toMatchObject({ ok: true, status: 'decided', verdict: 'blocked' });
    expect(h.metrics.emitted).toEqual([['database', 'FailoverBlocked', 'Count', 1]]);
    expect(h.log.lines.at(-1)).toMatchObject({ level: 'warn', extra: { verdict: 'blocked' } });
  });

  test('a failed action is counted as a failed failover', async () => {
    const h = harness();
    h.actions.script.set('aurora-failover', {
      ok: false,
      failure: 'rejected',
      message: 'InvalidDBClusterStateFault',
      accepted: false,
    });
    expect(await h.invoke(command())).toMatchObject({ ok: true, status: 'executed', verdict: 'failed' });
    expect(h.metrics.emitted.map(([, name]) => name)).toEqual([
      'FailoverStarted',
      'FailoverFailed',
      'FailoverSwitchDuration',
    ]);
  });

  test('a dry run on a component held by another run answers busy', async () => {
    const h = harness();
    await h.lock.acquire('failover#database', 'other-run', 60_000, h.clock.now());
    expect(await h.invoke(command({ dryRun: true }))).toMatchObject({ ok: true, status: 'busy' });
    expect(h.actions.calls).toEqual([]);
  });

  test('a command on a component held by another run is not acknowledged: the invocation fails for a retry', async () => {
    const h = harness();
    await h.lock.acquire('failover#database', 'other-run', 60_000, h.clock.now());
    await expect(h.invoke(command())).rejects.toMatchObject({
      name: 'FailoverCommandError',
      message: expect.stringContaining('busy: another run holds failover#database'),
    });
    expect(h.actions.calls).toEqual([]);
    expect(h.metrics.runs).toContainEqual(['', 'ControlRunsRetried']);
  });
});

describe('failover handler: EventBridge triggers', () => {
  test('a down verdict stands until the next one: with the observations it makes the evidence, a redelivery does not count, then the database fails over', async () => {
    const h = harness();
    const first = healthChanged('database', 'down', '2026-01-01T12:00:00.000Z');
    expect(await h.invoke(first)).toMatchObject({ results: [{ status: 'decided', verdict: 'updated' }] });
    expect(await h.invoke({ ...first, id: 'another-delivery' })).toMatchObject({
      results: [{ status: 'duplicate' }],
    });
    expect(h.actions.calls).toEqual([]);
    // RDS still says "available": the health engine's standing verdict is what fails.
    h.clock.time = Date.parse('2026-01-01T12:01:02Z');
    expect(await h.invoke(scheduled('2026-01-01T12:01:00Z'))).toMatchObject({
      source: 'schedule',
      results: expect.arrayContaining([
        expect.objectContaining({ component: 'database', status: 'executed', verdict: 'completed' }),
      ]),
    });
    expect(h.actions.calls.map((c) => c.action)).toEqual([
      { kind: 'aurora-failover', targetInstance: 'db-2' },
      { kind: 'wait-for-writer', instance: 'db-2' },
    ]);
    expect(h.notifier.sent.map((a) => a.severity)).toEqual(['critical', 'critical']);
  });

  test('two verdict deliveries of one health round count once', async () => {
    const h = harness();
    h.observer.health.database = downDb;
    await h.invoke(healthChanged('database', 'down', '2026-01-01T12:00:00.000Z'));
    h.clock.time = Date.parse('2026-01-01T12:01:00Z');
    const sameRound = await h.invoke(healthChanged('database', 'down', '2026-01-01T12:00:04.000Z'));
    expect(sameRound).toMatchObject({
      results: [{ status: 'decided', reason: expect.stringContaining('already counted') }],
    });
    expect(h.store.items.get('database')?.primaryFailures).toBe(1);
  });

  test('a flapping verdict holds automatic failover and pages once with a flapping incident', async () => {
    const h = harness();
    h.observer.health.database = downDb;
    const flapping = (at: string) => ({
      ...healthChanged('database', 'degraded', at),
      detail: {
        component: 'database',
        status: 'degraded',
        at,
        checks: [{ id: 'db-port', status: 'flapping' }],
      },
    });
    await h.invoke(flapping('2026-01-01T12:00:00.000Z'));
    for (const minute of ['01', '02', '03', '04']) {
      h.clock.time = Date.parse(`2026-01-01T12:${minute}:00Z`);
      await h.invoke(scheduled(`2026-01-01T12:${minute}:00Z`));
    }
    expect(h.actions.calls).toEqual([]);
    const pages = h.notifier.sent.filter((a) => a.component === 'database');
    expect(pages).toEqual([
      expect.objectContaining({
        severity: 'critical',
        subject: 'database: primary db-1 flapping, automatic failover held',
      }),
    ]);
    expect(h.store.items.get('database')?.flapping).toMatchObject({ kind: 'flapping', status: 'open' });
  });

  test('an alarm on a primary observed healthy moves nothing', async () => {
    const h = harness();
    const response = await h.invoke(alarmChanged('aurora-cpu', 'ALARM'));
    expect(response).toMatchObject({ source: 'alarm', results: [{ status: 'decided', verdict: 'updated' }] });
    expect(h.actions.calls).toEqual([]);
    expect(h.log.lines.at(-1)?.extra).toMatchObject({
      note: 'alarm aurora-cpu ALARM',
      reason: 'primary db-1 healthy',
    });
  });

  test('an alarm the observer confirms fails over at once', async () => {
    const h = harness();
    h.observer.health.database = downDb;
    expect(await h.invoke(alarmChanged('aurora-lag', 'ALARM'))).toMatchObject({
      results: [{ status: 'executed', verdict: 'completed' }],
    });
    expect(h.actions.calls).toHaveLength(2);
  });

  test('the schedule observes every configured component', async () => {
    const h = harness({ REPLICATION_GROUP_ID: undefined });
    const response = await h.invoke(scheduled());
    expect(response).toMatchObject({
      source: 'schedule',
      results: [
        { component: 'dns', eventId: 'schedule:dns:2026-01-01T12:01:00Z' },
        { component: 'database', eventId: 'schedule:database:2026-01-01T12:01:00Z' },
      ],
    });
    expect([...h.observer.calls].sort()).toEqual(['database', 'dns']);
  });

  test('one component failing does not stop the others, and fails the invocation for a retry', async () => {
    const h = harness();
    h.observer.health.dns = Object.assign(new Error('Rate exceeded'), { name: 'Throttling' });
    h.observer.health.cache = undefined;
    const failure = h.invoke(scheduled());
    await expect(failure).rejects.toBeInstanceOf(FailoverTriggerError);
    await expect(failure).rejects.toMatchObject({
      message:
        'failover schedule trigger not done for dns (could not observe dns: Rate exceeded (Throttling)); cache (could not observe cache: no health scripted for cache)',
    });
    expect([...h.events.records.keys()]).toEqual([
      'failover#database#schedule:database:2026-01-01T12:01:00Z',
    ]);
    expect(
      h.log.lines
        .filter((l) => l.level === 'error')
        .map((l) => (l.extra.run as { eventKey: string }).eventKey),
    ).toEqual([
      'failover#dns#schedule:dns:2026-01-01T12:01:00Z',
      'failover#cache#schedule:cache:2026-01-01T12:01:00Z',
    ]);
  });

  test("a schedule tick that meets an operator's cache failover in progress leaves the cache to it: the invocation succeeds, no retry", async () => {
    const h = harness();
    await h.lock.acquire('failover#cache', 'operator-run', 600_000, h.clock.now());
    h.store.items.set('cache', {
      ...initialState('cache', T0),
      version: 3,
      phase: 'failing-over',
      operation: operationOf({
        id: 'command:req-op',
        leaseUntil: T0 + 600_000,
        target: 'c-002',
        primary: 'c-001',
        plan: [
          { kind: 'elasticache-test-failover' },
          { kind: 'wait-for-cache-primary', formerPrimary: 'c-001' },
        ],
        switchSteps: 2,
      }),
    });
    const response = await h.invoke(scheduled());
    expect(response).toMatchObject({
      source: 'schedule',
      results: [
        { component: 'dns', status: 'decided' },
        { component: 'database', status: 'decided' },
        {
          component: 'cache',
          status: 'deferred',
          reason:
            'deferred: failover#cache is held by operation command:req-op (operator failover, started 2026-01-01T12:00:00.000Z); this scheduled observation is left to it (its verification reads cache, and the next scheduled observation re-evaluates)',
          record: { status: 'skipped', event: 'done' },
        },
      ],
    });
    expect(h.metrics.runs).not.toContainEqual(['', 'ControlRunsRetried']);
    const cacheLine = h.log.lines.find((l) =>
      (l.extra.run as { eventKey?: string } | undefined)?.eventKey?.startsWith('failover#cache#'),
    );
    expect(cacheLine).toMatchObject({ level: 'info', extra: { status: 'deferred' } });
    expect(h.store.items.get('cache')?.version).toBe(3);
  });

  test('a retried schedule tick does not count the components it already handled', async () => {
    const h = harness();
    h.observer.health.dns = dnsHealth(false);
    await h.invoke(scheduled());
    expect(await h.invoke(scheduled())).toMatchObject({
      results: [{ status: 'duplicate' }, { status: 'duplicate' }, { status: 'duplicate' }],
    });
    expect(h.store.items.get('dns')?.primaryFailures).toBe(1);
  });

  test('an unmapped component fails the invocation before anything is read', async () => {
    const h = harness();
    await expect(h.invoke(healthChanged('control-plane', 'down'))).rejects.toThrow(UnknownComponentError);
    expect(h.observer.calls).toEqual([]);
  });

  test('INSUFFICIENT_DATA is logged and ignored', async () => {
    const h = harness();
    expect(await h.invoke(alarmChanged('aurora-cpu', 'INSUFFICIENT_DATA'))).toEqual({
      ignored: 'alarm aurora-cpu has insufficient data: not a verdict',
    });
    expect(h.observer.calls).toEqual([]);
  });
});
