import type { SingleMetricSink } from '../../../../functions/core/metrics-sink';
import { runScaling, type ScalingRequest } from '../../../../functions/core/scaling/service';
import {
  createScalingHandler,
  type ScalingHandlerDeps,
} from '../../../../functions/handlers/scaling/handler';
import { fakeDeps, NOW, throttled } from '../../core/scaling/service-fakes';

const scheduled = {
  version: '0',
  id: '53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '123456789012',
  time: '2024-03-04T12:00:00Z',
  region: 'eu-west-1',
  resources: ['arn:aws:events:eu-west-1:123456789012:rule/misybot-scaling'],
  detail: {},
};
const alarm = {
  version: '0',
  id: 'c4c1c1c9-6542-e61b-6ef0-8c4d36933a92',
  'detail-type': 'CloudWatch Alarm State Change',
  source: 'aws.cloudwatch',
  account: '123456789012',
  time: '2024-03-04T12:00:10Z',
  region: 'eu-west-1',
  resources: ['arn:aws:cloudwatch:eu-west-1:123456789012:alarm:misybot-asg-cpu'],
  detail: {
    alarmName: 'misybot-asg-cpu',
    state: {
      value: 'ALARM',
      reason: 'Threshold Crossed: 3 datapoints were greater than 80',
      timestamp: '2024-03-04T12:00:10.000+0000',
    },
    previousState: { value: 'OK', timestamp: '2024-03-04T11:00:00.000+0000' },
    configuration: { metrics: [] },
  },
};

/** A Powertools-shaped sink recording `[name, value, dimensions]`. */
function recordingSink() {
  const emitted: { name: string; value: number; dimensions: Record<string, string> }[] = [];
  const sink: SingleMetricSink = {
    singleMetric() {
      const dimensions: Record<string, string> = {};
      const metric = {
        addDimension(name: string, value: string) {
          dimensions[name] = value;
          return metric;
        },
        addMetric(name: string, _unit: 'Count', value: number) {
          emitted.push({ name, value, dimensions: { ...dimensions } });
        },
      };
      return metric;
    },
  };
  return { sink, emitted };
}

function setup(options: Parameters<typeof fakeDeps>[0] = {}) {
  const fakes = fakeDeps(options);
  const { sink, emitted } = recordingSink();
  const logs: { level: string; message: string; extra: Record<string, unknown> }[] = [];
  const log = (level: string) => (message: string, extra: Record<string, unknown>) =>
    logs.push({ level, message, extra });
  const requests: ScalingRequest[] = [];
  const deps: ScalingHandlerDeps = {
    groupName: 'misybot-fleet',
    run: (request) => {
      requests.push(request);
      return runScaling(fakes.deps, request);
    },
    metrics: sink,
    log: { info: log('info'), warn: log('warn'), error: log('error') },
    now: fakes.clock.now,
  };
  return { ...fakes, handler: createScalingHandler(deps), emitted, logs, requests };
}

const contextOf = (awsRequestId: string) => ({ awsRequestId, getRemainingTimeInMillis: () => 60_000 });
const context = contextOf('req-1');

describe('scaling handler', () => {
  it('evaluates on a scheduled event, keyed by the event id, and publishes the decision as metrics', async () => {
    const { handler, requests, group, emitted, logs } = setup({ metrics: { cpu: 90, memory: 50 } });
    const response = await handler(scheduled, context);
    expect(requests).toEqual([
      {
        eventKey: 'scaling:53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa',
        runId: 'req-1',
        trigger: 'schedule',
        reason: 'schedule at 2024-03-04T12:00:00Z',
        deadline: NOW + 60_000,
      },
    ]);
    expect(response).toMatchObject({ ok: true, status: 'decided', action: 'scaled' });
    expect(group.sets).toHaveLength(1);
    const desired = group.sets[0]!;
    const dims = { AutoScalingGroupName: 'misybot-fleet' };
    expect(emitted).toEqual(
      expect.arrayContaining([
        { name: 'ScalingCurrentCapacity', value: 4, dimensions: dims },
        { name: 'ScalingDesiredCapacity', value: desired, dimensions: dims },
        { name: 'ScalingActions', value: 1, dimensions: dims },
        { name: 'ScalingSaturated', value: 0, dimensions: dims },
        { name: 'ScalingSkippedReads', value: 0, dimensions: dims },
      ]),
    );
    expect(emitted.map((e) => e.name)).toContain('ScalingRecommendation');
    expect(logs).toEqual([
      expect.objectContaining({
        level: 'info',
        message: 'run record',
        extra: expect.objectContaining({
          trigger: 'schedule',
          action: 'scaled',
          summary: expect.stringMatching(/^scale out 4 → /),
          explanation: expect.any(Object),
          run: expect.objectContaining({ fn: 'scaling', status: 'acted', event: 'done' }),
        }),
      }),
    ]);
    expect(emitted).toContainEqual({ name: 'ControlRuns', value: 1, dimensions: { Status: 'acted' } });
  });

  it('evaluates on an alarm state change and keeps the alarm as the reason', async () => {
    const { handler, requests } = setup();
    await handler(alarm, context);
    expect(requests[0]).toMatchObject({
      eventKey: 'scaling:c4c1c1c9-6542-e61b-6ef0-8c4d36933a92',
      trigger: 'alarm',
      reason: 'alarm misybot-asg-cpu OK → ALARM: Threshold Crossed: 3 datapoints were greater than 80',
    });
  });

  it('counts limits per kind', async () => {
    const { handler, emitted, group } = setup({ metrics: { cpu: 90, memory: 50 } });
    // A scale-out 30 s ago: the 120 s scale-out cooldown holds this one.
    group.activities = [{ startTime: NOW - 30_000, fromCapacity: 2, toCapacity: 4 }];
    await handler(scheduled, context);
    expect(group.sets).toEqual([]);
    expect(emitted.filter((e) => e.name === 'ScalingLimited')).toEqual([
      {
        name: 'ScalingLimited',
        value: 1,
        dimensions: { AutoScalingGroupName: 'misybot-fleet', LimitKind: 'cooldown' },
      },
    ]);
  });

  it('answers a direct invoke with the explained decision, and honours its dry run', async () => {
    const { handler, requests, group } = setup({ metrics: { cpu: 90, memory: 50 } });
    const response = await handler({ dryRun: true, reason: 'checking the new policy' }, context);
    expect(requests[0]).toEqual({
      eventKey: 'scaling:manual:req-1',
      runId: 'req-1',
      trigger: 'manual',
      reason: 'operator: checking the new policy',
      dryRun: true,
      deadline: NOW + 60_000,
    });
    expect(response).toMatchObject({
      ok: true,
      action: 'dry-run',
      explanationText: expect.stringContaining('policies:'),
    });
    expect(group.sets).toEqual([]);
  });

  it('rejects a bad direct invoke, naming the fields, without running, and records it', async () => {
    const { handler, requests, logs } = setup();
    await expect(handler({ dryRun: 'yes', reason: '', extra: 1 }, context)).resolves.toEqual({
      ok: false,
      error: 'InputError',
      message: expect.stringMatching(
        /^Invalid scaling request: .*dryRun: .*boolean.*; reason: .*; \(root\): .*extra/,
      ),
    });
    await expect(handler(null, context)).resolves.toMatchObject({ ok: false, error: 'InputError' });
    expect(requests).toEqual([]);
    expect(logs.map((l) => l.extra.run)).toEqual([
      expect.objectContaining({
        status: 'failed',
        event: 'done',
        reason: expect.stringMatching(/^rejected: /),
      }),
      expect.objectContaining({ status: 'failed', event: 'done' }),
    ]);
  });

  it('fails an EventBridge event it has no rule for, and records it', async () => {
    const { handler, requests, logs } = setup();
    await expect(
      handler({ ...scheduled, 'detail-type': 'EC2 Instance State-change Notification' }, context),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringContaining('detail-type'),
    });
    await expect(handler({ ...alarm, detail: { alarmName: 'x' } }, context)).rejects.toThrow(/detail\.state/);
    expect(requests).toEqual([]);
    expect(logs.map((l) => l.extra.run)).toEqual([
      expect.objectContaining({ status: 'failed', event: 'retry' }),
      expect.objectContaining({ status: 'failed', event: 'retry' }),
    ]);
  });

  it('fails the invocation when the run could not decide, so Lambda retries it, after recording the failure', async () => {
    const { handler, group, emitted, logs } = setup();
    group.readError = throttled();
    await expect(handler(scheduled, context)).rejects.toMatchObject({
      name: 'ScalingRunError',
      message: expect.stringContaining('could not read the group'),
    });
    expect(emitted).toContainEqual({
      name: 'ScalingFailures',
      value: 1,
      dimensions: { AutoScalingGroupName: 'misybot-fleet' },
    });
    expect(logs[0]).toMatchObject({
      level: 'error',
      message: 'run record',
      extra: { run: expect.objectContaining({ status: 'failed', event: 'retry' }) },
    });
    await expect(handler({ dryRun: false, reason: 'now' }, contextOf('req-2'))).resolves.toMatchObject({
      ok: false,
      error: 'ScalingRunError',
    });
  });

  it('does nothing for a duplicate delivery but record it as skipped', async () => {
    const { handler, group, emitted } = setup({ metrics: { cpu: 90, memory: 50 } });
    await handler(scheduled, context);
    const scalingMetrics = () => emitted.filter((e) => e.name.startsWith('Scaling')).length;
    const count = scalingMetrics();
    await expect(handler(scheduled, contextOf('req-2'))).resolves.toEqual({
      ok: true,
      status: 'skipped',
      eventKey: 'scaling:53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa',
      reason: expect.stringMatching(/^duplicate: run req-1 already handled this event/),
    });
    expect(group.sets).toHaveLength(1);
    expect(scalingMetrics()).toBe(count);
    expect(emitted).toContainEqual({ name: 'ControlRuns', value: 1, dimensions: { Status: 'skipped' } });
  });

  it('fails an event that found the group busy, so it is delivered again rather than dropped', async () => {
    const { handler, lock, group, emitted } = setup({ metrics: { cpu: 90, memory: 50 } });
    await lock.acquire('scaling#misybot-fleet', 'a-scheduled-run', 120_000, NOW);
    await expect(handler(alarm, context)).rejects.toMatchObject({
      name: 'ScalingRunError',
      message: expect.stringContaining('busy: another run holds scaling#misybot-fleet'),
    });
    expect(group.sets).toEqual([]);
    expect(emitted).toContainEqual({ name: 'ControlRunsRetried', value: 1, dimensions: {} });
  });

  it('counts a lease that could not be released, and keeps the scale-out it guarded', async () => {
    const { handler, lock, group, emitted } = setup({ metrics: { cpu: 90, memory: 50 } });
    lock.release = async () => {
      throw throttled();
    };
    await expect(handler(scheduled, context)).resolves.toMatchObject({ ok: true, action: 'scaled' });
    expect(group.sets).toHaveLength(1);
    expect(emitted).toContainEqual({ name: 'LockReleaseFailures', value: 1, dimensions: {} });
  });
});
