/**
 * The failover engine's vocabulary. Times are epoch milliseconds. Nothing here knows about
 * AWS: adapters turn Route 53, RDS and ElastiCache responses into these shapes and carry out
 * the actions a plan lists.
 */

/**
 * The components that fail over independently of one another: the one list every schema,
 * environment and read model takes its values from.
 */
export const FAILOVER_COMPONENTS = ['dns', 'database', 'cache'] as const;

/** A component that fails over independently of the others. */
export type Component = (typeof FAILOVER_COMPONENTS)[number];

/** Where a component stands; `failing-over` and `failing-back` mean an operation is in flight. */
export type Phase = 'primary' | 'failing-over' | 'secondary' | 'recovering' | 'failing-back';

/** One side of a component as last observed: the primary, or a standby that could take over. */
export interface TargetHealth {
  /** Instance id, node id, availability zone or endpoint name, as the adapter reports it. */
  readonly id: string;
  readonly healthy: boolean;
  /** How far this standby trails the primary; absent where the notion does not apply or is unknown. */
  readonly replicaLagSeconds?: number;
  /** Why the lag is unknown (no datapoint, a stale one, partial data), for the pre-check's verdict. */
  readonly replicaLagProblem?: string;
  /** A comparable size (vCPUs, nodes, healthy targets); absent when unknown. */
  readonly capacity?: number;
}

/** One observation of a component: the side in the primary role and the standbys. */
export interface HealthSnapshot {
  readonly primary: TargetHealth;
  readonly standbys: readonly TargetHealth[];
  /**
   * Whether the path users take ends at the primary. False while Route 53 answers with the
   * secondary because the primary's health check is inverted: a verdict on the public endpoint
   * is then a verdict on the secondary (the maintenance site), not on the primary.
   * @default true
   */
  readonly usersReachPrimary?: boolean;
}

/** Where traffic is expected to go after a DNS step. */
export type DnsSide = 'primary' | 'secondary';

/** One step of a plan. The core names what to do; adapters know the resource ids. */
export type FailoverAction =
  | { readonly kind: 'invert-health-check' }
  | { readonly kind: 'restore-health-check' }
  | { readonly kind: 'verify-dns-routing'; readonly expect: DnsSide }
  | { readonly kind: 'aurora-failover'; readonly targetInstance: string }
  | { readonly kind: 'wait-for-writer'; readonly instance: string }
  | { readonly kind: 'rds-reboot-failover' }
  | { readonly kind: 'wait-for-instance-zone'; readonly zone: string }
  | { readonly kind: 'elasticache-test-failover' }
  | { readonly kind: 'wait-for-cache-primary'; readonly formerPrimary: string }
  | {
      readonly kind: 'notify';
      readonly severity: Severity;
      readonly subject: string;
      readonly message: string;
    };

/** Alert severities, matching the platform's SNS topics. */
export type Severity = 'critical' | 'warning' | 'info';

/** Why an action failed, as far as a retry decision is concerned. */
export type FailureKind = 'throttled' | 'prior-request-pending' | 'timeout' | 'rejected' | 'unknown';

/** What an adapter reports after attempting one action. */
export type ActionOutcome =
  | { readonly ok: true; readonly detail?: string }
  | {
      readonly ok: false;
      readonly failure: FailureKind;
      readonly message: string;
      /** The request was accepted before the failure (e.g. a failover started but never finished). */
      readonly accepted: boolean;
    };

/** An executed (or skipped) action with its timing, as recorded in the incident timeline. */
export interface ActionRecord {
  readonly action: FailoverAction;
  readonly startedAt: number;
  readonly finishedAt: number;
  readonly outcome:
    | ActionOutcome
    | { readonly ok: false; readonly failure: 'skipped'; readonly message: string };
}

/**
 * What an operation does: switch away from the primary, back to it, both (a drill), or `unpin`:
 * restore an inverted Route 53 health check whose primary then failed for real, because an
 * inverted check reports a dead endpoint as healthy and would pull traffic back onto it.
 */
export type OperationKind = 'failover' | 'failback' | 'drill' | 'unpin';

/** An operation in flight. Persisted before the first action, so a crash leaves a trace and a lease. */
export interface Operation {
  readonly id: string;
  readonly kind: OperationKind;
  readonly automatic: boolean;
  /** The phase the component was in when the operation started; a failed failback returns there. */
  readonly from: Phase;
  readonly startedAt: number;
  /** Another run may take over (and verify) after this time. */
  readonly leaseUntil: number;
  /** The standby the operation moves to (failover, drill) or away from (failback). */
  readonly target: string;
  /** The primary's id when the operation started: failback returns there. */
  readonly primary: string;
  readonly plan: readonly FailoverAction[];
  /** The first `switchSteps` actions make the switch; the rest of a drill's plan undoes it. */
  readonly switchSteps: number;
  /** The plan inverts the primary's Route 53 health check, so failback must restore it. */
  readonly invertsHealthCheck: boolean;
  /** Another run took the operation over after its lease ran out and only verifies where it stands. */
  readonly resumed: boolean;
  readonly results: readonly ActionRecord[];
}

/** A past switch, kept for a day: rate limits and ElastiCache's 24-hour TestFailover quota count these. */
export interface SwitchRecord {
  readonly at: number;
  readonly kind: OperationKind;
  readonly automatic: boolean;
  /** ElastiCache `TestFailover` calls the operation made (a cache drill makes two). */
  readonly testFailoverCalls: number;
}

/** How an incident ended, or that it has not yet. */
export type IncidentStatus = 'open' | 'switched' | 'failed' | 'recovered';

/**
 * The timeline of one failover or drill: detected → decided → switched → recovered; or of a
 * flapping episode (`flapping`): automatic failover held from detection until the primary settles.
 */
export interface Incident {
  readonly id: string;
  readonly component: Component;
  readonly kind: 'failover' | 'drill' | 'flapping';
  readonly trigger: TriggerKind;
  readonly reason: string;
  readonly from: string;
  readonly to: string;
  readonly detectedAt: number;
  readonly decidedAt: number;
  readonly switchedAt?: number;
  readonly recoveredAt?: number;
  readonly status: IncidentStatus;
  /** Every action planned and recorded for this incident, failover and failback alike. */
  readonly actions: readonly ActionRecord[];
  /** Detection to recovery (or to the failure), once the incident is closed. */
  readonly totalMs?: number;
}

/** What set the engine in motion. */
export type TriggerKind = 'health' | 'alarm' | 'command';

/** The health engine's status of a component, as its `Component Health Changed` events publish it. */
export type ComponentVerdict = 'healthy' | 'degraded' | 'down' | 'unknown';

/**
 * The health engine's last published verdict on the side that serves the component (the path
 * users take). It publishes changes only, so a verdict stands until the next one.
 */
export interface HealthVerdict {
  readonly status: ComponentVerdict;
  /** A check of the component is flapping: the health engine holds its alerts, the engine its failover. */
  readonly flapping: boolean;
  /** The time of the health round that saw it. */
  readonly at: number;
}

/** The persisted state of one component; `version` guards every write. */
export interface FailoverState {
  readonly component: Component;
  readonly phase: Phase;
  /** 0 for a component never written; each save increments it. */
  readonly version: number;
  /** The id in the primary role when the component last left `primary`. */
  readonly primaryId?: string;
  /** The standby serving while the component is not on its primary. */
  readonly activeTarget?: string;
  /** The Route 53 health check was inverted by us and must be restored on failback. */
  readonly healthCheckInverted: boolean;
  /** Distinct probe rounds in a row that saw the primary unhealthy. */
  readonly primaryFailures: number;
  /** When the first of those rounds observed it. */
  readonly primaryFailingSince?: number;
  /** Distinct probe rounds in a row that saw the primary healthy again (recovery, failback). */
  readonly primarySuccesses: number;
  readonly primaryHealthySince?: number;
  /** The probe round of the last observation counted: a later delivery of the same round counts once. */
  readonly lastRound?: number;
  /** The last observed health of the primary (`true` healthy), to notice flips. */
  readonly lastObservedHealthy?: boolean;
  /** When a read of its API last saw the primary (by id) healthy, in either phase, counted or not. */
  readonly lastHealthyAt?: number;
  /** When the primary's observed health flipped, within the flap window (on `primary`) or since the failover. */
  readonly flips?: readonly number[];
  /** The health engine's verdict, as last published. */
  readonly verdict?: HealthVerdict;
  /** The flapping episode holding automatic failover and failback, while one is open. */
  readonly flapping?: Incident;
  readonly operation?: Operation;
  /**
   * The last operation whose outcome was saved. A run whose outcome write timed out (and landed)
   * fails when it cannot read it back; the redelivered event must not start that operation again.
   */
  readonly concludedOperationId?: string;
  readonly incident?: Incident;
  readonly history: readonly SwitchRecord[];
  /** Set when the automatic limit was hit: automation stays off until an operator acts. */
  readonly automationHaltedAt?: number;
  readonly updatedAt: number;
}

/** A state for a component the table has never seen: on its primary, version 0. */
export function initialState(component: Component, now: number): FailoverState {
  return {
    component,
    phase: 'primary',
    version: 0,
    healthCheckInverted: false,
    primaryFailures: 0,
    primarySuccesses: 0,
    history: [],
    updatedAt: now,
  };
}
