import { type Concluded, runGuarded } from '../runs/guarded-run';
import { type AdvisableQuery, adviseIndexes } from './advisor/advise-indexes';
import type { IndexRecommendation } from './advisor/selection';
import { findingsOf, rememberFindings } from './analysis-findings';
import {
  type AnalysisSubject,
  digestNotification,
  type MissingPrerequisite,
  prerequisiteWarning,
} from './analysis-notifications';
import type { IndexInfo } from './index-health';
import type {
  AdvisorOutcome,
  AnalysisDatabase,
  AnalysisReport,
  AnalysisState,
  ScheduledAnalysisDeps,
  ScheduledAnalysisOutcome,
  ScheduledAnalysisRequest,
  ScheduledAnalysisRun,
} from './scheduled-analysis-ports';
import { entryKey, type StatementDelta } from './snapshot-delta';
import { analyzeWorkload } from './workload-analysis';

export type * from './scheduled-analysis-ports';

/** The lock two runs on one cluster share. */
export function analysisLockName(cluster: string): string {
  return `queries#${cluster}`;
}

/** One entry per query text: the same statement run by several roles is one thing to index for. */
function advisable(slow: readonly StatementDelta[], limit: number): AdvisableQuery[] {
  const byText = new Map<string, { key: string; calls: number; totalMs: number }>();
  for (const q of slow) {
    const found = byText.get(q.query) ?? { key: q.queryid, calls: 0, totalMs: 0 };
    found.calls += q.calls;
    found.totalMs += q.totalMs;
    byText.set(q.query, found);
  }
  return [...byText.entries()]
    .map(([query, q]) => ({
      key: q.key,
      query,
      calls: q.calls,
      meanMs: q.totalMs / q.calls,
      totalMs: q.totalMs,
    }))
    .sort((a, b) => b.totalMs - a.totalMs || a.key.localeCompare(b.key))
    .slice(0, limit)
    .map(({ totalMs: _total, ...query }) => query);
}

async function advise(
  deps: ScheduledAnalysisDeps,
  db: AnalysisDatabase,
  slowQueries: readonly StatementDelta[],
  indexes: readonly IndexInfo[],
  request: ScheduledAnalysisRequest,
  hypopgMissing: boolean,
): Promise<{ recommendations: IndexRecommendation[]; advisor: AdvisorOutcome }> {
  const queries = advisable(slowQueries, request.settings.maxAdvisedQueries);
  const none = { queries: queries.length, candidatesEvaluated: 0, skipped: [] };
  if (hypopgMissing) {
    return { recommendations: [], advisor: { status: 'skipped', reason: 'hypopg is missing', ...none } };
  }
  if (queries.length === 0) return { recommendations: [], advisor: { status: 'ran', ...none } };
  try {
    const catalog = await db.catalog();
    const advice = await adviseIndexes(
      queries,
      indexes,
      { parser: await deps.loadParser(), planner: db.planner, catalog },
      { minCostReduction: request.settings.minCostReduction, maxCandidates: request.settings.maxCandidates },
    );
    const { recommendations, candidatesEvaluated, skipped } = advice;
    return {
      recommendations,
      advisor: { status: 'ran', queries: queries.length, candidatesEvaluated, skipped },
    };
  } catch (error) {
    // The interval's figures are still worth storing: a failed advisor must not lose them.
    const reason = (error as Error).message;
    deps.log.warn('index advisor failed; storing the report without recommendations', {
      cluster: request.cluster,
      reason,
    });
    return { recommendations: [], advisor: { status: 'failed', reason, ...none } };
  }
}

/** Sends the prerequisite warning once per distinct problem; returns the problems now warned about. */
async function warnOnce(
  deps: ScheduledAnalysisDeps,
  request: ScheduledAnalysisRequest,
  state: AnalysisState,
  missing: readonly MissingPrerequisite[],
): Promise<{ warned: string[]; sent: boolean; changed: boolean }> {
  const before = new Set(state.warned ?? []);
  const warned = missing.map((m) => m.message);
  const fresh = missing.filter((m) => !before.has(m.message));
  const changed = warned.length !== before.size || fresh.length > 0;
  if (fresh.length === 0 || request.dryRun) return { warned, sent: false, changed };
  await deps.notifier.publish(prerequisiteWarning(subject(request), fresh));
  return { warned, sent: true, changed };
}

function subject(request: ScheduledAnalysisRequest): AnalysisSubject {
  return {
    cluster: request.cluster,
    at: new Date(request.now).toISOString(),
    ...(request.labels ? { labels: request.labels } : {}),
  };
}

async function analyse(deps: ScheduledAnalysisDeps, request: ScheduledAnalysisRequest): Promise<Analysed> {
  const { cluster, now, settings } = request;
  const state = await deps.store.load(cluster);
  const db = await deps.openDatabase();
  try {
    const missing = await db.missingPrerequisites();
    const warning = await warnOnce(deps, request, state, missing);
    if (missing.some((m) => m.extension === 'pg_stat_statements')) {
      deps.log.error('slow-query analysis cannot run: a required extension is missing', {
        cluster,
        missing,
        warningSent: warning.sent,
      });
      if (warning.changed && !request.dryRun) await deps.store.saveWarned(cluster, warning.warned);
      return { status: 'blocked', missing, warned: warning.sent };
    }
    if (missing.length > 0) deps.log.warn('index advice is off: hypopg is missing', { cluster, missing });

    const current = await db.statements();
    const indexes = await db.indexes();
    const pool = request.pool ? { ...(await db.connections()), ...request.pool } : undefined;
    const { baseline, ...workload } = analyzeWorkload({
      previous: state.snapshot,
      current,
      baseline: state.baseline,
      indexes,
      pool,
      settings,
      now,
    });
    const hypopgMissing = missing.some((m) => m.extension === 'hypopg');
    const { recommendations, advisor } = await advise(
      deps,
      db,
      workload.slowQueries,
      indexes,
      request,
      hypopgMissing,
    );
    const queryIds = new Map(current.entries.map((entry) => [entryKey(entry), entry.queryid]));
    const findings = findingsOf(workload.slowQueries, workload.regressions, recommendations, queryIds);
    const memoryMs = settings.findingMemoryHours * 3600 * 1000;
    const { newFindings, reported } = rememberFindings(state.reported, findings, now, memoryMs);
    const report: AnalysisReport = { ...workload, cluster, recommendations, advisor, newFindings };
    deps.log.info('slow-query analysis done', {
      cluster,
      interval: workload.interval,
      statements: workload.statements,
      slowQueries: workload.slowQueries.length,
      regressions: workload.regressions.length,
      recommendations: recommendations.length,
      advisor: { status: advisor.status, queries: advisor.queries, candidates: advisor.candidatesEvaluated },
      newFindings: newFindings.map((f) => f.id),
      dryRun: request.dryRun ?? false,
    });
    if (request.dryRun) {
      return { status: 'analysed', report, missing, digestSent: false, warned: false };
    }
    // Notify before saving: if the save fails, the next run repeats the digest rather than losing it.
    const digestSent = newFindings.length > 0;
    if (digestSent) {
      await deps.notifier.publish(
        digestNotification(subject(request), newFindings, {
          slowQueries: workload.slowQueries.length,
          regressions: workload.regressions.length,
          recommendations: recommendations.length,
        }),
      );
    }
    const stored = await deps.store.save(
      cluster,
      { snapshot: current, baseline, reported, warned: warning.warned },
      report,
      now,
    );
    if (stored.snapshotStatements < stored.totalStatements || stored.reportTrimmed) {
      deps.log.warn('stored report or snapshot trimmed to fit a DynamoDB item', { cluster, ...stored });
    }
    return { status: 'analysed', report, missing, digestSent, warned: warning.sent, stored };
  } finally {
    await db.close();
  }
}

/**
 * One scheduled slow-query analysis under the control plane's guarantees (`runGuarded`): the
 * event runs once (a failed run releases it for the retry), the cluster's lease keeps two runs
 * from overlapping (a busy one is waited for, then released for the retry), and every run ends in
 * a record. The analysis diffs pg_stat_statements against the previous run's snapshot, proves
 * index recommendations with hypothetical indexes, stores the report and the state for the next
 * run, and sends a digest to the `info` topic only when a finding is new. A missing extension is
 * a warning sent once and a `blocked` outcome whose event is done, so a misconfigured database
 * does not turn into a retry loop.
 */
export async function runScheduledAnalysis(
  deps: ScheduledAnalysisDeps,
  request: ScheduledAnalysisRequest,
): Promise<ScheduledAnalysisRun> {
  const guarded = await runGuarded(
    deps.run,
    {
      fn: 'slow-queries',
      eventKey: `slow-queries#${request.eventId}`,
      runId: request.owner,
      deadline: request.deadline,
      lock: { name: analysisLockName(request.cluster), leaseMs: request.leaseMs },
      // A dry run stores nothing and notifies no one: repeating it is harmless.
      repeatable: request.dryRun === true,
    },
    async () => conclude(await analyse(deps, request), request.dryRun === true),
  );
  const { record } = guarded;
  if (guarded.value !== undefined) return { outcome: guarded.value, record };
  const outcome: ScheduledAnalysisOutcome =
    record.status === 'failed'
      ? { status: 'failed', error: record.reason }
      : { status: 'skipped', reason: record.reason };
  return { outcome, record };
}

type Analysed = Extract<ScheduledAnalysisOutcome, { status: 'blocked' | 'analysed' }>;

function conclude(outcome: Analysed, dryRun: boolean): Concluded<ScheduledAnalysisOutcome> {
  if (outcome.status === 'blocked') {
    const missing = outcome.missing.map((m) => m.extension).join(', ');
    return { status: 'failed', reason: `blocked: ${missing} missing`, retry: false, value: outcome };
  }
  const { report } = outcome;
  const reason = `${report.slowQueries.length} slow, ${report.regressions.length} regressed, ${report.recommendations.length} index advice, ${report.newFindings.length} new${outcome.digestSent ? ', digest sent' : ''}`;
  return { status: dryRun ? 'decided' : 'acted', reason, retry: false, value: outcome };
}
