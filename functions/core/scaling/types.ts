import type { PolicySet } from './policy-schema';

/**
 * The inputs and outputs of the scaling decision engine. Times are epoch milliseconds and
 * capacities are instance counts. Nothing here knows about AWS: the scaling function's
 * adapters translate `DescribeAutoScalingGroups`, `DescribeScalingActivities` and
 * `GetMetricData` into these shapes, and the simulator produces them from a fleet model.
 */

/** A scaling direction; `none` means the decision keeps the current capacity. */
export type Direction = 'out' | 'in' | 'none';

/**
 * An instance's lifecycle state as the Auto Scaling group reports it. Only `InService`
 * instances carry load; `Pending` ones count toward capacity but not toward the metrics.
 */
export type LifecycleState =
  | 'Pending'
  | 'InService'
  | 'Terminating'
  | 'Standby'
  | 'Detaching'
  | 'EnteringStandby';

/** One member of the group. */
export interface Instance {
  readonly id: string;
  /** When the instance was launched; warm-up is counted from here. */
  readonly launchTime: number;
  readonly lifecycleState: LifecycleState;
}

/** The group as it is now. */
export interface GroupState {
  readonly minCapacity: number;
  readonly maxCapacity: number;
  /** The group's desired capacity: the "current" capacity every decision starts from. */
  readonly desiredCapacity: number;
  readonly instances: readonly Instance[];
}

/** One metric datapoint: the statistic of one period, stamped with the period's start. */
export interface Datapoint {
  readonly timestamp: number;
  readonly value: number;
}

/**
 * A metric over the evaluation window. Per-instance datapoints are preferred because they let
 * the engine leave warming-up instances out of the average; `aggregate` is for metrics that have
 * no instance dimension (ALB `RequestCountPerTarget`).
 */
export interface MetricSeries {
  /** The name policies refer to, e.g. `cpu`, `memory`, `requestsPerTarget` or a custom name. */
  readonly name: string;
  /** Datapoints keyed by instance id. */
  readonly byInstance?: Readonly<Record<string, readonly Datapoint[]>>;
  /** Group-level datapoints, used when `byInstance` is absent. */
  readonly aggregate?: readonly Datapoint[];
}

/** A past change of the group's desired capacity (from `DescribeScalingActivities`). */
export interface ScalingActivity {
  readonly startTime: number;
  readonly fromCapacity: number;
  readonly toCapacity: number;
}

/** What the engine remembers of an earlier decision: its unstabilised recommendation. */
export interface PastRecommendation {
  readonly time: number;
  readonly recommendation: number;
}

/** Everything {@link decide} needs; the same input always gives the same decision. */
export interface DecideInput {
  readonly now: number;
  readonly group: GroupState;
  readonly metrics: readonly MetricSeries[];
  readonly policy: PolicySet;
  /** Recent decisions' recommendations, for the stabilisation windows. */
  readonly recentRecommendations: readonly PastRecommendation[];
  /** Recent scaling activities, for the cooldowns and the rate limits. */
  readonly activities: readonly ScalingActivity[];
  /**
   * The changes this engine recorded making, for the cooldowns only: the group's history may not
   * show the latest change yet, and a cooldown runs from the later of the two. @default none
   */
  readonly recordedActions?: readonly ScalingActivity[];
  /** Overrides `policy.dryRun` for one call (e.g. an operator's "what would you do"). */
  readonly dryRun?: boolean;
}

/** Why a metric could not be used. */
export type MetricProblem = 'missing' | 'insufficient' | 'no-capacity';

/** The value the engine read for one metric, or why it could not read one. */
export type MetricReading =
  | {
      readonly name: string;
      readonly status: 'ok';
      readonly value: number;
      /** Instances whose datapoints made the value. */
      readonly instancesUsed: number;
      /** Instances left out because they were warming up. */
      readonly instancesWarmingUp: number;
      /** In-service instances that carry the load the value describes. */
      readonly loadCarriers: number;
      readonly datapoints: number;
      /** The period start of the newest datapoint the value used. */
      readonly newest?: number;
      /** How a leading metric moved the value ahead of its own delay, when it did. */
      readonly lead?: string;
    }
  | {
      readonly name: string;
      readonly status: MetricProblem;
      readonly detail: string;
    };

/** One policy's recommendation, or why it abstained. */
export interface PolicyRecommendation {
  readonly policy: string;
  readonly kind: 'target-tracking' | 'step' | 'scheduled';
  readonly metric?: string;
  /** The desired capacity this policy asks for; `null` when it abstains. */
  readonly recommendation: number | null;
  /** How the recommendation was reached, in words. */
  readonly reason: string;
  /** True when the policy abstained because its metric was missing or insufficient. */
  readonly missingData: boolean;
}

/** Something that held or trimmed the recommendation on its way to the decision. */
export interface Limit {
  readonly kind:
    | 'missing-data'
    | 'disagreement'
    | 'stabilisation'
    | 'baseline-hold'
    | 'min-step'
    | 'headroom'
    | 'cooldown'
    | 'rate-limit'
    | 'max-step'
    | 'warm-up'
    | 'bounds';
  /** The capacity before and after this limit. */
  readonly from: number;
  readonly to: number;
  readonly detail: string;
}

/** Why the decision is what it is. */
export interface Explanation {
  readonly current: number;
  readonly bounds: {
    readonly min: number;
    readonly max: number;
    /** Names of the scheduled windows that set the bounds, if any. */
    readonly scheduled: readonly string[];
  };
  readonly instances: { readonly inService: number; readonly pending: number; readonly warmingUp: number };
  readonly metrics: readonly MetricReading[];
  readonly policies: readonly PolicyRecommendation[];
  /** The policy whose recommendation won, or `null` when none did. */
  readonly winner: string | null;
  readonly limits: readonly Limit[];
  /** One line for logs and notifications. */
  readonly summary: string;
}

/** The engine's answer. The caller acts only when `direction !== 'none'` and `dryRun` is false. */
export interface ScalingDecision {
  readonly time: number;
  readonly current: number;
  readonly desired: number;
  readonly direction: Direction;
  /** The combined recommendation before stabilisation; store it and pass it back next time. */
  readonly recommendation: number;
  /** True when the policies asked for more than the maximum allows: at max and still short. */
  readonly saturated: boolean;
  readonly dryRun: boolean;
  readonly explanation: Explanation;
}
