import type {
  FailoverActions,
  FailoverAlert,
  FailoverStateStore,
  HealthObserver,
  Notifier,
  ResourceAction,
} from '../../../../functions/core/failover/ports';
import { StateConflictError } from '../../../../functions/core/failover/ports';
import type {
  ActionOutcome,
  Component,
  FailoverState,
  HealthSnapshot,
  Incident,
} from '../../../../functions/core/failover/types';

/** A state store with the same conditional-write rule as the DynamoDB one. */
export class InMemoryStore implements FailoverStateStore {
  readonly items = new Map<Component, FailoverState>();
  readonly incidents: Incident[] = [];
  saves = 0;
  /** Make the next N saves throw this error (after the conditional check). */
  failNextSaves: { count: number; error: Error } | undefined;

  async load(component: Component): Promise<FailoverState | undefined> {
    return this.items.get(component);
  }

  async save(state: FailoverState, expectedVersion: number): Promise<FailoverState> {
    const current = this.items.get(state.component)?.version ?? 0;
    if (current !== expectedVersion) throw new StateConflictError(state.component, expectedVersion);
    if (this.failNextSaves && this.failNextSaves.count > 0) {
      this.failNextSaves.count -= 1;
      throw this.failNextSaves.error;
    }
    const saved = { ...state, version: expectedVersion + 1 };
    this.items.set(state.component, saved);
    this.saves += 1;
    return saved;
  }

  async recordIncident(incident: Incident): Promise<void> {
    this.incidents.push(incident);
  }
}

/** The simulation's lock and ledger, with the production adapters' contracts. */
export {
  MemoryLedger as InMemoryLedger,
  MemoryLock as InMemoryLock,
} from '../../../../functions/core/failover/simulation/world';

/** Actions answered by a script (by kind), advancing a simulated clock per call. */
export class ScriptedActions implements FailoverActions {
  readonly calls: { action: ResourceAction; deadline: number }[] = [];
  readonly script = new Map<
    ResourceAction['kind'],
    ActionOutcome | ((action: ResourceAction) => ActionOutcome)
  >();

  constructor(
    private readonly clock: { advance(ms: number): void } = { advance: () => undefined },
    private readonly durationMs = 1000,
  ) {}

  async execute(action: ResourceAction, deadline: number): Promise<ActionOutcome> {
    this.calls.push({ action, deadline });
    this.clock.advance(this.durationMs);
    const scripted = this.script.get(action.kind);
    if (typeof scripted === 'function') return scripted(action);
    return scripted ?? { ok: true };
  }
}

export class FixedObserver implements HealthObserver {
  constructor(public snapshot: HealthSnapshot) {}

  async observe(): Promise<HealthSnapshot> {
    return this.snapshot;
  }
}

export class RecordingNotifier implements Notifier {
  readonly sent: FailoverAlert[] = [];
  failWith: Error | undefined;

  async send(alert: FailoverAlert): Promise<void> {
    if (this.failWith) throw this.failWith;
    this.sent.push(alert);
  }
}

/** A clock tests move by hand. */
export class SimulatedClock {
  constructor(public time: number) {}

  readonly now = () => this.time;

  advance(ms: number): void {
    this.time += ms;
  }
}
