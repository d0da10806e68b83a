import type { LocalPlatform } from '../../../local/platform/local-platform';
import type { InvocationRecord } from '../../../local/runtime/function-runner';
import { chatMessages } from '../../../local/views/alerts';
import { alarmOn, callsTo, fleetSize, groupName, invocationsOf } from '../../../local/views/platform-views';
import { type StateItem, stateItems } from '../../../local/views/state-table';
import { minutes, startPlatform, waitOutGuard } from '../support/platform';
import { saveTimeline } from '../support/timeline';

// Scenario 1: a load surge. The fleet runs at half its CPU, then load quadruples: the CPU alarm
// fires, the scaling function scales out within the group's bounds, the new instances fail their
// first health checks while they boot and those symptom alerts are held; a redelivered event
// changes nothing; when the load is gone, the fleet scales in only after the stabilisation window.

let platform: LocalPlatform;
let start: number;
let surgeAt: number;
let dropAt: number;
let redelivered: InvocationRecord | undefined;
let desiredAfterSurge: number;

const STABILISATION_MS = 600_000;

beforeAll(async () => {
  platform = await startPlatform();
  start = platform.clock.now();
  platform.fleet.setLoad(100);
  platform.fleet.failNewTargetsFor(minutes(2));
  await platform.runFor(minutes(2));

  surgeAt = platform.clock.now();
  platform.fleet.setLoad(420);
  await platform.runFor(minutes(7));
  desiredAfterSurge = (await fleetSize(platform)).desired;

  // EventBridge delivers at least once: the event behind the first scale-out arrives again.
  const firstScaleOut = callsTo(platform, 'SetDesiredCapacity', surgeAt)[0];
  const cause = invocationsOf(platform, 'scaling', surgeAt).find(
    (i) => firstScaleOut && i.startedAt <= firstScaleOut.at && firstScaleOut.at <= i.endedAt,
  );
  if (cause) {
    const before = platform.invocations.length;
    platform.invoker.invoke(platform.model.fn('scaling'), cause.event, 'events', 'redelivery');
    await platform.runFor(1000);
    redelivered = platform.invocations.slice(before).find((i) => i.event === cause.event);
  }

  dropAt = platform.clock.now();
  platform.fleet.setLoad(60);
  // The holds are over: the stabilisation window is the scaling function's alone.
  await waitOutGuard(platform, minutes(13));
});

afterAll(async () => {
  if (platform) saveTimeline(platform, start, 'load-surge');
  await platform?.stop();
});

function decisions(items: StateItem[]) {
  return items
    .filter((item) => String(item.sk).startsWith('DECISION#'))
    .map(
      (item) =>
        item as StateItem & {
          time: number;
          current: number;
          desired: number;
          direction: string;
          recommendation: number;
          summary: string;
        },
    );
}

test('the fleet CPU alarm fires during the surge and its state change runs the scaling function', () => {
  const alarm = alarmOn(platform, 'AWS/EC2', 'CPUUtilization', groupName(platform));
  const fired = platform.alarms.transitions.find((t) => t.alarmName === alarm.physicalId && t.to === 'ALARM');
  expect(fired?.at).toBeGreaterThan(surgeAt);
  const triggered = invocationsOf(platform, 'scaling', surgeAt).filter(
    (i) => (i.event as { 'detail-type'?: string })['detail-type'] === 'CloudWatch Alarm State Change',
  );
  expect(triggered.length).toBeGreaterThanOrEqual(1);
  expect(triggered.every((i) => i.outcome.status === 'succeeded')).toBe(true);
});

test('scales out during the surge, every capacity change inside [min, max] and accepted by the group', async () => {
  const changes = callsTo(platform, 'SetDesiredCapacity', start);
  expect(changes.length).toBeGreaterThanOrEqual(1);
  for (const change of changes) {
    expect(change.caller).toBe(platform.model.fn('scaling').name);
    expect(change.status).toBe(200);
    expect(Number(change.params.DesiredCapacity)).toBeGreaterThanOrEqual(2);
    expect(Number(change.params.DesiredCapacity)).toBeLessThanOrEqual(10);
  }
  expect(changes[0]!.at).toBeGreaterThan(surgeAt);
  expect(changes[0]!.at - surgeAt).toBeLessThan(minutes(3));
  expect(desiredAfterSurge).toBeGreaterThanOrEqual(4);
  expect(desiredAfterSurge).toBeLessThanOrEqual(10);
});

test("holds the fleet's symptom alerts while the new instances boot, then sends one summary", async () => {
  const holds = await stateItems(platform, 'HOLD');
  const hold = holds.find((item) => item.sk === 'fleet#scale-out') as
    | (StateItem & { startedAt: number; until: number })
    | undefined;
  expect(hold).toBeDefined();
  // The hold lasts the group's warm-up (300 s) from the scale-out.
  expect(hold!.until - hold!.startedAt).toBe(300_000);
  const incidents = (await stateItems(platform, 'INCIDENT#fleet')) as (StateItem & {
    openedAt: number;
    held?: { reasons: string[] };
  })[];
  const duringSurge = incidents.filter(
    (incident) => incident.openedAt > surgeAt && incident.openedAt < dropAt,
  );
  expect(duringSurge.length).toBeGreaterThanOrEqual(1);
  for (const incident of duringSurge) expect(incident.held?.reasons).toContain('scale-out');
  const chat = chatMessages(platform).filter((m) => m.at > surgeAt && /incident fleet@/.test(m.text));
  expect(chat).toEqual([]);
  const summaries = platform.network.receiver.deliveries.filter(
    (d) => d.host === 'hooks.example.com' && d.at > surgeAt && d.body.includes('fleet'),
  );
  expect(summaries.length).toBeGreaterThanOrEqual(1);
});

test('a redelivered event that scaled out changes nothing', async () => {
  expect(redelivered).toBeDefined();
  expect(redelivered!.outcome.status).toBe('succeeded');
  const during = callsTo(platform, 'SetDesiredCapacity', redelivered!.startedAt).filter(
    (c) => c.at <= redelivered!.endedAt,
  );
  expect(during).toEqual([]);
  const written = decisions(await stateItems(platform, `SCALING#${groupName(platform)}`)).filter(
    (d) => d.time >= redelivered!.startedAt && d.time <= redelivered!.endedAt,
  );
  expect(written).toEqual([]);
});

test('scales in only after the stabilisation window, never below the minimum', async () => {
  const all = decisions(await stateItems(platform, `SCALING#${groupName(platform)}`));
  const scaleIns = all.filter((d) => d.direction === 'in' && d.time > dropAt);
  expect(scaleIns.length).toBeGreaterThanOrEqual(1);
  for (const scaleIn of scaleIns) {
    expect(scaleIn.desired).toBeGreaterThanOrEqual(2);
    // Every recommendation of the preceding window was at least as high as the new capacity.
    const window = all.filter((d) => d.time >= scaleIn.time - STABILISATION_MS && d.time < scaleIn.time);
    expect(window.length).toBeGreaterThan(0);
    expect(Math.min(...window.map((d) => d.recommendation))).toBeGreaterThanOrEqual(scaleIn.desired);
    const lastOut = all.filter((d) => d.direction === 'out' && d.time < scaleIn.time).at(-1);
    expect(scaleIn.time - lastOut!.time).toBeGreaterThanOrEqual(STABILISATION_MS);
  }
  expect((await fleetSize(platform)).desired).toBeLessThan(desiredAfterSurge);
});

test('records a decision with its explanation for every scheduled and alarm run', async () => {
  const all = decisions(await stateItems(platform, `SCALING#${groupName(platform)}`));
  const runs = invocationsOf(platform, 'scaling', start).filter((i) => i !== redelivered);
  expect(all.length).toBeGreaterThanOrEqual(runs.length);
  for (const decision of all) expect(decision.summary).toMatch(/^(hold at|scale (out|in)) \d+/);
});
