import type { ActionOutcome } from '../types';

/**
 * The `region` component's vocabulary: what the engine sees of the two regions, what it can do
 * about them, and what it remembers. Times are epoch milliseconds. Nothing here knows about AWS:
 * adapters turn CloudWatch, Route 53, RDS, ElastiCache, Auto Scaling, ACM and Secrets Manager
 * responses into these shapes and carry out the actions a plan lists.
 */

/** A number read from a time series. `complete` is false when the query returned partial data. */
export interface MetricReading {
  readonly value: number;
  /** When the newest datapoint was measured, not when it was read. */
  readonly at: number;
  readonly complete: boolean;
}

/** A health check's verdict on one regional ALB, with the time Route 53 last reported it. */
export interface HealthReading {
  readonly healthy: boolean;
  readonly at: number;
}

/** What the standby region can take on now. */
export interface StandbyReadiness {
  /** The fleet: instances in service and healthy, and the group's desired capacity. */
  readonly fleet?: { readonly inService: number; readonly desired: number; readonly max: number };
  /** The ALB certificate: ACM status and end of validity. */
  readonly certificate?: { readonly status: string; readonly notAfter: number };
  /** Each replicated secret the standby needs, and whether Secrets Manager reports it in sync. */
  readonly secrets?: readonly { readonly name: string; readonly inSync: boolean }[];
  /** Available instances in the secondary Aurora cluster (0: headless). */
  readonly databaseInstances?: number;
}

/** The global database and datastore as their APIs describe them. */
export interface GlobalDataState {
  /** The region whose cluster is the global database's writer. */
  readonly databaseWriterRegion: string;
  /** `available`, or a switch in progress (`switching-over`, `failing-over`) or anything else. */
  readonly databaseStatus: string;
  /** The region whose group is the Global Datastore's primary. */
  readonly cachePrimaryRegion: string;
  readonly cacheStatus: string;
}

/**
 * One observation of both regions. Any field may be missing: an adapter that could not read a
 * source leaves it out, and a guard that needs it fails closed.
 */
export interface RegionObservation {
  readonly observedAt: number;
  readonly global?: GlobalDataState;
  /** The Route 53 verdict on each region's ALB, by region. */
  readonly health: Readonly<Record<string, HealthReading | undefined>>;
  /** `AuroraGlobalDBReplicationLag` of the cluster that would take over, in milliseconds. */
  readonly replicationLagMs?: MetricReading;
  /** `AuroraGlobalDBRPOLag` of the same cluster, in seconds: the data a failover now would lose. */
  readonly rpoLagSeconds?: MetricReading;
  /** Readiness of the region that would take over. */
  readonly standby: StandbyReadiness;
}

/** One step of a region plan. The core names regions; adapters know the resource ids. */
export type RegionAction =
  | { readonly kind: 'scale-fleet'; readonly region: string; readonly capacity: number }
  | { readonly kind: 'wait-fleet'; readonly region: string; readonly capacity: number }
  | { readonly kind: 'add-database-instance'; readonly region: string }
  | { readonly kind: 'switchover-database'; readonly region: string }
  | { readonly kind: 'failover-database'; readonly region: string; readonly allowDataLoss: true }
  | { readonly kind: 'wait-database-writer'; readonly region: string }
  | { readonly kind: 'failover-cache'; readonly region: string }
  | { readonly kind: 'wait-cache-primary'; readonly region: string }
  | { readonly kind: 'route-traffic'; readonly region: string }
  | { readonly kind: 'verify-traffic'; readonly region: string };

/** What an operation does to the regions. */
export type RegionOperationKind = 'switchover' | 'failover' | 'failback' | 'drill';

/** An action carried out, with its timing and outcome. */
export interface RegionStep {
  readonly action: RegionAction;
  readonly startedAt: number;
  readonly finishedAt: number;
  readonly outcome: ActionOutcome;
}

/** How an operation ended, or that it has not yet. */
export type RegionOperationStatus = 'running' | 'completed' | 'failed';

/**
 * The timeline of one switch, with the measured recovery figures: RTO from the moment the active
 * region was first seen unhealthy (or the command, for a planned switch) to traffic verified on
 * the new region; RPO as the replication lag when the database was promoted (0 for a switchover,
 * which waits for the secondary to catch up).
 */
export interface RegionTimeline {
  readonly id: string;
  readonly kind: RegionOperationKind;
  readonly automatic: boolean;
  readonly from: string;
  readonly to: string;
  readonly reason: string;
  readonly requestedBy: string;
  /** When the trouble started: the first unhealthy reading, or the command. */
  readonly detectedAt: number;
  readonly decidedAt: number;
  /** Set when a human accepted data loss (an unplanned failover past a failed lag guard). */
  readonly dataLossConfirmedBy?: string;
  readonly steps: readonly RegionStep[];
  readonly databasePromotedAt?: number;
  readonly trafficMovedAt?: number;
  readonly finishedAt?: number;
  readonly status: RegionOperationStatus;
  /** Detection to traffic verified on the new region. */
  readonly rtoSeconds?: number;
  /** Data a failover could lose: the RPO lag at promotion; 0 for a switchover. */
  readonly rpoSeconds?: number;
}

/** A past switch, kept for a day for the budget and the spacing guard. */
export interface RegionSwitchRecord {
  readonly at: number;
  readonly kind: RegionOperationKind;
  readonly automatic: boolean;
}

/** The persisted state of the `region` component; `version` guards every write. */
export interface RegionFailoverState {
  /** 0 for a state never written; each save increments it. */
  readonly version: number;
  /** The region serving (database writer and DNS), as of the last completed operation. */
  readonly activeRegion: string;
  /** Since when every fresh reading showed the active region unhealthy; unset when healthy or unknown. */
  readonly activeUnhealthySince?: number;
  /** The streak (its `activeUnhealthySince`) a human was already paged for. */
  readonly pagedForStreak?: number;
  readonly timeline?: RegionTimeline;
  readonly history: readonly RegionSwitchRecord[];
  readonly updatedAt: number;
}

/** The state of a component never written: the configured primary serves. */
export function initialRegionState(primaryRegion: string, now: number): RegionFailoverState {
  return { version: 0, activeRegion: primaryRegion, history: [], updatedAt: now };
}
