import { SetDesiredCapacityCommand } from '@aws-sdk/client-auto-scaling';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { parseFailoverEnvironment } from '../../../functions/handlers/failover/config';
import { parseInvocation } from '../../../functions/handlers/failover/events';
import type { AsyncEvent } from '../../../local/driver/async-invoker';
import type { LocalPlatform } from '../../../local/platform/local-platform';
import type { Fault } from '../../../local/proxy/faults';
import { alarmOn, callsTo, groupName, invocationsOf } from '../../../local/views/platform-views';
import { stateItems } from '../../../local/views/state-table';
import { minutes, startPlatform } from '../support/platform';
import { saveTimeline } from '../support/timeline';

// Scenario 7: throttling and 5xx at each step of scenarios 1 and 3. Each AWS call a scaling run
// makes (found by watching a clean run) fails in turn, past the SDK's own retries, on a run
// triggered by the fleet CPU alarm; then, while the Aurora writer is down, every step of the
// failover function fails once. No event is lost (each ends done, or parked in the function's
// on-failure queue), no action leaves the bounds or happens twice, and every run is recorded.

const FAULTS: readonly Fault[] = [{ kind: 'throttle' }, { kind: 'server-error', status: 500 }];
// More than any SDK client of the functions retries (at most 4 attempts).
const PAST_RETRIES = 5;

let platform: LocalPlatform;
let start: number;
let steps: { service: string; operation: string; occurrence: number }[] = [];
const scalingEvents: AsyncEvent[] = [];
let failoverFrom: number;
let failoverEvents: AsyncEvent[] = [];
let writerBefore: string | undefined;
let writerAfter: string | undefined;
const queues: Record<string, string[]> = {};
let stateText = '';

function alarmEvent(platform: LocalPlatform, seq: number): AsyncEvent {
  const alarm = alarmOn(platform, 'AWS/EC2', 'CPUUtilization', groupName(platform));
  const before = platform.invoker.events.length;
  const at = new Date(platform.clock.now()).toISOString().replace('Z', '+0000');
  platform.bus.put({
    source: 'aws.cloudwatch',
    detailType: 'CloudWatch Alarm State Change',
    resources: [String(alarm.attributes.Arn)],
    detail: {
      alarmName: alarm.physicalId,
      state: { value: 'ALARM', reason: `fault run ${seq}`, timestamp: at },
      previousState: { value: 'OK', reason: 'steady', timestamp: at },
    },
  });
  const event = platform.invoker.events.slice(before).find((e) => e.service === 'scaling');
  if (!event) throw new Error('the CPU alarm state change reached no scaling rule');
  return event;
}

async function resetFleet(): Promise<void> {
  await platform.emulator.autoScaling.send(
    new SetDesiredCapacityCommand({ AutoScalingGroupName: groupName(platform), DesiredCapacity: 2 }),
  );
}

beforeAll(async () => {
  platform = await startPlatform();
  start = platform.clock.now();
  // Schedules are off: the runs are the scenario's alarm events, one at a time, so each fault
  // hits one known run.
  const schedules = platform.model.rules.filter((rule) => rule.scheduleExpression !== undefined);
  for (const rule of schedules) platform.bus.setEnabled(rule.name, false);
  platform.fleet.setLoad(420);
  await platform.runFor(minutes(2));

  const scaling = platform.model.fn('scaling').name;
  const clean = alarmEvent(platform, 0);
  scalingEvents.push(clean);
  await platform.runFor(minutes(1));
  const run = platform.invocations.find((i) => i.requestId === clean.requestId)!;
  const seen = new Map<string, number>();
  steps = platform.calls
    .filter((c) => c.caller === scaling && c.at >= run.startedAt && c.at <= run.endedAt)
    .map((c) => {
      const key = `${c.service}:${c.operation}`;
      seen.set(key, (seen.get(key) ?? 0) + 1);
      return { service: c.service, operation: c.operation, occurrence: seen.get(key)! };
    });

  let seq = 1;
  for (const step of steps) {
    for (const fault of FAULTS) {
      await resetFleet();
      // Past the scale-out cooldown of the run before, so each run means to act.
      await platform.runFor(minutes(3));
      const remove = platform.faults.add({
        name: `${step.service}:${step.operation}#${step.occurrence} ${fault.kind}`,
        service: step.service,
        operation: step.operation,
        caller: scaling,
        skip: step.occurrence - 1,
        times: PAST_RETRIES,
        fault,
      });
      scalingEvents.push(alarmEvent(platform, seq++));
      await platform.runFor(minutes(1));
      remove();
    }
  }

  // Scenario 3 with a fault at each step of the failover function, once each.
  for (const rule of schedules) platform.bus.setEnabled(rule.name, true);
  platform.fleet.setLoad(100);
  await resetFleet();
  await platform.runFor(minutes(1));
  failoverFrom = platform.clock.now();
  const failover = platform.model.fn('failover').name;
  writerBefore = (await platform.database.roles()).writer;
  const operations = [
    'DescribeDBClusters',
    'DescribeDBInstances',
    'GetMetricData',
    'GetItem',
    'PutItem',
    'TransactWriteItems',
    'FailoverDBCluster',
    'Publish',
    'DeleteItem',
  ];
  const removals = operations.map((operation, index) =>
    platform.faults.add({
      name: `failover ${operation}`,
      operation,
      caller: failover,
      times: PAST_RETRIES,
      fault: FAULTS[index % 2]!,
    }),
  );
  await platform.database.fail(writerBefore!);
  await platform.runFor(minutes(8));
  for (const remove of removals) remove();
  writerAfter = (await platform.database.roles()).writer;
  failoverEvents = platform.invoker.events.filter(
    (e) => e.service === 'failover' && e.receivedAt >= failoverFrom,
  );
  queues.scaling = await parked('scaling');
  queues.failover = await parked('failover');
  stateText = JSON.stringify(await stateItems(platform, ''));
});

afterAll(async () => {
  if (platform) saveTimeline(platform, start, 'faults');
  await platform?.stop();
});

/** The request ids of the invocation records in a function's on-failure queue (read once). */
async function parked(service: string): Promise<string[]> {
  const fn = platform.model.fn(service);
  const url = platform.model.deployment
    .ofType('AWS::SQS::Queue')
    .find((q) => q.attributes.Arn === fn.onFailure)?.physicalId;
  const ids: string[] = [];
  for (;;) {
    const page = await platform.emulator.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url!, MaxNumberOfMessages: 10, VisibilityTimeout: 600 }),
    );
    if (!page.Messages?.length) return ids;
    for (const message of page.Messages) {
      ids.push(
        (JSON.parse(message.Body ?? '{}') as { requestContext?: { requestId?: string } }).requestContext
          ?.requestId ?? '',
      );
    }
  }
}

test('injects each fault at each step of a scaling run', () => {
  expect(steps.length).toBeGreaterThanOrEqual(5);
  expect(steps.some((s) => s.operation === 'SetDesiredCapacity')).toBe(true);
  const applied = new Set(platform.faults.applied.map((a) => `${a.service}:${a.operation}:${a.fault}`));
  for (const step of steps)
    for (const fault of FAULTS) expect(applied).toContain(`${step.service}:${step.operation}:${fault.kind}`);
});

test('loses no scaling event: each ends done, or parked in the on-failure queue', async () => {
  for (const event of scalingEvents) {
    expect(event.state).not.toBe('pending');
    if (event.state === 'failed') expect(queues.scaling).toContain(event.requestId);
  }
});

test('never scales out of bounds, nor twice for one event', () => {
  const scaling = platform.model.fn('scaling').name;
  for (const event of scalingEvents) {
    const runs = platform.invocations.filter((i) => i.requestId === event.requestId);
    const sets = platform.calls.filter(
      (c) =>
        c.operation === 'SetDesiredCapacity' &&
        c.caller === scaling &&
        c.status === 200 &&
        runs.some((r) => c.at >= r.startedAt && c.at <= r.endedAt),
    );
    expect(sets.length).toBeLessThanOrEqual(1);
  }
  for (const call of callsTo(platform, 'SetDesiredCapacity', start)) {
    expect(Number(call.params.DesiredCapacity)).toBeGreaterThanOrEqual(2);
    expect(Number(call.params.DesiredCapacity)).toBeLessThanOrEqual(10);
  }
});

/**
 * The failover function's ledger keys for the triggers of one delivery (`health:database:<at>`,
 * not the EventBridge event's id), read with its own parser and the template's environment.
 */
function failoverClaims(event: unknown): string[] {
  const config = parseFailoverEnvironment(platform.model.fn('failover').environment as NodeJS.ProcessEnv);
  const invocation = parseInvocation(event, config);
  if (invocation.kind !== 'triggers') return [];
  return invocation.triggers.map((trigger) => `EVENT#failover#${trigger.component}#${trigger.id}`);
}

/**
 * A run is recorded when the state table names its request or its event (for the failover
 * function, the ledger's claim of one of its triggers), or its queue holds it.
 */
function recorded(service: string, run: { requestId: string; event: unknown }): boolean {
  const eventId = (run.event as { id?: string }).id;
  const claims = service === 'failover' ? failoverClaims(run.event) : [];
  return (
    stateText.includes(run.requestId) ||
    (eventId !== undefined && stateText.includes(eventId)) ||
    claims.some((claim) => stateText.includes(claim)) ||
    (queues[service] ?? []).includes(run.requestId)
  );
}

test('records every scaling run in the state table, or parks it with its error', () => {
  for (const run of invocationsOf(platform, 'scaling', start)) {
    expect({ run: run.requestId, recorded: recorded('scaling', run) }).toEqual({
      run: run.requestId,
      recorded: true,
    });
  }
});

test('fails the database over exactly once despite a fault at each step, and loses no event', async () => {
  const promotions = callsTo(platform, 'FailoverDBCluster', failoverFrom).filter((c) => c.status === 200);
  expect(promotions).toHaveLength(1);
  expect(writerAfter).not.toBe(writerBefore);
  for (const event of failoverEvents) {
    expect(event.state).not.toBe('pending');
    if (event.state === 'failed') expect(queues.failover).toContain(event.requestId);
  }
  for (const run of invocationsOf(platform, 'failover', failoverFrom)) {
    expect({ run: run.requestId, recorded: recorded('failover', run) }).toEqual({
      run: run.requestId,
      recorded: true,
    });
  }
});
