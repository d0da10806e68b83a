import { defaultPolicyInput } from '../../../../functions/core/scaling/default-policy';
import type { ScalingDeps } from '../../../../functions/core/scaling/ports';
import { runScaling, type ScalingRequest } from '../../../../functions/core/scaling/service';
import { fakeDeps, GROUP, groupOf, NOW, throttled } from './service-fakes';

const request = (eventKey = 'scaling:event-1', extra: Partial<ScalingRequest> = {}): ScalingRequest => ({
  eventKey,
  runId: `run-${eventKey}`,
  trigger: 'schedule',
  reason: 'schedule at 2024-03-04T12:00:00Z',
  deadline: NOW + 60_000,
  ...extra,
});

/** What the run did; the tests of the run record are further down. */
const outcomeOf = async (deps: ScalingDeps, scaling: ScalingRequest) =>
  (await runScaling(deps, scaling)).outcome;

describe('runScaling', () => {
  it('scales out on high load, records the explained decision and tells the info topic', async () => {
    const { deps, group, state, notifier } = fakeDeps({ metrics: { cpu: 90, memory: 50 } });
    const outcome = await outcomeOf(deps, request());
    expect(outcome).toMatchObject({
      status: 'decided',
      action: 'scaled',
      policySource: 'default',
      notified: ['info'],
    });
    if (outcome.status !== 'decided') throw new Error('expected a decision');
    expect(outcome.decision.direction).toBe('out');
    expect(group.sets).toEqual([outcome.decision.desired]);
    expect(notifier.scaledDecisions).toEqual([outcome.decision]);
    expect(notifier.saturatedDecisions).toEqual([]);
    expect(state.decisions).toEqual([
      expect.objectContaining({
        eventKey: 'scaling:event-1',
        trigger: 'schedule',
        action: 'scaled',
        decision: outcome.decision,
        skipped: [],
      }),
    ]);
    expect(outcome.decision.explanation.summary).toMatch(/^scale out 4 → \d+/);
  });

  it('scales in when every metric was read and agrees', async () => {
    const { deps, group } = fakeDeps({ metrics: { cpu: 20, memory: 20 } });
    const outcome = await outcomeOf(deps, request());
    expect(outcome).toMatchObject({
      status: 'decided',
      action: 'scaled',
      decision: { direction: 'in', desired: 2 },
    });
    expect(group.sets).toEqual([2]);
  });

  it('reads activities back far enough for cooldowns, rate periods and warm-up, and metrics over the window', async () => {
    const { deps, group, metrics } = fakeDeps();
    await outcomeOf(deps, request());
    // Default policy: scale-in cooldown 300 s and rate period 300 s are the longest.
    expect(group.reads).toEqual([NOW - 300_000]);
    // The CPU policy's leading signal reads the request counts, 30 minutes back for its calibration.
    expect(metrics.requests).toEqual([
      {
        names: ['cpu', 'memory', 'requestCount', 'requestsPerTarget'],
        instances: groupOf(4).instances,
        start: NOW - 1_800_000,
        end: NOW,
      },
    ]);
  });

  it('never handles a duplicate event twice', async () => {
    const { deps, group, state, clock } = fakeDeps({ metrics: { cpu: 90, memory: 50 } });
    await outcomeOf(deps, request());
    clock.advance(1000);
    const second = await runScaling(deps, { ...request(), runId: 'redelivery' });
    expect(second.outcome).toEqual({
      status: 'skipped',
      eventKey: 'scaling:event-1',
      reason: expect.stringMatching(
        /^duplicate: run run-scaling:event-1 already handled this event \(acted: scale out/,
      ),
    });
    expect(second.record).toMatchObject({ status: 'skipped', event: 'done' });
    expect(group.sets).toHaveLength(1);
    expect(state.decisions).toHaveLength(1);
  });

  it('lets only one of two concurrent runs act; the other is released for a retry, not acknowledged', async () => {
    const { deps, group } = fakeDeps({ metrics: { cpu: 90, memory: 50 } });
    let open!: () => void;
    group.gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const first = runScaling(deps, request('scaling:a'));
    // Let the first run claim its event and take the lock before the second starts.
    await new Promise((resolve) => setImmediate(resolve));
    const second = await runScaling(deps, request('scaling:b'));
    open();
    expect(second.outcome).toEqual({
      status: 'skipped',
      eventKey: 'scaling:b',
      reason: `busy: another run holds scaling#${GROUP} (4 attempts)`,
    });
    expect(second.record).toMatchObject({ status: 'skipped', event: 'retry' });
    expect((await first).outcome).toMatchObject({ status: 'decided', action: 'scaled' });
    expect(group.sets).toHaveLength(1);
    // The released event runs when it is delivered again.
    expect((await runScaling(deps, request('scaling:b'))).record).toMatchObject({ event: 'done' });
  });

  it('does not scale in when the metrics read fails, and reports every metric it skipped', async () => {
    const { deps, group, metrics, state } = fakeDeps({ metrics: { cpu: 20, memory: 20 } });
    metrics.readError = throttled();
    const outcome = await outcomeOf(deps, request());
    expect(outcome).toMatchObject({
      status: 'decided',
      action: 'none',
      decision: { direction: 'none', desired: 4 },
    });
    expect(group.sets).toEqual([]);
    const skipped = [
      { source: 'cpu', reason: 'metrics read failed: Rate exceeded (ThrottlingException)' },
      { source: 'memory', reason: 'metrics read failed: Rate exceeded (ThrottlingException)' },
      { source: 'requestCount', reason: 'metrics read failed: Rate exceeded (ThrottlingException)' },
      { source: 'requestsPerTarget', reason: 'metrics read failed: Rate exceeded (ThrottlingException)' },
    ];
    expect(outcome).toMatchObject({ skipped });
    expect(state.decisions[0]).toMatchObject({ action: 'none', skipped });
  });

  it('does not scale in when one metric came back partial', async () => {
    const { deps, group, metrics } = fakeDeps({ metrics: { cpu: 20, memory: 20 } });
    metrics.partial.add('memory');
    const outcome = await outcomeOf(deps, request());
    if (outcome.status !== 'decided') throw new Error('expected a decision');
    expect(outcome.decision.direction).toBe('none');
    expect(outcome.decision.explanation.limits.map((l) => l.kind)).toContain('missing-data');
    expect(outcome.skipped).toEqual([
      { source: 'memory', reason: 'CloudWatch returned incomplete data for 1 series: i-0: PartialData' },
    ]);
    expect(group.sets).toEqual([]);
  });

  it('decides nothing and acts on nothing when the group cannot be read; only the failure is written', async () => {
    const { deps, group, metrics, state, notifier } = fakeDeps({ metrics: { cpu: 90, memory: 50 } });
    group.readError = throttled();
    const outcome = await outcomeOf(deps, request());
    expect(outcome).toEqual({
      status: 'failed',
      eventKey: 'scaling:event-1',
      error: 'could not read the group and its scaling activities: Rate exceeded (ThrottlingException)',
      skipped: [],
      problems: [],
    });
    expect(group.sets).toEqual([]);
    expect(metrics.requests).toEqual([]);
    expect(state.decisions).toEqual([]);
    expect(notifier.scaledDecisions).toEqual([]);
    expect(state.failures).toEqual([
      expect.objectContaining({
        time: NOW,
        eventKey: 'scaling:event-1',
        error: expect.stringContaining('ThrottlingException'),
      }),
    ]);
  });

  it('decides nothing without the recommendation history the stabilisation needs', async () => {
    const { deps, group, state } = fakeDeps({ metrics: { cpu: 20, memory: 20 } });
    state.historyError = new Error('ProvisionedThroughputExceededException');
    const outcome = await outcomeOf(deps, request());
    expect(outcome).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/could not read the engine history/),
    });
    expect(group.sets).toEqual([]);
  });

  it('never calls SetDesiredCapacity in a deployment-wide dry run, nor when the request asks', async () => {
    for (const options of [{ dryRun: true }, {}]) {
      const { deps, group, notifier } = fakeDeps({ metrics: { cpu: 90, memory: 50 }, ...options });
      const outcome = await outcomeOf(deps, request('scaling:dry', { dryRun: true }));
      expect(outcome).toMatchObject({
        status: 'decided',
        action: 'dry-run',
        decision: { direction: 'out', dryRun: true },
      });
      expect(group.sets).toEqual([]);
      expect(notifier.scaledDecisions).toEqual([]);
    }
  });

  it('cannot lift a dry run the deployment set', async () => {
    const { deps, group } = fakeDeps({ metrics: { cpu: 90, memory: 50 }, dryRun: true });
    await outcomeOf(deps, request('scaling:manual:1', { trigger: 'manual', dryRun: false }));
    expect(group.sets).toEqual([]);
  });

  it('warns when at max and still breaching, and repeats the warning only after the reminder interval', async () => {
    const { deps, group, notifier, clock } = fakeDeps({
      group: groupOf(4, 2, 4),
      metrics: { cpu: 95, memory: 50 },
    });
    const first = await outcomeOf(deps, request('scaling:1'));
    expect(first).toMatchObject({
      status: 'decided',
      action: 'none',
      notified: ['warning'],
      decision: { saturated: true },
    });
    expect(group.sets).toEqual([]);
    expect(notifier.saturatedDecisions).toHaveLength(1);
    clock.set(NOW + 60_000);
    await outcomeOf(deps, request('scaling:2'));
    expect(notifier.saturatedDecisions).toHaveLength(1);
    clock.set(NOW + 1_800_000);
    await outcomeOf(deps, request('scaling:3'));
    expect(notifier.saturatedDecisions).toHaveLength(2);
  });

  it('uses the operator override stored in the state table', async () => {
    const { deps, group, state } = fakeDeps({ metrics: { cpu: 90, memory: 50 } });
    state.override = { document: { ...defaultPolicyInput, maxCapacity: 5 }, updatedBy: 'ops' };
    const outcome = await outcomeOf(deps, request());
    expect(outcome).toMatchObject({ status: 'decided', policySource: 'override', decision: { desired: 5 } });
    expect(group.sets).toEqual([5]);
  });

  it('falls back to the deployed default when the stored override is invalid, and reports it', async () => {
    const { deps, group, state } = fakeDeps({ metrics: { cpu: 90, memory: 50 } });
    state.override = { document: { ...defaultPolicyInput, maxCapacity: 5, minCapacity: 9 } };
    const outcome = await outcomeOf(deps, request());
    expect(outcome).toMatchObject({ status: 'decided', policySource: 'default', action: 'scaled' });
    if (outcome.status !== 'decided') throw new Error('expected a decision');
    expect(outcome.skipped).toEqual([
      {
        source: 'policy-override',
        reason: expect.stringMatching(
          /Invalid policy in the stored policy override:[\s\S]*maxCapacity[\s\S]*using the deployed default$/,
        ),
      },
    ]);
    expect(group.sets[0]).toBeGreaterThan(5);
  });

  it('reports a failed SetDesiredCapacity without notifying that it scaled', async () => {
    const { deps, group, notifier, state } = fakeDeps({ metrics: { cpu: 90, memory: 50 } });
    group.setError = throttled();
    const outcome = await outcomeOf(deps, request());
    expect(outcome).toMatchObject({
      status: 'decided',
      action: 'failed',
      actionError: expect.stringMatching(
        /^SetDesiredCapacity\(\d+\) failed: Rate exceeded \(ThrottlingException\)$/,
      ),
      notified: [],
    });
    expect(notifier.scaledDecisions).toEqual([]);
    expect(state.decisions[0]).toMatchObject({ action: 'failed' });
  });

  it('keeps the action when notifying or recording fails, and says so', async () => {
    const { deps, group, notifier, state } = fakeDeps({ metrics: { cpu: 90, memory: 50 } });
    notifier.error = new Error('SNS is down');
    state.recordError = new Error('DynamoDB is down');
    const outcome = await outcomeOf(deps, request());
    expect(outcome).toMatchObject({
      status: 'decided',
      action: 'scaled',
      notified: [],
      problems: ['info notification failed: SNS is down', 'decision record failed: DynamoDB is down'],
    });
    expect(group.sets).toHaveLength(1);
  });

  it('reports policy metrics no source can read', async () => {
    const { deps, state } = fakeDeps({ metrics: { cpu: 60, memory: 50 } });
    state.override = {
      document: { targetTracking: [{ name: 'queue', metric: 'queueDepth', target: 100 }] },
    };
    const outcome = await outcomeOf(deps, request());
    expect(outcome).toMatchObject({
      status: 'decided',
      skipped: [{ source: 'queueDepth', reason: 'no metric source is configured for this name' }],
    });
  });

  it('locks the group under its own name', async () => {
    const { deps, lock, group } = fakeDeps();
    const heldDuringRead: string[][] = [];
    const read = group.read.bind(group);
    group.read = async (since) => {
      heldDuringRead.push([...lock.leases.keys()]);
      return read(since);
    };
    expect(await outcomeOf(deps, request())).toMatchObject({ status: 'decided' });
    expect(heldDuringRead).toEqual([[`scaling#${GROUP}`]]);
    expect(lock.leases.size).toBe(0);
  });
});

describe('runScaling: the run record', () => {
  it('records an action as acted and completes the event', async () => {
    const { deps, idempotency } = fakeDeps({ metrics: { cpu: 90, memory: 50 } });
    const { record } = await runScaling(deps, request());
    expect(record).toMatchObject({
      fn: 'scaling',
      eventKey: 'scaling:event-1',
      runId: 'run-scaling:event-1',
      status: 'acted',
      event: 'done',
      reason: expect.stringMatching(/^scale out 4 → \d+/),
    });
    expect(idempotency.records.get('scaling:event-1')?.status).toBe('completed');
  });

  it('records a decision to keep the capacity as decided', async () => {
    const { deps } = fakeDeps({ metrics: { cpu: 60, memory: 50 } });
    expect((await runScaling(deps, request())).record).toMatchObject({ status: 'decided', event: 'done' });
  });

  it('releases the event of a run that could not read, so the async retry decides', async () => {
    const { deps, group, idempotency, clock } = fakeDeps({ metrics: { cpu: 90, memory: 50 } });
    group.readError = throttled();
    const failed = await runScaling(deps, request());
    expect(failed.record).toMatchObject({ status: 'failed', event: 'retry' });
    expect(idempotency.records.size).toBe(0);
    group.readError = undefined;
    clock.advance(60_000);
    const retried = await runScaling(deps, { ...request(), runId: 'retry', deadline: NOW + 120_000 });
    expect(retried.record).toMatchObject({ status: 'acted', event: 'done' });
    expect(group.sets).toHaveLength(1);
  });

  it('releases the event of a run whose SetDesiredCapacity failed', async () => {
    const { deps, group } = fakeDeps({ metrics: { cpu: 90, memory: 50 } });
    group.setError = throttled();
    const { record } = await runScaling(deps, request());
    expect(record).toMatchObject({
      status: 'failed',
      event: 'retry',
      reason: expect.stringMatching(/^decided 4 → \d+: SetDesiredCapacity\(\d+\) failed/),
    });
  });

  it('writes a failure into the history when the event could not be claimed', async () => {
    const { deps, group, state } = fakeDeps({ metrics: { cpu: 90, memory: 50 } });
    deps.run.idempotency.once = async () => ({ kind: 'unclaimed', error: throttled() });
    const { outcome, record } = await runScaling(deps, request());
    expect(record).toMatchObject({ status: 'failed', event: 'retry' });
    expect(outcome).toMatchObject({
      status: 'failed',
      error: 'could not claim the event: Rate exceeded (ThrottlingException)',
    });
    expect(state.failures).toEqual([
      expect.objectContaining({
        eventKey: 'scaling:event-1',
        error: 'could not claim the event: Rate exceeded (ThrottlingException)',
      }),
    ]);
    expect(group.sets).toEqual([]);
  });

  it('keeps a completed scale-out when the lease cannot be released, and records the release', async () => {
    const { deps, group, lock } = fakeDeps({ metrics: { cpu: 90, memory: 50 } });
    lock.release = async () => {
      throw throttled();
    };
    const { outcome, record } = await runScaling(deps, request());
    expect(outcome).toMatchObject({ status: 'decided', action: 'scaled' });
    expect(record).toMatchObject({ status: 'acted', event: 'done' });
    expect(record.problems).toEqual([expect.objectContaining({ kind: 'lock-release' })]);
    expect(group.sets).toHaveLength(1);
  });
});

describe('runScaling: edge cases', () => {
  it('refuses to decide on a group read without its bounds, and records the failure', async () => {
    const { deps, group, state } = fakeDeps({ metrics: { cpu: 60, memory: 50 } });
    group.state = { ...groupOf(6), minCapacity: Number.NaN, maxCapacity: Number.NaN };
    const { outcome, record } = await runScaling(deps, request());
    expect(outcome).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/^the group was read without usable bounds/),
    });
    expect(record).toMatchObject({ status: 'failed', event: 'retry' });
    expect(group.sets).toEqual([]);
    expect(state.failures).toHaveLength(1);
  });

  it('counts a recommendation stamped in the future as made now, so a scale-in keeps its stabilisation window', async () => {
    const { deps, group, state } = fakeDeps({ metrics: { cpu: 20, memory: 20 } });
    const ahead = await outcomeOf(fakeDeps({ metrics: { cpu: 60, memory: 50 } }).deps, request());
    if (ahead.status !== 'decided') throw new Error('expected a decision');
    // A run on a clock 5 s ahead recommended keeping 4.
    state.decisions.push({
      eventKey: 'scaling:skewed',
      trigger: 'schedule',
      reason: 'schedule',
      decision: { ...ahead.decision, time: NOW + 5_000, recommendation: 4 },
      action: 'none',
      policySource: 'default',
      skipped: [],
    });
    const outcome = await outcomeOf(deps, request());
    expect(outcome).toMatchObject({ status: 'decided', decision: { direction: 'none', desired: 4 } });
    if (outcome.status !== 'decided') throw new Error('expected a decision');
    expect(outcome.decision.explanation.limits.map((l) => l.kind)).toContain('stabilisation');
    expect(group.sets).toEqual([]);
  });

  it("runs the cooldown from the engine's own recorded scale-out when the group's history lacks it", async () => {
    const { deps, group, clock } = fakeDeps({ metrics: { cpu: 90, memory: 50 } });
    await outcomeOf(deps, request('scaling:first'));
    expect(group.sets).toHaveLength(1);
    // The activity history does not show the change yet; an alarm 20 s later asks again.
    group.state = groupOf(group.sets[0]!);
    group.activities = [];
    clock.advance(20_000);
    const again = await outcomeOf(deps, request('scaling:alarm', { trigger: 'alarm' }));
    if (again.status !== 'decided') throw new Error('expected a decision');
    expect(again.decision.explanation.limits.map((l) => l.kind)).toContain('cooldown');
    expect(group.sets).toHaveLength(1);
  });

  it('holds the fleet alerts for the effective policy warm-up after a scale-out, and never after a scale-in', async () => {
    const out = fakeDeps({ metrics: { cpu: 90, memory: 50 } });
    out.state.override = { document: { ...defaultPolicyInput, warmupSeconds: 240 } };
    await outcomeOf(out.deps, request());
    expect(out.holds.holds).toEqual([
      {
        component: 'fleet',
        reason: 'scale-out',
        startedAt: NOW,
        until: NOW + 240_000,
        setBy: `scaling ${GROUP} run-scaling:event-1`,
      },
    ]);
    const inward = fakeDeps({ metrics: { cpu: 20, memory: 20 } });
    await outcomeOf(inward.deps, request());
    expect(inward.group.sets).toEqual([2]);
    expect(inward.holds.holds).toEqual([]);
  });

  it('scales out all the same when the hold cannot be written, and says so', async () => {
    const { deps, group, holds } = fakeDeps({ metrics: { cpu: 90, memory: 50 } });
    holds.error = throttled();
    const outcome = await outcomeOf(deps, request());
    expect(outcome).toMatchObject({
      status: 'decided',
      action: 'scaled',
      problems: ['alert hold on the fleet failed: Rate exceeded (ThrottlingException)'],
    });
    expect(group.sets).toHaveLength(1);
  });
});
