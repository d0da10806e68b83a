import fc from 'fast-check';
import {
  type FailoverDeps,
  type FailoverEvent,
  handleFailoverEvent,
} from '../../../../functions/core/failover/service';
import type { FailoverCoreSettings } from '../../../../functions/core/failover/settings';
import type { SwitchRecord } from '../../../../functions/core/failover/types';
import { type FailoverMode, FakeAurora } from './fake-aurora';
import { InMemoryLedger, InMemoryLock, InMemoryStore, RecordingNotifier, SimulatedClock } from './fakes';
import { T0, testSettings } from './fixtures';

/** What the model remembers: the last event delivered, for redelivery. */
interface Model {
  lastEvent?: FailoverEvent;
  /** Whether that delivery was handled; an event refused as busy may legitimately run again. */
  lastHandled: boolean;
  nextId: number;
}

/** The system under test and its ground truth. */
interface Real {
  readonly settings: FailoverCoreSettings;
  readonly clock: SimulatedClock;
  readonly cloud: FakeAurora;
  readonly store: InMemoryStore;
  readonly ledger: InMemoryLedger;
  readonly lock: InMemoryLock;
  readonly switches: Map<string, SwitchRecord>;
}

const deps = (r: Real, owner: string, lock = r.lock): FailoverDeps => ({
  store: r.store,
  actions: r.cloud,
  observer: r.cloud,
  notifier: new RecordingNotifier(),
  lock,
  ledger: r.ledger,
  owner,
  clock: r.clock.now,
});

/** The safety properties, checked after every command. */
async function checkInvariants(r: Real): Promise<void> {
  expect(r.cloud.maxConcurrentActions).toBeLessThanOrEqual(1);
  for (const promotion of r.cloud.promotions) expect(promotion).toMatchObject({ targetHealthy: true });
  const state = await r.store.load('database');
  for (const h of state?.history ?? []) r.switches.set(`${h.at}/${h.kind}`, h);
  const automatic = [...r.switches.values()]
    .filter((h) => h.kind === 'failover' && h.automatic)
    .map((h) => h.at);
  automatic.sort((a, b) => a - b);
  for (let i = 1; i < automatic.length; i++) {
    expect(automatic[i]! - automatic[i - 1]!).toBeGreaterThanOrEqual(r.settings.holdDownSeconds * 1000);
  }
  if (!state || state.operation) return;
  // The recorded phase matches where the cluster really is.
  if (state.phase === 'secondary' || state.phase === 'recovering')
    expect(r.cloud.writer).toBe(state.activeTarget);
  if (state.phase === 'primary') expect(r.cloud.writer).toBe(state.primaryId ?? 'db-1');
}

class SetHealth implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly instance: string,
    readonly healthy: boolean,
  ) {}
  check = () => true;
  async run(_m: Model, r: Real) {
    r.cloud.healthy.set(this.instance, this.healthy);
  }
  toString = () => `SetHealth(${this.instance}, ${this.healthy})`;
}

class HealthCheck implements fc.AsyncCommand<Model, Real> {
  check = () => true;
  async run(m: Model, r: Real) {
    r.clock.advance(10_000);
    const event: FailoverEvent = {
      kind: 'health',
      id: `h${m.nextId++}`,
      component: 'database',
      health: r.cloud.snapshot(),
    };
    m.lastEvent = event;
    const result = await handleFailoverEvent(deps(r, 'scheduler'), event, r.settings, r.clock.time);
    m.lastHandled = result.status !== 'busy';
    await checkInvariants(r);
  }
  toString = () => 'HealthCheck';
}

/** The current writer goes down (or flaps) for `checks` health checks in a row. */
class WriterTrouble implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly checks: number,
    readonly flapping: boolean,
  ) {}
  check = () => true;
  async run(m: Model, r: Real) {
    const writer = r.cloud.writer;
    for (let i = 0; i < this.checks; i++) {
      r.cloud.healthy.set(writer, this.flapping && i % 2 === 1);
      await new HealthCheck().run(m, r);
    }
  }
  toString = () => `WriterTrouble(${this.checks}, flapping=${this.flapping})`;
}

class Redeliver implements fc.AsyncCommand<Model, Real> {
  check = (m: Readonly<Model>) => m.lastEvent !== undefined;
  async run(m: Model, r: Real) {
    if (!m.lastHandled) return;
    const promotions = r.cloud.promotions.length;
    const result = await handleFailoverEvent(deps(r, 'redelivery'), m.lastEvent!, r.settings, r.clock.time);
    expect(result.status).toBe('duplicate');
    expect(r.cloud.promotions).toHaveLength(promotions);
    await checkInvariants(r);
  }
  toString = () => 'Redeliver';
}

/** A health verdict and an operator's command at once; `sharedLock: false` models a lost lease. */
class Concurrent implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly command: 'failover' | 'failback' | 'drill',
    readonly sharedLock: boolean,
  ) {}
  check = () => true;
  async run(m: Model, r: Real) {
    r.clock.advance(10_000);
    const now = r.clock.time;
    const health: FailoverEvent = {
      kind: 'health',
      id: `h${m.nextId++}`,
      component: 'database',
      health: r.cloud.snapshot(),
    };
    const manual: FailoverEvent = {
      kind: 'command',
      id: `c${m.nextId++}`,
      component: 'database',
      command: this.command,
      dryRun: false,
      reason: 'model',
      requestedBy: 'model',
    };
    const lock = () => (this.sharedLock ? r.lock : new InMemoryLock());
    m.lastEvent = health;
    const [result] = await Promise.all([
      handleFailoverEvent(deps(r, 'scheduler', lock()), health, r.settings, now),
      handleFailoverEvent(deps(r, 'operator', lock()), manual, r.settings, now),
    ]);
    m.lastHandled = result.status !== 'busy';
    await checkInvariants(r);
  }
  toString = () => `Concurrent(${this.command}, sharedLock=${this.sharedLock})`;
}

/** An operator's command whose operation is still running when the next health check arrives. */
class Overlapping implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly command: 'failover' | 'failback' | 'drill',
    readonly sharedLock: boolean,
  ) {}
  check = () => true;
  async run(m: Model, r: Real) {
    r.clock.advance(10_000);
    const manual: FailoverEvent = {
      kind: 'command',
      id: `c${m.nextId++}`,
      component: 'database',
      command: this.command,
      dryRun: false,
      reason: 'model',
      requestedBy: 'model',
    };
    r.cloud.duringNextAction = async () => {
      const health: FailoverEvent = {
        kind: 'health',
        id: `h${m.nextId++}`,
        component: 'database',
        health: r.cloud.snapshot(),
      };
      m.lastEvent = health;
      const lock = this.sharedLock ? r.lock : new InMemoryLock();
      const result = await handleFailoverEvent(deps(r, 'scheduler', lock), health, r.settings, r.clock.time);
      m.lastHandled = result.status !== 'busy';
    };
    await handleFailoverEvent(deps(r, 'operator'), manual, r.settings, r.clock.time);
    r.cloud.duringNextAction = undefined;
    await checkInvariants(r);
  }
  toString = () => `Overlapping(${this.command}, sharedLock=${this.sharedLock})`;
}

class FailNextFailover implements fc.AsyncCommand<Model, Real> {
  constructor(readonly mode: FailoverMode) {}
  check = () => true;
  async run(_m: Model, r: Real) {
    r.cloud.nextFailover = this.mode;
  }
  toString = () => `FailNextFailover(${this.mode})`;
}

class Wait implements fc.AsyncCommand<Model, Real> {
  constructor(readonly seconds: number) {}
  check = () => true;
  async run(_m: Model, r: Real) {
    r.clock.advance(this.seconds * 1000);
  }
  toString = () => `Wait(${this.seconds}s)`;
}

const commands = [
  fc.tuple(fc.constantFrom('db-1', 'db-2', 'db-3'), fc.boolean()).map(([id, ok]) => new SetHealth(id, ok)),
  fc.constant(new HealthCheck()),
  fc.constant(new HealthCheck()),
  fc.constant(new HealthCheck()),
  fc
    .tuple(fc.integer({ min: 1, max: 6 }), fc.boolean())
    .map(([n, flapping]) => new WriterTrouble(n, flapping)),
  fc
    .tuple(fc.integer({ min: 1, max: 6 }), fc.boolean())
    .map(([n, flapping]) => new WriterTrouble(n, flapping)),
  fc.constant(new Redeliver()),
  fc
    .tuple(fc.constantFrom('failover' as const, 'failback' as const, 'drill' as const), fc.boolean())
    .map(([c, shared]) => new Concurrent(c, shared)),
  fc
    .tuple(fc.constantFrom('failover' as const, 'failback' as const, 'drill' as const), fc.boolean())
    .map(([c, shared]) => new Overlapping(c, shared)),
  fc
    .constantFrom<FailoverMode>('throttled', 'accepted-never-completes', 'times-out-but-applies')
    .map((mode) => new FailNextFailover(mode)),
  fc.integer({ min: 1, max: 900 }).map((s) => new Wait(s)),
];

describe('failover engine against a model of the cluster', () => {
  it('never fails over twice at once, never to an unhealthy target, never twice within a hold-down, and never records a switch that did not happen', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.commands(commands, { maxCommands: 80, size: 'large' }),
        fc.boolean(),
        async (cmds, autoFailback) => {
          const clock = new SimulatedClock(T0);
          const real: Real = {
            settings: testSettings({ autoFailback, minSecondsBetweenFailovers: 30 }),
            clock,
            cloud: new FakeAurora(clock),
            store: new InMemoryStore(),
            ledger: new InMemoryLedger(),
            lock: new InMemoryLock(),
            switches: new Map(),
          };
          await fc.asyncModelRun(() => ({ model: { nextId: 0, lastHandled: false }, real }), cmds);
        },
      ),
      { numRuns: 150 },
    );
    // 150 runs of up to 80 commands: seconds on an idle machine, more on a shared one.
  }, 120_000);
});
