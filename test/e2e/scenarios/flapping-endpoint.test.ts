import type { LocalPlatform } from '../../../local/platform/local-platform';
import { chatMessages } from '../../../local/views/alerts';
import { callsTo } from '../../../local/views/platform-views';
import { type StateItem, stateItems } from '../../../local/views/state-table';
import { minutes, startPlatform } from '../support/platform';
import { saveTimeline } from '../support/timeline';

// Scenario 6: the public endpoint flaps, down for 20 seconds and up for 20, for ten minutes at
// production cadence (health rounds every 10 s with a threshold of 2, the failover function every
// minute, both on their schedules' own phases): the check keeps crossing its threshold both ways.
// Nothing fails over; a person is told the endpoint is flapping.

const OPERATOR = 'arn:aws:iam::123456789012:role/sre-operator';
let platform: LocalPlatform;
let start: number;
let flapFrom: number;
let flapUntil: number;

beforeAll(async () => {
  platform = await startPlatform();
  start = platform.clock.now();
  await platform.runFor(minutes(1));
  flapFrom = platform.clock.now();
  platform.loadBalancerOverride = (_path, now) =>
    Math.floor(now / 20_000) % 2 === 0 ? { status: 503, body: 'upstream connect error' } : undefined;
  await platform.runFor(minutes(10));
  flapUntil = platform.clock.now();
});

afterAll(async () => {
  if (platform) saveTimeline(platform, start, 'flapping-endpoint');
  await platform?.stop();
});

test('the public endpoint check is judged flapping', async () => {
  const [state] = (await stateItems(platform, 'CHECK#api-endpoint')).filter(
    (item) => item.sk === 'STATE',
  ) as (StateItem & {
    status: string;
  })[];
  expect(state?.status).toBe('flapping');
});

test('a person is told the endpoint flaps, in one open incident, not one page per cycle', async () => {
  const incidents = (
    (await stateItems(platform, 'INCIDENT#api')) as (StateItem & {
      openedAt: number;
      state: string;
      reasons: string[];
    })[]
  ).filter((i) => i.openedAt >= flapFrom);
  // The first cycle looks like an outage until the flapping is seen; from then on, one incident.
  expect(incidents.length).toBeLessThanOrEqual(2);
  const flapping = incidents.filter((i) => /flapping/i.test(i.reasons.join(' ')));
  expect(flapping).toHaveLength(1);
  expect(flapping[0]!.state).toBe('open');
  const told = chatMessages(platform).filter((m) => m.at >= flapFrom && /incident api@/.test(m.text));
  expect(told.some((m) => /flapping/i.test(m.text))).toBe(true);
  // Fifteen cycles in ten minutes: far fewer messages than cycles.
  expect(told.length).toBeLessThanOrEqual(5);
});

test('nothing fails over: Route 53 is untouched and DNS stays on the primary', async () => {
  expect(callsTo(platform, 'UpdateHealthCheck', start)).toEqual([]);
  const failovers = (await stateItems(platform, 'FAILOVER#dns')).filter((item) =>
    String(item.sk).startsWith('INCIDENT#'),
  );
  expect(failovers).toEqual([]);
  const state = await platform.api.request({ method: 'GET', path: '/failover', caller: OPERATOR });
  const dns = (state.json as { components: { component: string; phase: string }[] }).components.find(
    (c) => c.component === 'dns',
  );
  expect(dns?.phase).toBe('primary');
  // Virtual time is real time plus jumps: the run may overshoot by the milliseconds of real work.
  expect(flapUntil - flapFrom).toBeGreaterThanOrEqual(minutes(10));
});
