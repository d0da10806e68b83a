import { defaultPolicyInput } from '../../../../functions/core/scaling/default-policy';
import { runScaling, type ScalingRequest } from '../../../../functions/core/scaling/service';
import { fakeDeps, GROUP, groupOf, NOW, throttled } from './service-fakes';

const request = (eventKey = 'scaling:event-1', extra: Partial<ScalingRequest> = {}): ScalingRequest => ({
  eventKey,
  runId: `run-${eventKey}`,
  trigger: 'schedule',
  reason: 'schedule at 2024-03-04T12:00:00Z',
  ...extra,
});

describe('runScaling', () => {
  it('scales out on high load, records the explained decision and tells the info topic', async () => {
    const { deps, group, state, notifier } = fakeDeps({ metrics: { cpu: 90, memory: 50 } });
    const outcome = await runScaling(deps, request(), NOW);
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
    const outcome = await runScaling(deps, request(), NOW);
    expect(outcome).toMatchObject({
      status: 'decided',
      action: 'scaled',
      decision: { direction: 'in', desired: 2 },
    });
    expect(group.sets).toEqual([2]);
  });

  it('reads activities back far enough for cooldowns, rate periods and warm-up, and metrics over the window', async () => {
    const { deps, group, metrics } = fakeDeps();
    await runScaling(deps, request(), NOW);
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
    const { deps, group, state } = fakeDeps({ metrics: { cpu: 90, memory: 50 } });
    await runScaling(deps, request(), NOW);
    const second = await runScaling(deps, request(), NOW + 1000);
    expect(second).toEqual({ status: 'duplicate', eventKey: 'scaling:event-1' });
    expect(group.sets).toHaveLength(1);
    expect(state.decisions).toHaveLength(1);
  });

  it('lets only one of two concurrent runs act', async () => {
    const { deps, group } = fakeDeps({ metrics: { cpu: 90, memory: 50 } });
    let open!: () => void;
    group.gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    const first = runScaling(deps, request('scaling:a'), NOW);
    // Let the first run claim its event and take the lock before the second starts.
    await new Promise((resolve) => setImmediate(resolve));
    const second = await runScaling(deps, request('scaling:b'), NOW);
    open();
    expect(second).toEqual({ status: 'busy', eventKey: 'scaling:b' });
    expect(await first).toMatchObject({ status: 'decided', action: 'scaled' });
    expect(group.sets).toHaveLength(1);
  });

  it('does not scale in when the metrics read fails, and reports every metric it skipped', async () => {
    const { deps, group, metrics, state } = fakeDeps({ metrics: { cpu: 20, memory: 20 } });
    metrics.readError = throttled();
    const outcome = await runScaling(deps, request(), NOW);
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
    const outcome = await runScaling(deps, request(), NOW);
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
    const outcome = await runScaling(deps, request(), NOW);
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
    const outcome = await runScaling(deps, request(), NOW);
    expect(outcome).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/recommendation history/),
    });
    expect(group.sets).toEqual([]);
  });

  it('never calls SetDesiredCapacity in a deployment-wide dry run, nor when the request asks', async () => {
    for (const options of [{ dryRun: true }, {}]) {
      const { deps, group, notifier } = fakeDeps({ metrics: { cpu: 90, memory: 50 }, ...options });
      const outcome = await runScaling(deps, request('scaling:dry', { dryRun: true }), NOW);
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
    await runScaling(deps, request('scaling:manual:1', { trigger: 'manual', dryRun: false }), NOW);
    expect(group.sets).toEqual([]);
  });

  it('warns when at max and still breaching, and repeats the warning only after the reminder interval', async () => {
    const { deps, group, notifier } = fakeDeps({ group: groupOf(4, 2, 4), metrics: { cpu: 95, memory: 50 } });
    const first = await runScaling(deps, request('scaling:1'), NOW);
    expect(first).toMatchObject({
      status: 'decided',
      action: 'none',
      notified: ['warning'],
      decision: { saturated: true },
    });
    expect(group.sets).toEqual([]);
    expect(notifier.saturatedDecisions).toHaveLength(1);
    await runScaling(deps, request('scaling:2'), NOW + 60_000);
    expect(notifier.saturatedDecisions).toHaveLength(1);
    await runScaling(deps, request('scaling:3'), NOW + 1_800_000);
    expect(notifier.saturatedDecisions).toHaveLength(2);
  });

  it('uses the operator override stored in the state table', async () => {
    const { deps, group, state } = fakeDeps({ metrics: { cpu: 90, memory: 50 } });
    state.override = { document: { ...defaultPolicyInput, maxCapacity: 5 }, updatedBy: 'ops' };
    const outcome = await runScaling(deps, request(), NOW);
    expect(outcome).toMatchObject({ status: 'decided', policySource: 'override', decision: { desired: 5 } });
    expect(group.sets).toEqual([5]);
  });

  it('falls back to the deployed default when the stored override is invalid, and reports it', async () => {
    const { deps, group, state } = fakeDeps({ metrics: { cpu: 90, memory: 50 } });
    state.override = { document: { ...defaultPolicyInput, maxCapacity: 5, minCapacity: 9 } };
    const outcome = await runScaling(deps, request(), NOW);
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
    const outcome = await runScaling(deps, request(), NOW);
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
    const outcome = await runScaling(deps, request(), NOW);
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
    const outcome = await runScaling(deps, request(), NOW);
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
    expect(await runScaling(deps, request(), NOW)).toMatchObject({ status: 'decided' });
    expect(heldDuringRead).toEqual([[`scaling#${GROUP}`]]);
    expect(lock.leases.size).toBe(0);
  });
});
