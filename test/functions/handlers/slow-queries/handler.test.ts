import type { Context } from 'aws-lambda';
import type { SingleMetric } from '../../../../functions/core/metrics-sink';
import { loadSlowQueriesConfig } from '../../../../functions/handlers/slow-queries/config';
import { createSlowQueriesHandler } from '../../../../functions/handlers/slow-queries/handler';
import { ConfigError, InputError } from '../../../../functions/shared/errors';
import { entry, fakeDeps, ORDERS_BY_CUSTOMER, SETTINGS } from '../../core/queries/scheduled-analysis-fakes';

const ENV = {
  STATE_TABLE: 'misybot-state',
  INFO_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:info',
  WARNING_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:warning',
  DB_PROXY_ENDPOINT: 'misybot.proxy-abc.eu-west-1.rds.amazonaws.com',
  DB_PORT: '5432',
  DB_NAME: 'misybot',
  DB_USER: 'postgres',
  DB_CLUSTER_ID: 'misybot-db',
  SLOW_QUERY_SETTINGS: JSON.stringify({ minMeanMs: 50 }),
  FLEET_MAX_CAPACITY: '10',
  LAMBDA_CONCURRENCY: '4',
  AWS_REGION: 'eu-west-1',
};

const T0 = Date.UTC(2025, 0, 6, 10);
const scheduled = (id: string, detail: Record<string, unknown> = {}) => ({
  version: '0',
  id,
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '123456789012',
  time: '2025-01-06T10:00:00Z',
  region: 'eu-west-1',
  resources: ['arn:aws:events:eu-west-1:123456789012:rule/slow-queries'],
  detail,
});
const context = { awsRequestId: 'req-1', getRemainingTimeInMillis: () => 290_000 } as unknown as Context;

function setup() {
  const fakes = fakeDeps();
  const metrics: Array<[string, string, number]> = [];
  const dimensions: Array<[string, string]> = [];
  const runs: string[] = [];
  const single = (suffix: string): SingleMetric => ({
    addDimension: (_name, value) => single(`${suffix}:${value}`),
    addMetric: (name) => void runs.push(`${name}${suffix}`),
  });
  const { log, ...analysis } = fakes.deps;
  const handler = createSlowQueriesHandler({
    analysis,
    logger: log,
    metrics: {
      addMetric: (name, unit, value) => void metrics.push([name, unit, value]),
      addDimension: (name, value) => void dimensions.push([name, value]),
      singleMetric: () => single(''),
    },
    config: { analysis: SETTINGS, fleetMaxCapacity: 10, lambdaConcurrency: 4, clusterId: 'misybot-db' },
    clock: () => T0,
  });
  return { ...fakes, handler, metrics, dimensions, runs };
}

describe('loadSlowQueriesConfig', () => {
  it('reads every variable and fills the analysis defaults', () => {
    const config = loadSlowQueriesConfig(ENV);
    expect(config.database).toEqual({
      hostname: ENV.DB_PROXY_ENDPOINT,
      port: 5432,
      name: 'misybot',
      user: 'postgres',
      clusterId: 'misybot-db',
      region: 'eu-west-1',
    });
    expect(config.analysis).toMatchObject({ minMeanMs: 50, minCalls: 100, maxCandidates: 100 });
    expect(config).toMatchObject({
      fleetMaxCapacity: 10,
      lambdaConcurrency: 4,
      warningTopicArn: ENV.WARNING_TOPIC_ARN,
    });
  });

  it('names the missing variable, the malformed one and the bad settings field', () => {
    const { DB_USER: _user, ...missing } = ENV;
    expect(() => loadSlowQueriesConfig(missing)).toThrow(/DB_USER: must be set by the deployment/);
    expect(() => loadSlowQueriesConfig({ ...ENV, DB_PORT: 'postgres' })).toThrow(ConfigError);
    expect(() => loadSlowQueriesConfig({ ...ENV, DB_PORT: '99999' })).toThrow(/DB_PORT: /);
    expect(() => loadSlowQueriesConfig({ ...ENV, SLOW_QUERY_SETTINGS: '{minMeanMs' })).toThrow(
      /SLOW_QUERY_SETTINGS: must be JSON/,
    );
    expect(() => loadSlowQueriesConfig({ ...ENV, SLOW_QUERY_SETTINGS: '{"minCostReduction":2}' })).toThrow(
      /SLOW_QUERY_SETTINGS\.minCostReduction: /,
    );
  });
});

describe('slow-queries handler', () => {
  it('runs one analysis for a scheduled event and emits its metrics per cluster', async () => {
    const { handler, db, metrics, dimensions, lock } = setup();
    db.snapshot = { takenAt: T0, entries: [entry('111', ORDERS_BY_CUSTOMER, 500, 40)] };
    const acquired: Array<[string, number]> = [];
    const acquire = lock.acquire.bind(lock);
    lock.acquire = async (name, owner, leaseMs, now) => {
      acquired.push([`${name}:${owner}`, leaseMs]);
      return acquire(name, owner, leaseMs, now);
    };

    const result = await handler(scheduled('evt-1'), context);

    expect(result).toEqual({
      status: 'analysed',
      slowQueries: 1,
      regressions: 0,
      recommendations: 1,
      newFindings: 2,
      digestSent: true,
    });
    expect(acquired).toEqual([['queries#misybot-db:req-1', 350_000]]);
    expect(dimensions).toEqual([['ClusterIdentifier', 'misybot-db']]);
    expect(metrics).toEqual([
      ['SlowQueryCount', 'Count', 1],
      ['WorstMeanMs', 'Milliseconds', 40],
      ['RegressionCount', 'Count', 0],
      ['IndexRecommendationCount', 'Count', 1],
    ]);
  });

  it('analyses without storing or notifying when the event asks for a dry run', async () => {
    const { handler, db, store, sent } = setup();
    db.snapshot = { takenAt: T0, entries: [entry('111', ORDERS_BY_CUSTOMER, 500, 40)] };
    const result = await handler(scheduled('evt-1', { dryRun: true }), context);
    expect(result).toMatchObject({ status: 'analysed', digestSent: false });
    expect(store.reports).toEqual([]);
    expect(sent).toEqual([]);
  });

  it('returns the status, without analysis metrics, for a blocked run or a duplicate, and records both', async () => {
    const { handler, db, metrics, runs } = setup();
    db.missing = [
      { extension: 'pg_stat_statements', message: 'not created: run CREATE EXTENSION pg_stat_statements;' },
    ];
    await expect(handler(scheduled('evt-1'), context)).resolves.toEqual({ status: 'blocked' });
    await expect(handler(scheduled('evt-1'), context)).resolves.toEqual({
      status: 'skipped',
      reason: expect.stringMatching(/^duplicate: run req-1 already handled this event \(failed: blocked/),
    });
    expect(metrics).toEqual([]);
    expect(runs).toEqual(['ControlRuns:failed', 'ControlRuns:skipped']);
  });

  it('fails the invocation when the analysis failed, so Lambda retries the event', async () => {
    const { handler, db, log, runs } = setup();
    db.statements = async () => {
      throw new Error('connection terminated');
    };
    await expect(handler(scheduled('evt-1'), context)).rejects.toMatchObject({
      name: 'SlowQueriesRunError',
      message: 'slow-query run slow-queries#evt-1: the run failed: connection terminated',
    });
    expect(log.lines.at(-1)).toMatchObject({ level: 'error', message: 'run record' });
    expect(runs).toEqual(['ControlRuns:failed', 'ControlRunsRetried']);
  });

  it('rejects an event without an id, naming the field, and records it', async () => {
    const { handler, db, runs } = setup();
    const { id: _id, ...noId } = scheduled('x');
    const error = await handler(noId, context).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(/^not an EventBridge scheduled event: id: /);
    await expect(handler('not an event', context)).rejects.toThrow(/\(event\): /);
    expect(db.opened).toBe(0);
    expect(runs).toEqual([
      'ControlRuns:failed',
      'ControlRunsRetried',
      'ControlRuns:failed',
      'ControlRunsRetried',
    ]);
  });
});
