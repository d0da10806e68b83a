import { deferral } from '../../../../functions/core/failover/deferral';
import type { ResourceAction } from '../../../../functions/core/failover/ports';
import {
  type FailoverDeps,
  type FailoverEvent,
  type FailoverResult,
  handleFailoverEvent,
} from '../../../../functions/core/failover/service';
import type { FailoverState, HealthVerdict } from '../../../../functions/core/failover/types';
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
import { dbHealth, operationOf, stateOf, T0, testSettings } from './fixtures';

const settings = testSettings();
const STARTED = '2026-01-01T12:00:00.000Z';

const scheduled = (id: string): FailoverEvent => ({
  kind: 'health',
  id,
  component: 'database',
  health: dbHealth(),
  observedAt: T0,
});
const verdictEvent = (id: string, verdict: HealthVerdict): FailoverEvent => ({
  kind: 'health',
  id,
  component: 'database',
  health: dbHealth(),
  observedAt: verdict.at,
  verdict,
});
const operatorFailover = (id: string): FailoverEvent => ({
  kind: 'command',
  id,
  component: 'database',
  command: 'failover',
  dryRun: false,
  reason: 'planned maintenance of db-1',
  requestedBy: 'sre@example.com',
});
const alarm: FailoverEvent = {
  kind: 'alarm',
  id: 'alarm:aurora-cpu:1',
  component: 'database',
  alarmName: 'aurora-cpu',
  alarmState: 'ALARM',
};

/**
 * An operator's failover of the database whose wait for the new writer lets `during` run as
 * another invocation (`run-2`) meanwhile, as the schedule and the health engine's events do.
 */
async function whileOperatorFailsOver(during: FailoverEvent): Promise<{
  readonly operator: FailoverResult;
  readonly other: FailoverResult;
  readonly events: ReturnType<typeof memoryIdempotency>;
}> {
  const clock = new SimulatedClock(T0);
  const scripted = new ScriptedActions(clock);
  const events = memoryIdempotency(clock.now);
  const base = {
    store: new InMemoryStore(),
    notifier: new RecordingNotifier(),
    run: runDeps(clock, new InMemoryLock(), events),
    observer: new FixedObserver(dbHealth()),
    clock: clock.now,
  };
  let other: FailoverResult | undefined;
  const actions = {
    async execute(action: ResourceAction, deadline: number) {
      if (action.kind === 'wait-for-writer') {
        const deps: FailoverDeps = { ...base, actions: scripted, owner: 'run-2' };
        other = await handleFailoverEvent(deps, during, settings, clock.now(), deadlineAfter(clock.now()));
      }
      return scripted.execute(action, deadline);
    },
  };
  const operator = await handleFailoverEvent(
    { ...base, actions, owner: 'run-1' },
    operatorFailover('cmd-1'),
    settings,
    T0,
    deadlineAfter(T0),
  );
  if (other === undefined) throw new Error('the operation never waited for its writer');
  return { operator, other, events };
}

describe('an event that meets an operation holding its component', () => {
  it("a scheduled observation that meets an operator's operation ends deferred, not failed", async () => {
    const { operator, other, events } = await whileOperatorFailsOver(scheduled('schedule:database:t1'));
    expect(other).toMatchObject({
      status: 'deferred',
      phase: 'failing-over',
      record: { status: 'skipped', event: 'done' },
    });
    expect(other.reason).toBe(
      `deferred: failover#database is held by operation cmd-1 (operator failover, started ${STARTED}); this scheduled observation is left to it (its verification reads database, and the next scheduled observation re-evaluates)`,
    );
    // Done for good: a redelivery is a duplicate, not a second try.
    expect(events.records.get('failover#database#schedule:database:t1')?.status).toBe('completed');
    expect(operator).toMatchObject({ status: 'executed', verdict: 'completed', phase: 'secondary' });
  });

  it('an operator command that meets a held lease still fails for a retry', async () => {
    const { operator, other, events } = await whileOperatorFailsOver(operatorFailover('cmd-2'));
    expect(other).toMatchObject({ status: 'busy', record: { status: 'skipped', event: 'retry' } });
    expect(other.reason).toMatch(/^busy: another run holds failover#database/);
    expect(events.records.has('failover#database#cmd-2')).toBe(false);
    expect(operator.status).toBe('executed');
  });

  it('an alarm that meets an operation still fails for a retry: ALARM is evidence once it ends', async () => {
    const { other } = await whileOperatorFailsOver(alarm);
    expect(other).toMatchObject({ status: 'busy', record: { event: 'retry' } });
  });

  it("a health verdict that changes nothing the engine acts on is left to the operation's verification", async () => {
    const degraded = { status: 'degraded' as const, flapping: false, at: T0 + 500 };
    const { other } = await whileOperatorFailsOver(verdictEvent('health:db:t1', degraded));
    expect(other).toMatchObject({ status: 'deferred', record: { event: 'done' } });
    expect(other.reason).toContain('this health verdict (degraded) changes nothing the engine acts on');
  });

  it('a health verdict the engine would act on (down) still fails for a retry, so it is not lost', async () => {
    const down = { status: 'down' as const, flapping: false, at: T0 + 500 };
    const { other } = await whileOperatorFailsOver(verdictEvent('health:db:t1', down));
    expect(other).toMatchObject({ status: 'busy', record: { event: 'retry' } });
  });
});

describe('deferral', () => {
  const operation = operationOf();
  const during = (overrides: Partial<FailoverState> = {}) =>
    stateOf('database', { phase: 'failing-over', operation, ...overrides });
  const verdict = (status: HealthVerdict['status'], at: number, flapping = false): HealthVerdict => ({
    status,
    flapping,
    at,
  });

  it('names an automatic operation as automatic', () => {
    const automatic = during({ operation: { ...operation, automatic: true, kind: 'drill' } });
    expect(deferral(scheduled('s'), automatic, T0 + 1000)).toContain(
      'operation cmd-1 (automatic drill, started',
    );
  });

  it('leaves nothing to a lease held without an operation (another run deciding): retried as before', () => {
    expect(deferral(scheduled('s'), stateOf('database'), T0)).toBeUndefined();
    expect(deferral(scheduled('s'), undefined, T0)).toBeUndefined();
  });

  it('leaves nothing to an operation whose lease lapsed: its holder is presumed dead and must be taken over', () => {
    expect(deferral(scheduled('s'), during(), operation.leaseUntil)).toBeUndefined();
  });

  it('leaves nothing to the operation the event started itself: its retry takes that operation over', () => {
    const own = during({ operation: { ...operation, id: 'schedule:database:t1', automatic: true } });
    expect(deferral(scheduled('schedule:database:t1'), own, T0 + 1000)).toBeUndefined();
  });

  it('retries the healthy verdict that ends a standing down, which would otherwise stand after the operation', () => {
    const state = during({ verdict: verdict('down', T0 - 60_000) });
    expect(deferral(verdictEvent('v', verdict('healthy', T0 + 500)), state, T0 + 1000)).toBeUndefined();
  });

  it('retries a verdict that starts or ends flapping, and any newer verdict while a flapping episode is open', () => {
    const healthy = during({ verdict: verdict('healthy', T0 - 60_000) });
    expect(
      deferral(verdictEvent('v', verdict('degraded', T0 + 500, true)), healthy, T0 + 1000),
    ).toBeUndefined();
    const flapping = during({ verdict: verdict('degraded', T0 - 60_000, true) });
    expect(deferral(verdictEvent('v', verdict('degraded', T0 + 500)), flapping, T0 + 1000)).toBeUndefined();
    const episode = during({
      verdict: verdict('healthy', T0 - 60_000),
      flapping: {
        id: 'database-flapping-h1',
        component: 'database',
        kind: 'flapping',
        trigger: 'health',
        reason: 'flipped 4 times',
        from: 'db-1',
        to: 'db-1',
        detectedAt: T0 - 30_000,
        decidedAt: T0 - 30_000,
        status: 'open',
        actions: [],
      },
    });
    expect(deferral(verdictEvent('v', verdict('healthy', T0 + 500)), episode, T0 + 1000)).toBeUndefined();
  });

  it('leaves a verdict older than the one kept, which the engine would ignore anyway', () => {
    const state = during({ verdict: verdict('healthy', T0 + 2000) });
    expect(deferral(verdictEvent('v', verdict('down', T0 + 500)), state, T0 + 3000)).toMatch(/^deferred: /);
  });

  it('leaves the first verdict of a component that had none when it says neither down nor flapping', () => {
    expect(deferral(verdictEvent('v', verdict('unknown', T0 + 500)), during(), T0 + 1000)).toMatch(
      /^deferred: /,
    );
    expect(deferral(verdictEvent('v', verdict('down', T0 + 500)), during(), T0 + 1000)).toBeUndefined();
  });
});
