import type { EventLedger, Lock } from '../../coordination';
import type { HoldWriter } from '../holds';
import {
  type FailoverActions,
  type FailoverAlert,
  type FailoverStateStore,
  type HealthObserver,
  type Notifier,
  type ResourceAction,
  StateConflictError,
} from '../ports';
import type { ActionOutcome, Component, FailoverState, HealthSnapshot, Incident } from '../types';

/**
 * The world a failover simulation runs in: an Aurora cluster whose instances are up or down as a
 * scenario says at each instant, and in-memory ports with the production adapters' contracts
 * (conditional writes, leases, one claim per event). Time is the simulation's clock, set by the
 * event loop before each delivery.
 */

/** The simulation's clock. */
export interface SimulationClock {
  now(): number;
}

/** A cluster of `db-1` (the writer at first) and two readers; `up(id, t)` is the ground truth. */
export class SimulatedCluster implements FailoverActions, HealthObserver {
  writer = 'db-1';
  /** Every writer change: when, and to which instance. */
  readonly switches: { readonly at: number; readonly to: string }[] = [];

  constructor(
    private readonly clock: SimulationClock,
    private readonly up: (instance: string, at: number) => boolean,
    readonly instances: readonly string[] = ['db-1', 'db-2', 'db-3'],
  ) {}

  /** What users see: the writer answers or not. */
  serving(at: number): boolean {
    return this.up(this.writer, at);
  }

  async observe(): Promise<HealthSnapshot> {
    const at = this.clock.now();
    const target = (id: string) => ({ id, healthy: this.up(id, at), replicaLagSeconds: 0, capacity: 2 });
    return {
      primary: { id: this.writer, healthy: this.up(this.writer, at), capacity: 2 },
      standbys: this.instances.filter((id) => id !== this.writer).map(target),
    };
  }

  async execute(action: ResourceAction): Promise<ActionOutcome> {
    if (action.kind === 'aurora-failover') {
      this.writer = action.targetInstance;
      this.switches.push({ at: this.clock.now(), to: action.targetInstance });
      return { ok: true };
    }
    if (action.kind === 'wait-for-writer')
      return this.writer === action.instance
        ? { ok: true }
        : { ok: false, failure: 'timeout', message: `writer is ${this.writer}`, accepted: false };
    return {
      ok: false,
      failure: 'rejected',
      message: `${action.kind} is not an Aurora action`,
      accepted: false,
    };
  }
}

/** The failover state table in memory, with its conditional writes. */
export class MemoryFailoverStore implements FailoverStateStore {
  readonly items = new Map<Component, FailoverState>();
  readonly incidents: Incident[] = [];

  async load(component: Component): Promise<FailoverState | undefined> {
    return this.items.get(component);
  }

  async save(state: FailoverState, expectedVersion: number): Promise<FailoverState> {
    if ((this.items.get(state.component)?.version ?? 0) !== expectedVersion)
      throw new StateConflictError(state.component, expectedVersion);
    const saved = { ...state, version: expectedVersion + 1 };
    this.items.set(state.component, saved);
    return saved;
  }

  async recordIncident(incident: Incident): Promise<void> {
    this.incidents.push(incident);
  }
}

/** Leases in memory. */
export class MemoryLock implements Lock {
  readonly leases = new Map<string, { owner: string; until: number }>();

  async acquire(name: string, owner: string, leaseMs: number, now: number): Promise<boolean> {
    const lease = this.leases.get(name);
    if (lease && lease.until > now && lease.owner !== owner) return false;
    this.leases.set(name, { owner, until: now + leaseMs });
    return true;
  }

  async release(name: string, owner: string): Promise<void> {
    if (this.leases.get(name)?.owner === owner) this.leases.delete(name);
  }
}

/** Claimed event ids in memory. */
export class MemoryLedger implements EventLedger {
  readonly claimed = new Set<string>();

  async claim(eventKey: string): Promise<boolean> {
    if (this.claimed.has(eventKey)) return false;
    this.claimed.add(eventKey);
    return true;
  }
}

/** Every alert, with the time it was sent. */
export class RecordingPager implements Notifier {
  readonly sent: (FailoverAlert & { readonly at: number })[] = [];

  constructor(private readonly clock: SimulationClock) {}

  async send(alert: FailoverAlert): Promise<void> {
    this.sent.push({ ...alert, at: this.clock.now() });
  }
}

/** Alert holds that go nowhere: the simulation has no health alerts to hold. */
export const noHolds: HoldWriter = { setHold: async () => undefined, clearHold: async () => undefined };
