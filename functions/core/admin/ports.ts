import type { Incident as HealthIncident } from '../alerting/incident';
import type { Silence } from '../alerting/silences';
import type { RegionDecision } from '../failover/region/decide';
import type { RegionFailoverState, RegionOperationKind } from '../failover/region/types';
import type { FailoverResult } from '../failover/service';
import type { Component, Incident as FailoverIncident, FailoverState } from '../failover/types';
import type { CheckState } from '../health/state-machine';
import type { PolicySet } from '../scaling/policy-schema';

/**
 * The admin API's ports, shaped by what its routes read and change. Read models sit on the
 * state table; backends drive AWS (ELBv2, Auto Scaling) or invoke the control functions. The
 * optional ones are the control functions a deployment may leave out: their routes answer 503.
 */

/** Health and alerting state, read from the stores the health-check function writes. */
export interface AdminReadModel {
  checkStates(checkIds: readonly string[]): Promise<ReadonlyMap<string, CheckState>>;
  /** Current and past incidents of the components, newest first, at most `limit`. */
  healthIncidents(components: readonly string[], limit: number): Promise<HealthIncident[]>;
  healthIncident(id: string): Promise<HealthIncident | undefined>;
  /** Silences that have not ended at `now`, active or scheduled. */
  silences(now: number): Promise<Silence[]>;
}

/** Where silences are created and removed. */
export interface SilenceStore {
  putSilence(silence: Silence): Promise<void>;
  /** @returns false when there was no such silence. */
  removeSilence(id: string): Promise<boolean>;
}

/** Failover state and incident timelines, read from the failover function's store. */
export interface FailoverReadModel {
  states(components: readonly Component[]): Promise<FailoverState[]>;
  /** Open and closed failover incidents, newest first, at most `limit`. */
  incidents(components: readonly Component[], limit: number): Promise<FailoverIncident[]>;
  incident(id: string): Promise<FailoverIncident | undefined>;
}

/** An operator's failover command as the failover function receives it. */
export interface FailoverCommand {
  readonly component: Component;
  readonly action: 'failover' | 'failback' | 'drill';
  readonly dryRun: boolean;
  readonly reason: string;
  readonly requestedBy: string;
  readonly requestId: string;
}

/** The failover function. */
export interface FailoverCommander {
  /** Runs the command and waits for the answer (used with `dryRun: true`: the plan, nothing executed). */
  run(command: FailoverCommand): Promise<FailoverResult>;
  /** Hands the command over without waiting: a real failover outlasts API Gateway's 29 s. */
  dispatch(command: FailoverCommand): Promise<void>;
}

/** An operator's region operation as the region failover function receives it. */
export interface RegionCommand {
  readonly operation: RegionOperationKind;
  readonly dryRun: boolean;
  /** Accept the data an unplanned failover past its guards may lose (failover only). */
  readonly confirm: boolean;
  readonly reason: string;
  readonly requestedBy: string;
  /** The command's id: the function runs one id once. */
  readonly requestId: string;
}

/**
 * The region failover function's answer to one run: `dry-run`, `decided` or `executed` with the
 * engine's decision; `busy` when another run holds `failover#region`, `duplicate` for an id
 * already run, `failed` when it could not observe or act, `conflict` when the state changed
 * under it. `reason` says why, in the function's words.
 */
export interface RegionAnswer {
  readonly status: 'dry-run' | 'decided' | 'executed' | 'busy' | 'duplicate' | 'failed' | 'conflict';
  readonly reason: string;
  readonly decision?: Omit<RegionDecision, 'state'>;
}

/** The region failover function, in the standby region. */
export interface RegionCommander {
  /** Observes both regions and decides, changing nothing. */
  status(requestId: string): Promise<RegionAnswer>;
  /** Runs the command and waits (used with `dryRun: true`: the plan, nothing executed). */
  run(command: RegionCommand): Promise<RegionAnswer>;
  /** Hands the command over without waiting: a switchover takes minutes. */
  dispatch(command: RegionCommand): Promise<void>;
}

/** The region component's state, as the standby region's function last wrote it. */
export interface RegionReadModel {
  state(): Promise<RegionFailoverState | undefined>;
}

/** An Auto Scaling group as the API shows it. */
export interface GroupCapacity {
  readonly name: string;
  readonly minCapacity: number;
  readonly maxCapacity: number;
  readonly desiredCapacity: number;
  readonly instances: readonly { id: string; lifecycleState: string; healthStatus: string }[];
}

/** A policy set stored by an operator; it overrides the deployed default. */
export interface PolicyOverride {
  readonly policy: PolicySet;
  readonly updatedAt: string;
  readonly updatedBy: string;
  readonly reason: string;
}

/** What the scaling function recorded about a group. */
export interface ScalingRecord {
  /** The stored override, as stored (validated again before use). */
  readonly override?: { readonly policy: unknown; readonly updatedAt?: string; readonly updatedBy?: string };
  /** The scaling function's latest run, as it wrote it. */
  readonly latest?: Readonly<Record<string, unknown>>;
  /** Recent decisions, newest first, as the scaling function wrote them. */
  readonly decisions: readonly Readonly<Record<string, unknown>>[];
}

/** The fleet's Auto Scaling group and the scaling function's state. */
export interface ScalingBackend {
  group(name: string): Promise<GroupCapacity | undefined>;
  record(name: string, decisions: number): Promise<ScalingRecord>;
  savePolicy(name: string, override: PolicyOverride): Promise<void>;
  setCapacity(name: string, desiredCapacity: number, honorCooldown: boolean): Promise<void>;
}

/** The scaling function, invoked for one evaluation. */
export interface ScalingEvaluator {
  evaluate(request: {
    readonly group: string;
    readonly dryRun: boolean;
    readonly reason: string;
    readonly requestedBy: string;
    readonly requestId: string;
  }): Promise<unknown>;
}

/** One target group behind the listener. */
export interface TargetGroupView {
  readonly name: string;
  readonly arn: string;
  readonly weight: number;
  readonly algorithm: string;
  readonly anomalyMitigation: boolean;
  readonly targets: readonly { id: string; port?: number; state: string; reason?: string }[];
}

/** The ALB's listener and target groups. */
export interface LoadBalancerBackend {
  describe(): Promise<{ listenerArn: string; targetGroups: TargetGroupView[] }>;
  setAlgorithm(algorithm: string, anomalyMitigation: boolean): Promise<void>;
  /** Sets every listed group's weight on the listener's forward action; `weights` names every group. */
  setWeights(weights: readonly { targetGroup: string; weight: number }[]): Promise<void>;
}

/** The slow-query function's latest report, as it stored it (see `query-report-store.ts`). */
export interface QueryReports {
  latest(): Promise<Readonly<Record<string, unknown>> | undefined>;
}

/** The slow-query function, started without waiting. */
export interface QueryAnalyzer {
  requestAnalysis(request: {
    readonly reason: string;
    readonly requestedBy: string;
    readonly requestId: string;
  }): Promise<void>;
}

/** Per-namespace counters the platform's services export (the cache library's EMF). */
export interface CacheStatsSource {
  stats(
    windowMinutes: number,
    now: number,
  ): Promise<{ namespace: string; hits: number; misses: number; staleServes: number; errors: number }[]>;
}

/** Bumps a namespace's generation in Redis. */
export interface CacheInvalidator {
  /** @returns false when Redis could not be reached (the cache library fails open). */
  invalidate(namespace: string): Promise<boolean>;
}

/** Who changed what, why, and how it ended. */
export interface AuditEntry {
  readonly id: string;
  readonly at: number;
  readonly actor: string;
  readonly action: string;
  readonly target: string;
  readonly reason: string;
  readonly request: unknown;
  readonly idempotencyKey?: string;
}

export interface AuditOutcome {
  readonly result: 'succeeded' | 'rejected' | 'failed';
  readonly status: number;
  readonly detail: string;
  readonly finishedAt: number;
}

/** The audit trail in the state table. */
export interface AuditLog {
  /** Records the intent before anything changes; a failure here stops the change. */
  begin(entry: AuditEntry): Promise<void>;
  finish(entry: AuditEntry, outcome: AuditOutcome): Promise<void>;
}

/** A stored answer to a mutating request. */
export interface StoredResponse {
  readonly status: number;
  readonly body: unknown;
  readonly problem: boolean;
}
