import { createSqlParser } from '../../../../functions/adapters/postgres/sql-parser';
import type { Notification } from '../../../../functions/core/alerting/notification';
import type { Lock } from '../../../../functions/core/coordination';
import type { StructuredLog } from '../../../../functions/core/log';
import type { PlanCost } from '../../../../functions/core/queries/advisor/advise-indexes';
import type { CandidateIndex } from '../../../../functions/core/queries/advisor/candidates';
import type { MissingPrerequisite } from '../../../../functions/core/queries/analysis-notifications';
import type { IndexInfo } from '../../../../functions/core/queries/index-health';
import type {
  AnalysisDatabase,
  AnalysisReport,
  AnalysisState,
  QueryReportStore,
  SaveResult,
  ScheduledAnalysisDeps,
} from '../../../../functions/core/queries/scheduled-analysis';
import type { StatementCounters, StatsSnapshot } from '../../../../functions/core/queries/snapshot-delta';
import { DEFAULT_WORKLOAD_SETTINGS } from '../../../../functions/core/queries/workload-analysis';
import { memoryIdempotency } from '../../../support/memory-coordination';

export const SETTINGS = {
  ...DEFAULT_WORKLOAD_SETTINGS,
  minCostReduction: 0.5,
  maxCandidates: 100,
  maxAdvisedQueries: 20,
  findingMemoryHours: 24,
};

/** A pg_stat_statements row for user 10, database 5. */
export function entry(queryid: string, query: string, calls: number, meanMs: number): StatementCounters {
  return {
    queryid,
    userid: '10',
    dbid: '5',
    toplevel: true,
    query,
    calls,
    totalExecMs: calls * meanMs,
    meanExecMs: meanMs,
    maxExecMs: meanMs * 2,
    stddevExecMs: 0,
    rows: calls,
    sharedBlksHit: calls * 10,
    sharedBlksRead: calls,
  };
}

export const ORDERS_BY_CUSTOMER = 'SELECT * FROM orders WHERE customer_id = $1';
export const EVENTS_BY_ACCOUNT = 'SELECT * FROM events WHERE account_id = $1';

export class MemoryStore implements QueryReportStore {
  state: AnalysisState = {};
  reports: AnalysisReport[] = [];
  warnedWrites: string[][] = [];

  async load(): Promise<AnalysisState> {
    return this.state;
  }

  async save(_cluster: string, state: Required<AnalysisState>, report: AnalysisReport): Promise<SaveResult> {
    this.state = state;
    this.reports.push(report);
    const total = state.snapshot.entries.length;
    return { snapshotStatements: total, totalStatements: total, reportTrimmed: false };
  }

  async saveWarned(_cluster: string, warned: readonly string[]): Promise<void> {
    this.warnedWrites.push([...warned]);
    this.state = { ...this.state, warned: [...warned] };
  }
}

/** A database whose pg_stat_statements the test sets before each run; costs drop 100× with any index. */
export class FakeDatabase implements AnalysisDatabase {
  snapshot: StatsSnapshot = { takenAt: 0, entries: [] };
  missing: MissingPrerequisite[] = [];
  indexList: IndexInfo[] = [];
  opened = 0;
  closed = 0;
  planFailure: Error | undefined;
  readonly planner = {
    costs: async (queries: readonly string[], indexes: readonly CandidateIndex[]): Promise<PlanCost[]> => {
      if (this.planFailure) throw this.planFailure;
      return queries.map(() => ({ cost: indexes.length === 0 ? 1000 : 10 }));
    },
  };

  async missingPrerequisites() {
    return this.missing;
  }
  async statements() {
    return this.snapshot;
  }
  async indexes() {
    return this.indexList;
  }
  async catalog() {
    return {
      columns: new Map([
        ['public.orders', ['id', 'customer_id', 'total']],
        ['public.events', ['id', 'account_id', 'kind']],
      ]),
    };
  }
  async connections() {
    return { maxConnections: 100, reservedConnections: 3, currentConnections: 20 };
  }
  async close() {
    this.closed += 1;
  }
}

export class MemoryLock implements Lock {
  holder: string | undefined;
  async acquire(_name: string, owner: string, _leaseMs: number, _now: number): Promise<boolean> {
    if (this.holder && this.holder !== owner) return false;
    this.holder = owner;
    return true;
  }
  async release(_name: string, owner: string): Promise<void> {
    if (this.holder === owner) this.holder = undefined;
  }
}

export class RecordingLog implements StructuredLog {
  readonly lines: Array<{ level: string; message: string; details: Record<string, unknown> }> = [];
  info(message: string, details: Record<string, unknown>) {
    this.lines.push({ level: 'info', message, details });
  }
  warn(message: string, details: Record<string, unknown>) {
    this.lines.push({ level: 'warn', message, details });
  }
  error(message: string, details: Record<string, unknown>) {
    this.lines.push({ level: 'error', message, details });
  }
}

/** Every port as an in-memory fake, with the real SQL parser. */
export function fakeDeps() {
  const store = new MemoryStore();
  const db = new FakeDatabase();
  const sent: Notification[] = [];
  const lock = new MemoryLock();
  // Event records live on their own clock: far from the analyses' times, none ever lapses.
  const events = memoryIdempotency(() => 0);
  const log = new RecordingLog();
  const deps: ScheduledAnalysisDeps = {
    store,
    openDatabase: async () => {
      db.opened += 1;
      return db;
    },
    loadParser: createSqlParser,
    notifier: { publish: async (n) => void sent.push(n) },
    run: {
      idempotency: events,
      lock,
      clock: () => 0,
      sleep: async () => {},
      random: () => 0.5,
      busyRetry: { attempts: 2, baseDelayMs: 10 },
    },
    log,
  };
  return { deps, store, db, sent, lock, events, log };
}
