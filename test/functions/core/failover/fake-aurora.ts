import type {
  FailoverActions,
  HealthObserver,
  ResourceAction,
} from '../../../../functions/core/failover/ports';
import type { ActionOutcome, HealthSnapshot } from '../../../../functions/core/failover/types';
import type { SimulatedClock } from './fakes';

/** How the next `FailoverDBCluster` behaves. */
export type FailoverMode = 'ok' | 'throttled' | 'accepted-never-completes' | 'times-out-but-applies';

/** A promotion as the cluster saw it, with the target's real health at that moment. */
export interface Promotion {
  readonly at: number;
  readonly target: string;
  readonly targetHealthy: boolean;
}

/**
 * A simulated Aurora cluster: the ground truth the model-based and drill tests compare the
 * engine's state with. Each action takes `actionMs` of simulated time and yields to the event
 * loop, so concurrent runs really interleave.
 */
export class FakeAurora implements FailoverActions, HealthObserver {
  writer = 'db-1';
  readonly healthy = new Map([
    ['db-1', true],
    ['db-2', true],
    ['db-3', true],
  ]);
  nextFailover: FailoverMode = 'ok';
  readonly promotions: Promotion[] = [];
  private running = 0;
  maxConcurrentActions = 0;
  /** Runs once, inside the next action: lets a test deliver an event while an operation is under way. */
  duringNextAction: (() => Promise<void>) | undefined;

  constructor(
    private readonly clock: SimulatedClock,
    private readonly actionMs = 1000,
  ) {}

  snapshot(): HealthSnapshot {
    const target = (id: string) => ({
      id,
      healthy: this.healthy.get(id) ?? false,
      replicaLagSeconds: 0,
      capacity: 2,
    });
    return {
      primary: { id: this.writer, healthy: this.healthy.get(this.writer) ?? false, capacity: 2 },
      standbys: [...this.healthy.keys()].filter((id) => id !== this.writer).map(target),
    };
  }

  async observe(): Promise<HealthSnapshot> {
    return this.snapshot();
  }

  async execute(action: ResourceAction): Promise<ActionOutcome> {
    this.running += 1;
    this.maxConcurrentActions = Math.max(this.maxConcurrentActions, this.running);
    try {
      await new Promise((resolve) => setImmediate(resolve));
      const during = this.duringNextAction;
      this.duringNextAction = undefined;
      await during?.();
      this.clock.advance(this.actionMs);
      return this.apply(action);
    } finally {
      this.running -= 1;
    }
  }

  private apply(action: ResourceAction): ActionOutcome {
    if (action.kind === 'wait-for-writer') {
      return this.writer === action.instance
        ? { ok: true }
        : { ok: false, failure: 'timeout', message: `writer is ${this.writer}`, accepted: false };
    }
    if (action.kind !== 'aurora-failover') {
      return {
        ok: false,
        failure: 'rejected',
        message: `${action.kind} is not an Aurora action`,
        accepted: false,
      };
    }
    const target = action.targetInstance;
    this.promotions.push({ at: this.clock.time, target, targetHealthy: this.healthy.get(target) ?? false });
    const mode = this.nextFailover;
    this.nextFailover = 'ok';
    switch (mode) {
      case 'throttled':
        this.promotions.pop();
        return {
          ok: false,
          failure: 'throttled',
          message: 'ThrottlingException: Rate exceeded',
          accepted: false,
        };
      case 'accepted-never-completes':
        return { ok: true, detail: 'accepted' };
      case 'times-out-but-applies':
        this.writer = target;
        return { ok: false, failure: 'timeout', message: 'TimeoutError', accepted: true };
      case 'ok':
        this.writer = target;
        return { ok: true };
    }
  }
}
