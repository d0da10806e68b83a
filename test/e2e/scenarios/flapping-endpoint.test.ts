import type { LocalPlatform } from '../../../local/platform/local-platform';
import { chatMessages } from '../support/alerts';
import { minutes, startPlatform } from '../support/platform';
import { callsTo } from '../support/platform-views';
import { type StateItem, stateItems } from '../support/state-table';
import { saveTimeline } from '../support/timeline';

// Scenario 6: the public endpoint flaps, failing every other 10-second probe, for ten minutes at
// production cadence (health rounds every 10 s, the failover function every minute, both on
// their schedules' own phases). Nothing fails over; a person is told the endpoint is flapping.

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
  platform.loadBalancerOverride = (path, now) =>
    Math.floor(now / 10_000) % 2 === 0 ? { status: 503, body: 'upstream connect error' } : undefined;
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

test('a person is told the endpoint flaps, in one incident', async () => {
  const incidents = (
    (await stateItems(platform, 'INCIDENT#api')) as (StateItem & { openedAt: number; reasons: string[] })[]
  ).filter((i) => i.openedAt >= flapFrom);
  expect(incidents).toHaveLength(1);
  expect(incidents[0]!.reasons.join(' ')).toMatch(/flapping/i);
  const told = chatMessages(platform).filter((m) => m.at >= flapFrom && /incident api@/.test(m.text));
  expect(told.length).toBeGreaterThanOrEqual(1);
  expect(told.some((m) => /flapping/i.test(m.text))).toBe(true);
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
  expect(flapUntil - flapFrom).toBe(minutes(10));
});
