import { notificationSchema } from '../../../../functions/core/alerting/notification';
import {
  runScheduledAnalysis,
  type ScheduledAnalysisDeps,
  type ScheduledAnalysisRequest,
} from '../../../../functions/core/queries/scheduled-analysis';
import { EVENTS_BY_ACCOUNT, entry, fakeDeps, ORDERS_BY_CUSTOMER, SETTINGS } from './scheduled-analysis-fakes';

const HOUR = 3600_000;
const T0 = Date.UTC(2025, 0, 6, 10, 0, 0);

function request(eventId: string, now: number, extra: Partial<ScheduledAnalysisRequest> = {}) {
  return {
    eventId,
    cluster: 'misybot-db',
    owner: `req-${eventId}`,
    now,
    leaseMs: 360_000,
    deadline: 1_000_000,
    settings: SETTINGS,
    pool: { fleetMaxSize: 10, lambdaConcurrency: 5 },
    ...extra,
  };
}

/** What the run did; the run records are tested at the end. */
const outcomeOf = async (deps: ScheduledAnalysisDeps, analysis: ScheduledAnalysisRequest) =>
  (await runScheduledAnalysis(deps, analysis)).outcome;

describe('runScheduledAnalysis', () => {
  it('on the first run analyses since the stats reset, proves an index, stores everything and sends a digest', async () => {
    const { deps, store, db, sent } = fakeDeps();
    db.snapshot = {
      takenAt: T0,
      entries: [entry('111', ORDERS_BY_CUSTOMER, 500, 40), entry('222', 'SELECT 1', 900, 0.1)],
    };

    const outcome = await outcomeOf(deps, request('e1', T0));

    expect(outcome.status).toBe('analysed');
    if (outcome.status !== 'analysed') return;
    expect(outcome.report.interval).toEqual({ from: undefined, to: T0, reset: true });
    expect(outcome.report.slowQueries.map((q) => q.queryid)).toEqual(['111']);
    expect(outcome.report.recommendations.map((r) => r.sql)).toEqual([
      'CREATE INDEX CONCURRENTLY ON public.orders (customer_id)',
    ]);
    expect(outcome.report.pool?.perInstancePoolSize).toBeGreaterThan(0);
    expect(outcome.report.newFindings.map((f) => f.id)).toEqual([
      'slow:111',
      'index:CREATE INDEX CONCURRENTLY ON public.orders (customer_id)',
    ]);
    expect(outcome.digestSent).toBe(true);
    expect(sent).toHaveLength(1);
    const digest = notificationSchema.parse(sent[0]);
    expect(digest).toMatchObject({
      severity: 'info',
      component: 'database',
      labels: { cluster: 'misybot-db' },
    });
    expect(digest.title).toBe('New on misybot-db: 1 slow query, 1 index recommendation');
    expect(digest.reasons[0]).toMatch(/^slow: 40\.0 ms mean × 500 calls .*customer_id = \$1/);
    expect(store.reports).toHaveLength(1);
    expect(store.state.snapshot).toBe(db.snapshot);
    expect(Object.keys(store.state.reported ?? {})).toHaveLength(2);
    expect(store.state.baseline?.['10/5/111/t']).toEqual({ meanMs: 40, calls: 500 });
    expect(db.closed).toBe(1);
  });

  it('stays quiet when the next interval shows the same findings, and still stores the report', async () => {
    const { deps, store, db, sent } = fakeDeps();
    db.snapshot = { takenAt: T0, entries: [entry('111', ORDERS_BY_CUSTOMER, 500, 40)] };
    await outcomeOf(deps, request('e1', T0));
    db.snapshot = { takenAt: T0 + HOUR, entries: [entry('111', ORDERS_BY_CUSTOMER, 1000, 40)] };

    const outcome = await outcomeOf(deps, request('e2', T0 + HOUR));

    expect(outcome).toMatchObject({ status: 'analysed', digestSent: false });
    if (outcome.status !== 'analysed') return;
    expect(outcome.report.interval).toEqual({ from: T0, to: T0 + HOUR, reset: false });
    expect(outcome.report.slowQueries).toEqual([expect.objectContaining({ queryid: '111', calls: 500 })]);
    expect(outcome.report.newFindings).toEqual([]);
    expect(sent).toHaveLength(1);
    expect(store.reports).toHaveLength(2);
  });

  it('sends a digest of only what is new when another query turns slow', async () => {
    const { deps, db, sent } = fakeDeps();
    db.snapshot = { takenAt: T0, entries: [entry('111', ORDERS_BY_CUSTOMER, 500, 40)] };
    await outcomeOf(deps, request('e1', T0));
    db.snapshot = {
      takenAt: T0 + HOUR,
      entries: [entry('111', ORDERS_BY_CUSTOMER, 1000, 40), entry('333', EVENTS_BY_ACCOUNT, 300, 25)],
    };

    const outcome = await outcomeOf(deps, request('e2', T0 + HOUR));

    expect(outcome).toMatchObject({ status: 'analysed', digestSent: true });
    expect(sent).toHaveLength(2);
    expect(sent[1]!.title).toBe('New on misybot-db: 1 slow query, 1 index recommendation');
    expect(sent[1]!.reasons.join('\n')).toContain('events WHERE account_id');
    expect(sent[1]!.reasons.join('\n')).not.toContain('orders WHERE customer_id');
  });

  it('reports a regression against the previous interval as a new finding', async () => {
    const { deps, db, sent } = fakeDeps();
    db.snapshot = { takenAt: T0, entries: [entry('444', 'SELECT * FROM t WHERE id = $1', 500, 2)] };
    await outcomeOf(deps, request('e1', T0));
    expect(sent).toHaveLength(0);
    // 500 more calls at 8 ms instead of 2: +6 ms each, 3 s more database time in the hour.
    const later = entry('444', 'SELECT * FROM t WHERE id = $1', 1000, 0);
    db.snapshot = { takenAt: T0 + HOUR, entries: [{ ...later, totalExecMs: 1000 + 500 * 8, meanExecMs: 5 }] };

    const outcome = await outcomeOf(deps, request('e2', T0 + HOUR));

    if (outcome.status !== 'analysed') throw new Error(outcome.status);
    expect(outcome.report.regressions).toEqual([expect.objectContaining({ baselineMeanMs: 2, meanMs: 8 })]);
    expect(outcome.report.newFindings.map((f) => f.id)).toEqual(['regression:444']);
    expect(sent[0]!.title).toBe('New on misybot-db: 1 regression');
  });

  it('does nothing for a redelivered event: no database session, no store write', async () => {
    const { deps, store, db, sent } = fakeDeps();
    db.snapshot = { takenAt: T0, entries: [entry('111', ORDERS_BY_CUSTOMER, 500, 40)] };
    await outcomeOf(deps, request('e1', T0));

    const outcome = await outcomeOf(deps, request('e1', T0 + 5000));

    expect(outcome).toEqual({
      status: 'skipped',
      reason: expect.stringMatching(/^duplicate: run req-e1 already handled this event \(acted: /),
    });
    expect(db.opened).toBe(1);
    expect(store.reports).toHaveLength(1);
    expect(sent).toHaveLength(1);
  });

  it('does not analyse while another run holds the cluster lock, and releases the event for a retry', async () => {
    const { deps, store, db, lock, events } = fakeDeps();
    lock.holder = 'another-invocation';

    const { outcome, record } = await runScheduledAnalysis(deps, request('e1', T0));

    expect(outcome).toEqual({
      status: 'skipped',
      reason: 'busy: another run holds queries#misybot-db (2 attempts)',
    });
    expect(record).toMatchObject({ status: 'skipped', event: 'retry' });
    expect(db.opened).toBe(0);
    expect(store.reports).toEqual([]);
    expect(lock.holder).toBe('another-invocation');
    expect(events.records.size).toBe(0);
    lock.holder = undefined;
    expect((await outcomeOf(deps, request('e1', T0 + 60_000))).status).toBe('analysed');
  });

  it('warns once when pg_stat_statements is missing, logs an error every run, and never throws', async () => {
    const { deps, store, db, sent, log } = fakeDeps();
    const missing = {
      extension: 'pg_stat_statements' as const,
      message:
        'the pg_stat_statements extension is not created in this database: run CREATE EXTENSION pg_stat_statements;',
    };
    db.missing = [missing];

    const first = await outcomeOf(deps, request('e1', T0));
    const second = await outcomeOf(deps, request('e2', T0 + HOUR));

    expect(first).toEqual({ status: 'blocked', missing: [missing], warned: true });
    expect(second).toEqual({ status: 'blocked', missing: [missing], warned: false });
    expect(sent).toHaveLength(1);
    const warning = notificationSchema.parse(sent[0]);
    expect(warning.severity).toBe('warning');
    expect(warning.title).toBe('Slow-query analysis cannot run on misybot-db: pg_stat_statements missing');
    expect(warning.reasons[0]).toContain('run CREATE EXTENSION pg_stat_statements');
    expect(store.warnedWrites).toEqual([[missing.message]]);
    expect(store.reports).toEqual([]);
    expect(log.lines.filter((l) => l.level === 'error')).toHaveLength(2);
    expect(db.closed).toBe(2);

    // Fixed, then broken again: the second breakage is news again.
    db.missing = [];
    db.snapshot = { takenAt: T0 + 2 * HOUR, entries: [entry('222', 'SELECT 1', 10, 0.1)] };
    expect((await outcomeOf(deps, request('e3', T0 + 2 * HOUR))).status).toBe('analysed');
    expect(store.state.warned).toEqual([]);
    db.missing = [missing];
    await outcomeOf(deps, request('e4', T0 + 3 * HOUR));
    expect(sent).toHaveLength(2);
  });

  it('analyses without index advice when only hypopg is missing, warning once', async () => {
    const { deps, store, db, sent } = fakeDeps();
    db.missing = [
      {
        extension: 'hypopg',
        message: 'the hypopg extension ... is not created: run CREATE EXTENSION hypopg;',
      },
    ];
    db.snapshot = { takenAt: T0, entries: [entry('111', ORDERS_BY_CUSTOMER, 500, 40)] };

    const outcome = await outcomeOf(deps, request('e1', T0));

    if (outcome.status !== 'analysed') throw new Error(outcome.status);
    expect(outcome.report.advisor).toMatchObject({ status: 'skipped', reason: 'hypopg is missing' });
    expect(outcome.report.recommendations).toEqual([]);
    expect(sent.map((n) => [n.severity, n.title])).toEqual([
      ['warning', 'Index advice is off on misybot-db: hypopg missing'],
      ['info', 'New on misybot-db: 1 slow query'],
    ]);
    expect(store.state.warned).toEqual([db.missing[0]!.message]);
    db.snapshot = { takenAt: T0 + HOUR, entries: [entry('111', ORDERS_BY_CUSTOMER, 1000, 40)] };
    await outcomeOf(deps, request('e2', T0 + HOUR));
    expect(sent).toHaveLength(2);
  });

  it('keeps the report when the advisor fails', async () => {
    const { deps, store, db } = fakeDeps();
    db.snapshot = { takenAt: T0, entries: [entry('111', ORDERS_BY_CUSTOMER, 500, 40)] };
    db.planFailure = new Error('canceling statement due to statement timeout');

    const outcome = await outcomeOf(deps, request('e1', T0));

    if (outcome.status !== 'analysed') throw new Error(outcome.status);
    expect(outcome.report.advisor).toMatchObject({
      status: 'failed',
      reason: 'canceling statement due to statement timeout',
    });
    expect(store.reports).toHaveLength(1);
    expect(db.closed).toBe(1);
  });

  it('stores nothing and notifies no one in a dry run', async () => {
    const { deps, store, db, sent } = fakeDeps();
    db.snapshot = { takenAt: T0, entries: [entry('111', ORDERS_BY_CUSTOMER, 500, 40)] };

    const outcome = await outcomeOf(deps, request('e1', T0, { dryRun: true }));

    expect(outcome).toMatchObject({ status: 'analysed', digestSent: false });
    if (outcome.status !== 'analysed') return;
    expect(outcome.report.newFindings).toHaveLength(2);
    expect(outcome.stored).toBeUndefined();
    expect(sent).toEqual([]);
    expect(store.reports).toEqual([]);
  });

  it('closes the session, releases the lock and records a failure to retry when reading statistics fails', async () => {
    const { deps, db, lock, events } = fakeDeps();
    db.statements = async () => {
      throw new Error('connection terminated');
    };

    const { outcome, record } = await runScheduledAnalysis(deps, request('e1', T0));
    expect(outcome).toEqual({ status: 'failed', error: 'the run failed: connection terminated' });
    expect(record).toMatchObject({ status: 'failed', event: 'retry' });
    expect(db.closed).toBe(1);
    expect(lock.holder).toBeUndefined();
    expect(events.records.size).toBe(0);
  });

  it('records an analysis as acted, a dry run as decided, and a missing extension as a failure that is done', async () => {
    const analysed = fakeDeps();
    analysed.db.snapshot = { takenAt: T0, entries: [entry('111', ORDERS_BY_CUSTOMER, 500, 40)] };
    expect((await runScheduledAnalysis(analysed.deps, request('e1', T0))).record).toMatchObject({
      fn: 'slow-queries',
      eventKey: 'slow-queries#e1',
      status: 'acted',
      event: 'done',
    });
    const dry = await runScheduledAnalysis(analysed.deps, request('e2', T0, { dryRun: true }));
    expect(dry.record).toMatchObject({ status: 'decided' });
    const blocked = fakeDeps();
    blocked.db.missing = [
      { extension: 'pg_stat_statements', message: 'pg_stat_statements is not installed' },
    ];
    expect((await runScheduledAnalysis(blocked.deps, request('e1', T0))).record).toMatchObject({
      status: 'failed',
      event: 'done',
      reason: 'blocked: pg_stat_statements missing',
    });
  });
});
