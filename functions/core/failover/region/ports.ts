import type { ActionOutcome, Severity } from '../types';
import type { RegionAction, RegionFailoverState, RegionObservation } from './types';

/**
 * The persisted state of the `region` component (`FAILOVER#region`). Writes are conditional on the
 * version read, and only the standby region's function writes it, so DynamoDB's cross-region
 * last-writer-wins never has two writers to choose between.
 */
export interface RegionStateStore {
  load(): Promise<RegionFailoverState | undefined>;
  /**
   * Writes `state` as version `expectedVersion + 1` if the stored version is still `expectedVersion`.
   * @throws {RegionStateConflictError} when another run wrote first.
   */
  save(state: RegionFailoverState, expectedVersion: number): Promise<RegionFailoverState>;
}

/** Reads both regions at once; a source it cannot read is left out of the observation. */
export interface RegionObserver {
  observe(active: string, standby: string): Promise<RegionObservation>;
}

/** Carries out one region action, giving up at `deadline` (epoch ms). */
export interface RegionActions {
  execute(action: RegionAction, deadline: number): Promise<ActionOutcome>;
}

/** Pages and informs about the region component. */
export interface RegionNotifier {
  send(alert: {
    readonly severity: Severity;
    readonly subject: string;
    readonly message: string;
  }): Promise<void>;
}

/** Another run wrote the region state after this one read it; this run's decision is void. */
export class RegionStateConflictError extends Error {
  override readonly name = 'RegionStateConflictError';

  constructor(
    readonly expectedVersion: number,
    options?: ErrorOptions,
  ) {
    super(`the region failover state changed since version ${expectedVersion}`, options);
  }
}
