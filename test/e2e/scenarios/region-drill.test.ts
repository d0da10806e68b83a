import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { GetHealthCheckCommand } from '@aws-sdk/client-route-53';
import type { RegionTimeline } from '../../../functions/core/failover/region/types';
import { RegionPair } from '../../../local/platform/region-pair';
import { bundleFunction } from '../../../local/runtime/bundle-function';
import { e2eEnvironment } from '../harness/env';
import { minutes } from '../support/platform';
import { saveRegionTimelines } from '../support/region-timeline';

/**
 * The region failover function (its esbuild bundle, on Node 24) against two regions of an
 * emulated account: a planned drill, an unplanned regional outage behind the lag guards, and a
 * regional health check flapping for 24 hours. The global APIs moto lacks are stand-ins
 * (test/e2e/README.md, "Stand-ins").
 */

const ROOT = join(__dirname, '..', '..', '..');
const TWO_REGIONS = JSON.parse(readFileSync(join(ROOT, 'config', 'two-regions.json'), 'utf8')) as {
  regions: unknown;
  fleet: { minCapacity: number; maxCapacity: number };
};
const PRIMARY = 'eu-west-1';
const STANDBY = 'eu-central-1';
const MUTATIONS = [
  'SwitchoverGlobalCluster',
  'FailoverGlobalCluster',
  'FailoverGlobalReplicationGroup',
  'UpdateHealthCheck',
  'UpdateAutoScalingGroup',
  'CreateDBInstance',
];

/** What the function answered, as far as these scenarios read it. */
interface Answer {
  readonly ok: boolean;
  readonly status: string;
  readonly decision?: {
    readonly verdict: string;
    readonly checks: readonly { guard: string; passed: boolean; detail: string }[];
  };
  readonly timeline?: RegionTimeline;
  readonly timelineText?: string;
}

const answerOf = (record: { outcome: { status: string; payload?: unknown } }): Answer => {
  if (record.outcome.status !== 'succeeded')
    throw new Error(`invocation ${record.outcome.status}: ${JSON.stringify(record.outcome)}`);
  return record.outcome.payload as Answer;
};

let bundleDir: string;
beforeAll(async () => {
  bundleDir = await bundleFunction(join(ROOT, 'functions', 'handlers', 'region-failover', 'index.ts'));
});
afterAll(() => rmSync(bundleDir, { recursive: true, force: true }));

function startPair(name: string): Promise<RegionPair> {
  return RegionPair.start({
    emulatorUrl: e2eEnvironment().emulatorUrl,
    bundleDir,
    regions: TWO_REGIONS.regions,
    activeCapacity: TWO_REGIONS.fleet.minCapacity,
    maxCapacity: TWO_REGIONS.fleet.maxCapacity,
    workDir: join(__dirname, '..', '.logs', name),
  });
}

const mutationsOf = (pair: RegionPair) => MUTATIONS.flatMap((operation) => pair.callsOf(operation));
const standbyCluster = (pair: RegionPair) => pair.deployed.resources.regions[STANDBY]!.clusterArn;
const primaryCluster = (pair: RegionPair) => pair.deployed.resources.regions[PRIMARY]!.clusterArn;

describe('a planned drill: switch over to the standby region and back', () => {
  let pair: RegionPair;
  let dryRun: Answer;
  let drill: Answer;
  let executedAt: number;
  let timelines: RegionTimeline[];

  beforeAll(async () => {
    pair = await startPair('region-drill');
    pair.lag = { replicationMs: 800, rpoSeconds: 1 };
    await pair.runFor(minutes(3));
    const command = {
      kind: 'command',
      command: 'drill',
      reason: 'quarterly drill',
      requestedBy: 'ops@misybot',
    };
    dryRun = answerOf(await pair.invoke({ ...command, id: 'drill-2026-q4-dry' }));
    executedAt = pair.clock.now();
    drill = answerOf(await pair.invoke({ ...command, id: 'drill-2026-q4', execute: true }));
    await pair.runFor(minutes(2));
    timelines = await pair.timelines();
    saveRegionTimelines(pair, timelines, 'region-drill');
  });
  afterAll(() => pair?.stop());

  it('decides the drill in a dry run and changes nothing', () => {
    expect(dryRun).toMatchObject({ ok: true, status: 'dry-run', decision: { verdict: 'start' } });
    expect(mutationsOf(pair).filter((call) => call.at < executedAt)).toEqual([]);
  });

  it('switches the global database over to the standby and back, never failing it over', () => {
    const switchovers = pair.callsOf('SwitchoverGlobalCluster');
    expect(switchovers.map((call) => call.params.TargetDbClusterIdentifier)).toEqual([
      standbyCluster(pair),
      primaryCluster(pair),
    ]);
    expect(switchovers.every((call) => call.status === 200)).toBe(true);
    expect(pair.callsOf('FailoverGlobalCluster')).toHaveLength(0);
    expect(pair.database.writerOf(pair.deployed.resources.globalClusterIdentifier)).toBe(
      primaryCluster(pair),
    );
  });

  it('gives the headless standby cluster an instance before promoting it', () => {
    const created = pair.callsOf('CreateDBInstance');
    expect(created.map((call) => call.params.DBClusterIdentifier)).toEqual([
      standbyCluster(pair).split(':').at(-1),
    ]);
    expect(created[0]!.at).toBeLessThan(pair.callsOf('SwitchoverGlobalCluster')[0]!.at);
  });

  it('moves the Global Datastore and the DNS gate there and back', async () => {
    expect(pair.callsOf('FailoverGlobalReplicationGroup').map((call) => call.params.PrimaryRegion)).toEqual([
      STANDBY,
      PRIMARY,
    ]);
    expect(pair.datastore.primaryRegionOf(pair.deployed.resources.globalReplicationGroupId)).toBe(PRIMARY);
    expect(pair.callsOf('UpdateHealthCheck').map((call) => call.params.HealthCheckId)).toEqual([
      pair.deployed.gate.id,
      pair.deployed.gate.id,
    ]);
    const gate = await pair
      .observer(PRIMARY)
      .route53.send(new GetHealthCheckCommand({ HealthCheckId: pair.deployed.gate.id }));
    expect(gate.HealthCheck?.HealthCheckConfig?.HealthThreshold).toBe(1);
  });

  it('stores the timeline: the steps in order, a measured RTO and an RPO of 0', () => {
    expect(drill).toMatchObject({ ok: true, status: 'executed' });
    expect(timelines).toHaveLength(1);
    const timeline = timelines[0]!;
    expect(timeline).toMatchObject({
      kind: 'drill',
      status: 'completed',
      from: PRIMARY,
      to: STANDBY,
      rpoSeconds: 0,
    });
    expect(timeline.steps.map((step) => `${step.action.kind} ${step.action.region}`)).toEqual([
      `scale-fleet ${STANDBY}`,
      `add-database-instance ${STANDBY}`,
      `switchover-database ${STANDBY}`,
      `wait-database-writer ${STANDBY}`,
      `failover-cache ${STANDBY}`,
      `wait-cache-primary ${STANDBY}`,
      `wait-fleet ${STANDBY}`,
      `route-traffic ${STANDBY}`,
      `verify-traffic ${STANDBY}`,
      `scale-fleet ${PRIMARY}`,
      `switchover-database ${PRIMARY}`,
      `wait-database-writer ${PRIMARY}`,
      `failover-cache ${PRIMARY}`,
      `wait-cache-primary ${PRIMARY}`,
      `wait-fleet ${PRIMARY}`,
      `route-traffic ${PRIMARY}`,
      `verify-traffic ${PRIMARY}`,
    ]);
    expect(timeline.steps.every((step) => step.outcome.ok)).toBe(true);
    expect(timeline.rtoSeconds).toBe(Math.round((timeline.trafficMovedAt! - timeline.detectedAt) / 1000));
    // The switchover alone takes the stand-in's 90 s: an RTO below it was not measured.
    expect(timeline.rtoSeconds).toBeGreaterThanOrEqual(90);
  });

  it('leaves the primary region serving', async () => {
    expect((await pair.state())?.activeRegion).toBe(PRIMARY);
  });
});

describe('an unplanned regional outage behind the lag guards', () => {
  let pair: RegionPair;
  let outageAt: number;
  let highLagAt: number;
  let freshLagAt: number;
  let replay: Answer;
  let timelines: RegionTimeline[];

  const answersBetween = (from: number, to: number) =>
    pair.invocations
      .filter((record) => record.startedAt >= from && record.startedAt < to)
      .map(answerOf)
      .filter((answer) => answer.decision);
  const lagCheck = (answer: Answer) => answer.decision!.checks.find((c) => c.guard === 'replication-lag');

  beforeAll(async () => {
    pair = await startPair('region-outage');
    await pair.runFor(minutes(3));
    outageAt = pair.clock.now();
    pair.albUp[PRIMARY] = () => false;
    await pair.runFor(minutes(10));
    highLagAt = pair.clock.now();
    pair.lag = { replicationMs: 12_000, rpoSeconds: 90 };
    await pair.runFor(minutes(5));
    freshLagAt = pair.clock.now();
    pair.lag = { replicationMs: 900, rpoSeconds: 2 };
    await pair.runFor(minutes(8));
    const executed = pair.invocations.find((record) => answerOf(record).status === 'executed')!;
    replay = answerOf(await pair.invoke(executed.event));
    await pair.runFor(minutes(3));
    timelines = await pair.timelines();
    saveRegionTimelines(pair, timelines, 'region-outage');
  });
  afterAll(() => pair?.stop());

  it('refuses while the lag is unknown, pages once, and calls no failover', () => {
    const refused = answersBetween(outageAt + minutes(7), highLagAt);
    expect(refused.length).toBeGreaterThanOrEqual(3);
    for (const answer of refused) {
      expect(answer.decision!.verdict).toBe('needs-human');
      expect(lagCheck(answer)).toMatchObject({ passed: false, detail: expect.stringContaining('unknown') });
    }
    const pages = pair
      .callsOf('Publish')
      .filter((call) => call.params.TopicArn === pair.deployed.topicArns.critical && call.at < freshLagAt);
    expect(pages).toHaveLength(1);
  });

  it('refuses while the lag is above its limit', () => {
    const refused = answersBetween(highLagAt + minutes(1), freshLagAt);
    expect(refused.length).toBeGreaterThanOrEqual(3);
    for (const answer of refused) {
      expect(answer.decision!.verdict).toBe('needs-human');
      expect(lagCheck(answer)).toMatchObject({ passed: false, detail: expect.stringContaining('12000 ms') });
    }
  });

  it('calls nothing that changes a region before the lag is fresh and within its limit', () => {
    expect(mutationsOf(pair).filter((call) => call.at < freshLagAt)).toEqual([]);
  });

  it('then fails over once, allowing data loss, to the standby cluster', () => {
    const failovers = pair.callsOf('FailoverGlobalCluster');
    expect(failovers).toHaveLength(1);
    expect(failovers[0]!.params).toMatchObject({
      TargetDbClusterIdentifier: standbyCluster(pair),
      AllowDataLoss: 'true',
    });
    expect(pair.callsOf('SwitchoverGlobalCluster')).toHaveLength(0);
    expect(pair.database.writerOf(pair.deployed.resources.globalClusterIdentifier)).toBe(
      standbyCluster(pair),
    );
  });

  it('does not repeat the failover for a redelivered event', () => {
    expect(replay).toMatchObject({ ok: true, status: 'duplicate' });
    expect(pair.callsOf('FailoverGlobalCluster')).toHaveLength(1);
    expect(pair.callsOf('FailoverGlobalReplicationGroup')).toHaveLength(1);
  });

  it('stores the automatic timeline with its RTO from the first unhealthy reading and its RPO', async () => {
    expect(timelines).toHaveLength(1);
    const timeline = timelines[0]!;
    expect(timeline).toMatchObject({
      kind: 'failover',
      automatic: true,
      status: 'completed',
      from: PRIMARY,
      to: STANDBY,
      rpoSeconds: 2,
    });
    expect(timeline.detectedAt).toBeGreaterThanOrEqual(outageAt);
    expect(timeline.detectedAt).toBeLessThan(outageAt + minutes(1));
    expect(timeline.rtoSeconds).toBe(Math.round((timeline.trafficMovedAt! - timeline.detectedAt) / 1000));
    expect((await pair.state())?.activeRegion).toBe(STANDBY);
  });
});

describe('a regional health check flapping for 24 hours', () => {
  let pair: RegionPair;
  let answers: Answer[];
  const DOWN_S = [120, 180, 240, 150, 210];
  const UP_S = [90, 150, 60, 240, 120];

  /** Down and up in turns, no outage as long as the 300 s hold-down, cycles of uneven length. */
  function flapping(start: number): (at: number) => boolean {
    const cycle = DOWN_S.reduce((sum, down, index) => sum + down + UP_S[index]!, 0) * 1000;
    return (at) => {
      let offset = (at - start) % cycle;
      for (let index = 0; index < DOWN_S.length; index++) {
        if (offset < DOWN_S[index]! * 1000) return false;
        offset -= DOWN_S[index]! * 1000;
        if (offset < UP_S[index]! * 1000) return true;
        offset -= UP_S[index]! * 1000;
      }
      return true;
    };
  }

  beforeAll(async () => {
    pair = await startPair('region-flapping');
    pair.lag = { replicationMs: 800, rpoSeconds: 1 };
    await pair.runFor(minutes(2));
    pair.albUp[PRIMARY] = flapping(pair.clock.now());
    await pair.runFor(minutes(24 * 60));
    answers = pair.invocations.map(answerOf);
  }, 30 * 60_000);
  afterAll(() => pair?.stop());

  it('runs on its schedule all day', () => {
    expect(answers.length).toBeGreaterThanOrEqual(24 * 60);
  });

  it('sees the primary unhealthy again and again, and waits out each streak', () => {
    const verdicts = answers.map((answer) => answer.decision?.verdict);
    expect(verdicts.filter((verdict) => verdict === 'watching').length).toBeGreaterThan(200);
    expect(verdicts.filter((verdict) => verdict === 'steady').length).toBeGreaterThan(200);
    expect(verdicts).not.toContain('start');
    expect(verdicts).not.toContain('needs-human');
  });

  it('makes 0 failovers: no change to any region', async () => {
    expect(mutationsOf(pair)).toEqual([]);
    expect(await pair.timelines()).toEqual([]);
    expect((await pair.state())?.activeRegion).toBe(PRIMARY);
  });
});
