import type { Hold } from '../../../../functions/core/alerting/silences';
import { runScaling, type ScalingRequest } from '../../../../functions/core/scaling/service';
import {
  createScalingHandler,
  type ScalingHandlerDeps,
} from '../../../../functions/handlers/scaling/handler';
import type { MetricsSink } from '../../../../functions/handlers/scaling/metrics';
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
  const sink: MetricsSink = {
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
  const holds: Hold[] = [];
  const hold = { failWith: undefined as Error | undefined };
  const deps: ScalingHandlerDeps = {
    groupName: 'misybot-fleet',
    run: (request, now) => {
      requests.push(request);
      return runScaling(fakes.deps, request, now);
    },
    holds: {
      setHold: async (written) => {
        if (hold.failWith) throw hold.failWith;
        holds.push(written);
      },
    },
    warmupSeconds: 240,
    metrics: sink,
    log: { info: log('info'), warn: log('warn'), error: log('error') },
    now: () => NOW,
  };
  return { ...fakes, handler: createScalingHandler(deps), emitted, logs, requests, holds, hold };
}

const context = { awsRequestId: 'req-1' };

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
        message: expect.stringMatching(/^scale out 4 → /),
        extra: expect.objectContaining({
          trigger: 'schedule',
          action: 'scaled',
          explanation: expect.any(Object),
        }),
      }),
    ]);
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
    });
    expect(response).toMatchObject({
      ok: true,
      action: 'dry-run',
      explanationText: expect.stringContaining('policies:'),
    });
    expect(group.sets).toEqual([]);
  });

  it('rejects a bad direct invoke, naming the fields, without running', async () => {
    const { handler, requests } = setup();
    await expect(handler({ dryRun: 'yes', reason: '', extra: 1 }, context)).resolves.toEqual({
      ok: false,
      error: 'InputError',
      message: expect.stringMatching(
        /^Invalid scaling request: .*dryRun: .*boolean.*; reason: .*; \(root\): .*extra/,
      ),
    });
    await expect(handler(null, context)).resolves.toMatchObject({ ok: false, error: 'InputError' });
    expect(requests).toEqual([]);
  });

  it('fails an EventBridge event it has no rule for', async () => {
    const { handler, requests } = setup();
    await expect(
      handler({ ...scheduled, 'detail-type': 'EC2 Instance State-change Notification' }, context),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringContaining('detail-type'),
    });
    await expect(handler({ ...alarm, detail: { alarmName: 'x' } }, context)).rejects.toThrow(/detail\.state/);
    expect(requests).toEqual([]);
  });

  it('fails the invocation when the run could not decide, after recording the failure metric', async () => {
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
    expect(logs[0]).toMatchObject({ level: 'error' });
    await expect(handler({ dryRun: false, reason: 'now' }, { awsRequestId: 'req-2' })).resolves.toMatchObject(
      {
        ok: false,
        error: 'ScalingRunError',
      },
    );
  });

  it('does nothing and emits nothing for a duplicate delivery', async () => {
    const { handler, group, emitted } = setup({ metrics: { cpu: 90, memory: 50 } });
    await handler(scheduled, context);
    const count = emitted.length;
    await expect(handler(scheduled, { awsRequestId: 'req-2' })).resolves.toEqual({
      ok: true,
      status: 'duplicate',
      eventKey: 'scaling:53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa',
    });
    expect(group.sets).toHaveLength(1);
    expect(emitted).toHaveLength(count);
  });
});

describe('scaling handler: alert hold after a scale-out', () => {
  it("holds the fleet's symptom alerts until the new instances have warmed up", async () => {
    const { handler, holds, group } = setup({ metrics: { cpu: 90, memory: 50 } });
    await handler(scheduled, context);
    expect(group.sets).toHaveLength(1);
    expect(holds).toEqual([
      {
        component: 'fleet',
        reason: 'scale-out',
        startedAt: NOW,
        until: NOW + 240_000,
        setBy: 'scaling misybot-fleet req-1',
      },
    ]);
  });

  it('holds nothing on a dry run, a scale-in, no change or a duplicate', async () => {
    const dry = setup({ metrics: { cpu: 90, memory: 50 } });
    await dry.handler({ dryRun: true, reason: 'what if' }, context);
    expect(dry.holds).toEqual([]);
    const scaleIn = setup({ metrics: { cpu: 5, memory: 5 } });
    await expect(scaleIn.handler(scheduled, context)).resolves.toMatchObject({
      action: 'scaled',
      decision: { direction: 'in' },
    });
    expect(scaleIn.holds).toEqual([]);
    const none = setup({ metrics: { cpu: 50, memory: 50 } });
    await expect(none.handler(scheduled, context)).resolves.toMatchObject({ action: 'none' });
    expect(none.holds).toEqual([]);
  });

  it('scales out all the same when the hold cannot be written, and says so in a warning', async () => {
    const { handler, holds, hold, group, logs } = setup({ metrics: { cpu: 90, memory: 50 } });
    hold.failWith = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    await expect(handler(scheduled, context)).resolves.toMatchObject({ ok: true, action: 'scaled' });
    expect(group.sets).toHaveLength(1);
    expect(holds).toEqual([]);
    expect(logs.at(-1)).toMatchObject({
      level: 'warn',
      message: 'scaling: could not set the alert hold on fleet',
      extra: { component: 'fleet', error: hold.failWith },
    });
  });
});
