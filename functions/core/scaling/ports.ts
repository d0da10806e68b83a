import type { Hold } from '../alerting/silences';
import type { GuardedRunDeps } from '../runs/guarded-run';
import type { PolicySet } from './policy-schema';
import type {
  GroupState,
  Instance,
  MetricSeries,
  PastRecommendation,
  ScalingActivity,
  ScalingDecision,
} from './types';

/**
 * The ports the scaling function's service ({@link runScaling} in `./service`) drives. Adapters in
 * `functions/adapters/aws/scaling/` implement them over Auto Scaling, CloudWatch, DynamoDB and SNS.
 */

/** The group as read in one go: its state and its recent desired-capacity changes. */
export interface GroupSnapshot {
  readonly group: GroupState;
  /** Desired-capacity changes that started after the `since` of the read (cooldowns, rate limits). */
  readonly activities: readonly ScalingActivity[];
}

/** The Auto Scaling group the function controls. */
export interface ScalingGroup {
  /**
   * The group now and its activities since `since` (epoch ms). Launch times come from the group's
   * own launch activities; an instance launched before `since` is reported as launched at `since`,
   * so `since` must reach back at least the policy's warm-up.
   */
  read(since: number): Promise<GroupSnapshot>;
  /** Sets the group's desired capacity. */
  setDesiredCapacity(capacity: number): Promise<void>;
}

/** A read the run could not make, or made only in part. */
export interface SkippedRead {
  /** What was not read: a metric name, `policy-override`, or another source. */
  readonly source: string;
  readonly reason: string;
}

/** What to read for one decision. */
export interface MetricRequest {
  readonly names: readonly string[];
  /** The in-service instances whose per-instance series are wanted. */
  readonly instances: readonly Instance[];
  readonly start: number;
  readonly end: number;
}

/** The series read; a metric that failed or came back partial is left out and listed in `skipped`. */
export interface MetricRead {
  readonly series: readonly MetricSeries[];
  readonly skipped: readonly SkippedRead[];
}

/** Where the metric series come from (CloudWatch). */
export interface MetricSource {
  /** True when the source knows where metric `name` lives (`cpu`, `memory`, ...). */
  supports(name: string): boolean;
  /** @throws when nothing could be read at all (throttled, timed out, denied). */
  read(request: MetricRequest): Promise<MetricRead>;
}

/** An operator's policy override as stored, not yet validated. */
export interface StoredPolicy {
  readonly document: unknown;
  readonly updatedAt?: string;
  readonly updatedBy?: string;
}

/** What earlier runs left for this one. */
export interface ScalingHistory {
  /** Recommendations made after the `since` of the read, for the stabilisation windows. */
  readonly recommendations: readonly PastRecommendation[];
  /**
   * The capacity changes this engine made after `since`, as it recorded them: the cooldowns
   * fall back on them when the group's own activity history lacks the latest change.
   */
  readonly actions: readonly ScalingActivity[];
  /** When the last "saturated" warning went out, if the group is still saturated since then. */
  readonly saturationWarnedAt?: number;
  /**
   * The last change this engine set out to make after `since`, recorded before it acted: when the
   * answer to the change was lost and so was its decision record, this is the only trace of it.
   * @default none
   */
  readonly intendedChange?: ScalingActivity;
}

/** Who asked for a run. */
export type ScalingTrigger = 'schedule' | 'alarm' | 'manual';

/** What the run did with its decision. */
export type ScalingAction = 'scaled' | 'none' | 'dry-run' | 'failed';

/** One decision as recorded in the state table. */
export interface DecisionRecord {
  readonly eventKey: string;
  readonly trigger: ScalingTrigger;
  readonly reason: string;
  readonly decision: ScalingDecision;
  readonly action: ScalingAction;
  readonly actionError?: string;
  readonly policySource: 'override' | 'default';
  readonly skipped: readonly SkippedRead[];
  readonly saturationWarnedAt?: number;
}

/** A run that could not decide. */
export interface FailureRecord {
  readonly time: number;
  readonly eventKey: string;
  readonly trigger: ScalingTrigger;
  readonly reason: string;
  readonly error: string;
  readonly skipped: readonly SkippedRead[];
}

/** The scaling function's items in the state table. */
export interface ScalingStateStore {
  /** The operator's override for `group`, or `undefined` when none is stored. */
  loadPolicyOverride(group: string): Promise<StoredPolicy | undefined>;
  /** Recommendations and actions since `since`, and the saturation-warning state. */
  loadHistory(group: string, since: number): Promise<ScalingHistory>;
  /** Keeps the decision (with its explanation and recommendation) and makes it the latest. */
  recordDecision(group: string, record: DecisionRecord): Promise<void>;
  /** Keeps a run that failed before it could decide. */
  recordFailure(group: string, failure: FailureRecord): Promise<void>;
  /** Keeps the change a run is about to make, before it makes it (the latest one replaces it). */
  recordIntent(group: string, change: ScalingActivity, eventKey: string): Promise<void>;
}

/** Tells people what the scaling function did or could not do. */
export interface ScalingNotifier {
  /** The group's desired capacity was changed (the `info` topic). */
  scaled(group: string, decision: ScalingDecision): Promise<void>;
  /** At max and still short of capacity (the `warning` topic). */
  saturated(group: string, decision: ScalingDecision): Promise<void>;
}

/** How this deployment runs. */
export interface ScalingSettings {
  readonly groupName: string;
  /** The deployed default policy, used when no valid override is stored. */
  readonly defaultPolicy: PolicySet;
  /** Deployment-wide dry run: when true no run ever acts, whatever the policy or request says. */
  readonly dryRun: boolean;
  /** How long a run may hold the group's lock; longer than the function's timeout. @default 120000 */
  readonly leaseMs?: number;
  /** How often a still-saturated group is warned about again. @default 1800000 (30 min) */
  readonly saturationReminderMs?: number;
}

/** Holds the fleet's symptom alerts while new instances warm up. */
export interface AlertHolds {
  setHold(hold: Hold): Promise<void>;
}

/** Everything {@link runScaling} uses. */
export interface ScalingDeps {
  readonly group: ScalingGroup;
  readonly metrics: MetricSource;
  readonly state: ScalingStateStore;
  readonly notifier: ScalingNotifier;
  readonly holds: AlertHolds;
  /** The event record, the group's lease, the clock and the waits of a busy lease. */
  readonly run: GuardedRunDeps;
  readonly settings: ScalingSettings;
}
