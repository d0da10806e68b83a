import type { GuardCheck } from './guards';
import type {
  ActionRecord,
  FailoverAction,
  FailoverState,
  HealthSnapshot,
  HealthVerdict,
  Incident,
  Phase,
} from './types';

/** An operator's command, from the admin API. */
export type Command = 'failover' | 'failback' | 'drill';

/** What the state machine reacts to. Every trigger carries the latest health snapshot. */
export type DecisionInput =
  | {
      /** An observation of the component, with the health engine's verdict when it brought one. */
      readonly kind: 'health';
      readonly eventId: string;
      readonly health: HealthSnapshot;
      /** When the component was seen this way (the health round's time for a verdict). @default now */
      readonly observedAt?: number;
      readonly verdict?: HealthVerdict;
    }
  | {
      /**
       * A CloudWatch alarm on the component changed state. `ALARM` is a confirmed failure when the
       * observation agrees that the primary is unhealthy; it never counts as a recovery.
       */
      readonly kind: 'alarm';
      readonly eventId: string;
      readonly alarmName: string;
      readonly alarmState: 'ALARM' | 'OK';
      readonly health: HealthSnapshot;
      /** @default now */
      readonly observedAt?: number;
    }
  | {
      readonly kind: 'command';
      readonly eventId: string;
      readonly command: Command;
      /** Produce the plan, execute nothing, change nothing. */
      readonly dryRun: boolean;
      readonly reason: string;
      readonly requestedBy: string;
      /** The standby to fail over to; the best passing one when absent. */
      readonly target?: string;
      readonly health: HealthSnapshot;
    }
  | {
      /** The results of executing the operation's plan, in order. */
      readonly kind: 'outcome';
      readonly operationId: string;
      readonly results: readonly ActionRecord[];
    };

/**
 * What the decision amounts to:
 * - `unchanged`: nothing to do and nothing to save;
 * - `updated`: counters or phase changed, no operation;
 * - `started`: an operation is persisted in `next.operation` and its plan must run;
 * - `blocked`: a guard refused (see `checks`);
 * - `busy`: another run's operation holds the lease;
 * - `rejected`: the command makes no sense in this phase;
 * - `dry-run`: the plan a command would run, with `next` equal to the input state;
 * - `completed` / `failed`: the outcome of an operation was applied.
 */
export type Verdict =
  | 'unchanged'
  | 'updated'
  | 'started'
  | 'blocked'
  | 'busy'
  | 'rejected'
  | 'dry-run'
  | 'completed'
  | 'failed';

/** The state machine's answer: the next state and the plan to run, never a side effect. */
export interface Decision {
  readonly verdict: Verdict;
  readonly next: FailoverState;
  /** The operation's actions first, then the alerts to send; empty when there is nothing to do. */
  readonly plan: readonly FailoverAction[];
  readonly checks: readonly GuardCheck[];
  /** One sentence for logs and the API. */
  readonly reason: string;
  /** The phase a dry-run would have moved to. */
  readonly wouldBe?: Phase;
  /** An incident that closed with this decision, to be kept in the audit trail. */
  readonly closedIncident?: Incident;
}
