import type { Notification } from '../alerting/notification';
import type { StructuredLog } from '../log';
import type { GuardedRunDeps } from '../runs/guarded-run';
import type { RunRecord } from '../runs/record';
import type { DatabaseStatistics } from './advisor/advise-database';
import type { HypotheticalPlanner, IndexAdvice } from './advisor/advise-indexes';
import type { IndexRecommendation } from './advisor/selection';
import type { Finding, ReportedFindings } from './analysis-findings';
import type { MissingPrerequisite } from './analysis-notifications';
import type { PoolSizingInput } from './pool-sizing';
import type { BaselineEntry } from './slow-queries';
import type { StatsSnapshot } from './snapshot-delta';
import type { SqlParser } from './sql-parser-port';
import type { WorkloadReport, WorkloadSettings } from './workload-analysis';

/** What one run hands the next: the snapshot to diff against, the means to compare with, what was said. */
export interface AnalysisState {
  /** The last snapshot; a store may keep only its busiest statements and no query texts (see its docs). */
  readonly snapshot?: StatsSnapshot;
  readonly baseline?: Readonly<Record<string, BaselineEntry>>;
  /** Findings already reported, with when they were last seen. */
  readonly reported?: ReportedFindings;
  /** The prerequisite problems (their messages) a warning was already sent for. */
  readonly warned?: readonly string[];
}

/** How the advisor went this run. */
export interface AdvisorOutcome {
  /** `skipped`: hypopg is missing; `failed`: the planner or catalog threw (the report is kept anyway). */
  readonly status: 'ran' | 'skipped' | 'failed';
  readonly reason?: string;
  /** Distinct slow queries it looked at (at most `maxAdvisedQueries`). */
  readonly queries: number;
  readonly candidatesEvaluated: number;
  readonly skipped: IndexAdvice['skipped'];
}

/** The report of one scheduled run, as stored and as returned to the handler. */
export interface AnalysisReport extends Omit<WorkloadReport, 'baseline'> {
  readonly cluster: string;
  readonly recommendations: IndexRecommendation[];
  readonly advisor: AdvisorOutcome;
  /** Findings not reported within the memory window: what the digest was about. */
  readonly newFindings: Finding[];
}

/** What a store kept of a save, so the run can say when it had to trim. */
export interface SaveResult {
  /** Statements kept in the stored snapshot ... */
  readonly snapshotStatements: number;
  /** ... out of this many in the live snapshot. */
  readonly totalStatements: number;
  /** True when lists or query texts of the stored report were shortened to fit an item. */
  readonly reportTrimmed: boolean;
}

/** Where snapshots, reports and the run-to-run state live (the state table). */
export interface QueryReportStore {
  /** The state the previous run left; empty on the first run. */
  load(cluster: string): Promise<AnalysisState>;
  /** Stores the report (history and latest) and then the state for the next run. */
  save(
    cluster: string,
    state: Required<AnalysisState>,
    report: AnalysisReport,
    now: number,
  ): Promise<SaveResult>;
  /** Records which prerequisite warnings were sent when a run could not get as far as `save`. */
  saveWarned(cluster: string, warned: readonly string[]): Promise<void>;
}

/** A session on the analysed database; hypothetical indexes are per session, so one client serves all. */
export interface AnalysisDatabase extends DatabaseStatistics {
  /** The extensions that are missing, each with the fix; empty when the analysis can run fully. */
  missingPrerequisites(): Promise<MissingPrerequisite[]>;
  connections(): Promise<
    Pick<PoolSizingInput, 'maxConnections' | 'reservedConnections' | 'currentConnections'>
  >;
  readonly planner: HypotheticalPlanner;
  close(): Promise<void>;
}

/** The ports one run needs. */
export interface ScheduledAnalysisDeps {
  readonly store: QueryReportStore;
  /** Opens a session only once the run holds the lock; the run closes it. */
  readonly openDatabase: () => Promise<AnalysisDatabase>;
  /** Loaded only when there is something to advise on (the parser is WebAssembly). */
  readonly loadParser: () => Promise<SqlParser>;
  readonly notifier: { publish(notification: Notification): Promise<void> };
  /** The event record, the cluster's lease and the waits of a busy lease. */
  readonly run: GuardedRunDeps;
  /** So every run explains its inputs and why it did what it did. */
  readonly log: StructuredLog;
}

/** Thresholds and bounds of a run (the `database.analysis` config slice). */
export interface ScheduledAnalysisSettings extends WorkloadSettings {
  readonly minCostReduction: number;
  readonly maxCandidates: number;
  readonly maxAdvisedQueries: number;
  readonly findingMemoryHours: number;
}

/** One scheduled run. */
export interface ScheduledAnalysisRequest {
  /** The EventBridge event id: a redelivered event does nothing. */
  readonly eventId: string;
  readonly cluster: string;
  /** The lock owner, e.g. the Lambda request id. */
  readonly owner: string;
  /** Epoch ms. */
  readonly now: number;
  /** How long the lock is held at most: longer than the function can run. */
  readonly leaseMs: number;
  /** When the invocation times out (epoch ms): the event record is in progress until then at most. */
  readonly deadline: number;
  readonly settings: ScheduledAnalysisSettings;
  /** The fleet's maximum size and the Lambdas' concurrency: with them the report carries pool advice. */
  readonly pool?: Pick<PoolSizingInput, 'fleetMaxSize' | 'lambdaConcurrency'>;
  /** Analyse and log, but store nothing and notify no one. @default false */
  readonly dryRun?: boolean;
  /** Extra labels on notifications (platform, stage). */
  readonly labels?: Readonly<Record<string, string>>;
}

/** What a run did. */
export type ScheduledAnalysisOutcome =
  /** The work did not run here: a duplicate, or another analysis held the cluster (see the record). */
  | { readonly status: 'skipped'; readonly reason: string }
  /** The work failed (database, store, notifier); the event is retried. */
  | { readonly status: 'failed'; readonly error: string }
  | {
      readonly status: 'blocked';
      readonly missing: MissingPrerequisite[];
      /** A warning went out in this run. */
      readonly warned: boolean;
    }
  | {
      readonly status: 'analysed';
      readonly report: AnalysisReport;
      readonly missing: MissingPrerequisite[];
      readonly digestSent: boolean;
      readonly warned: boolean;
      /** Absent in a dry run. */
      readonly stored?: SaveResult;
    };

/** A run: what it did, and the record it ended in. */
export interface ScheduledAnalysisRun {
  readonly outcome: ScheduledAnalysisOutcome;
  readonly record: RunRecord;
}
