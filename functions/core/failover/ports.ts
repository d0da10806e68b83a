import type {
  ActionOutcome,
  Component,
  FailoverAction,
  FailoverState,
  HealthSnapshot,
  Incident,
  Severity,
} from './types';

/** A plan step an adapter carries out; alerts go through the {@link Notifier}. */
export type ResourceAction = Exclude<FailoverAction, { kind: 'notify' }>;

/**
 * The persisted failover state, one item per component. Writes are conditional on the version
 * read, so two runs that decided from the same state cannot both win.
 */
export interface FailoverStateStore {
  /** The component's state, or `undefined` when it was never written. */
  load(component: Component): Promise<FailoverState | undefined>;
  /**
   * Writes `state` as version `expectedVersion + 1` if the stored version is still
   * `expectedVersion` (0: no item yet), and returns what was written.
   * @throws {StateConflictError} when another run wrote first.
   */
  save(state: FailoverState, expectedVersion: number): Promise<FailoverState>;
  /** Keeps a closed incident in the audit trail. */
  recordIncident(incident: Incident, now: number): Promise<void>;
}

/** Carries out resource actions against the real components. */
export interface FailoverActions {
  /**
   * Performs `action`, giving up at `deadline` (epoch ms). Failures, throttling and timeouts are
   * reported in the outcome, with whether the request was accepted before it failed.
   */
  execute(action: ResourceAction, deadline: number): Promise<ActionOutcome>;
}

/** Reads a component's health when the trigger did not carry it (alarms, operator commands). */
export interface HealthObserver {
  observe(component: Component): Promise<HealthSnapshot>;
}

/** One alert about a component's failover. */
export interface FailoverAlert {
  readonly component: Component;
  readonly severity: Severity;
  readonly subject: string;
  readonly message: string;
  readonly incidentId?: string;
}

/** Sends alerts to the severity's topic. */
export interface Notifier {
  send(alert: FailoverAlert): Promise<void>;
}

/** Another run wrote the component's state after this one read it; this run's decision is void. */
export class StateConflictError extends Error {
  override readonly name = 'StateConflictError';

  constructor(
    readonly component: Component,
    readonly expectedVersion: number,
    options?: ErrorOptions,
  ) {
    super(`failover state of ${component} changed since version ${expectedVersion}`, options);
  }
}

/**
 * An operation ran but its outcome could not be saved. The lease keeps other runs away until it
 * expires; the run that takes over then verifies where the component stands.
 */
export class FailoverPersistenceError extends Error {
  override readonly name = 'FailoverPersistenceError';

  constructor(
    readonly component: Component,
    readonly operationId: string,
    options?: ErrorOptions,
  ) {
    super(`the outcome of operation ${operationId} on ${component} could not be saved`, options);
  }
}

/** A component the deployment has no resource for: nothing can be observed or done on it. */
export class ComponentNotConfiguredError extends Error {
  override readonly name = 'ComponentNotConfiguredError';

  constructor(
    readonly component: Component,
    options?: ErrorOptions,
  ) {
    super(`no ${component} resource is configured for failover`, options);
  }
}
