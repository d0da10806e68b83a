import type { LocalPlatform } from '../../../local/platform/local-platform';
import { chatMessages } from '../../../local/views/alerts';
import { type StateItem, stateItems } from '../../../local/views/state-table';
import { minutes, startPlatform } from '../support/platform';
import { saveTimeline } from '../support/timeline';

// Scenario 2: every instance of the fleet starts failing its load balancer health check. The
// health check function sees the target group and the public endpoint go down, opens an incident,
// and the alert formatter posts it to Slack (critical) while the check alarms reach Teams
// (warning); when the instances pass again, the recovery reaches the same channels.

let platform: LocalPlatform;
let start: number;
let failedAt: number;
let recoveredAt: number;

beforeAll(async () => {
  platform = await startPlatform();
  start = platform.clock.now();
  platform.fleet.setLoad(80);
  await platform.runFor(minutes(1));
  failedAt = platform.clock.now();
  await platform.fleet.failTargets(await platform.fleet.instances());
  await platform.runFor(minutes(4));
  recoveredAt = platform.clock.now();
  platform.fleet.recoverTargets();
  await platform.runFor(minutes(3));
});

afterAll(async () => {
  if (platform) saveTimeline(platform, start, 'health-incident');
  await platform?.stop();
});

type Incident = StateItem & {
  component: string;
  state: string;
  severity: string;
  openedAt: number;
  resolvedAt?: number;
  reasons: string[];
};

test('opens a critical incident for the fleet, with the failing targets as its reason', async () => {
  const incidents = (await stateItems(platform, 'INCIDENT#fleet')) as Incident[];
  const incident = incidents.find((i) => i.openedAt >= failedAt && i.openedAt < recoveredAt);
  expect(incident).toBeDefined();
  expect(incident!.severity).toBe('critical');
  expect(incident!.reasons.join(' ')).toMatch(/Fleet target group/);
  // Detection within the README's worst case: 2 × 10 s rounds + a 5 s timeout, plus the hand-over.
  expect(incident!.openedAt - failedAt).toBeLessThanOrEqual(60_000);
});

test('posts the incident to Slack and the failing-check alarms to Teams', () => {
  const messages = chatMessages(platform).filter((m) => m.at > failedAt && m.at < recoveredAt);
  const slack = messages.filter((m) => m.channel === 'slack');
  const teams = messages.filter((m) => m.channel === 'teams');
  expect(slack.some((m) => /incident fleet@/.test(m.text) && /critical/i.test(m.text))).toBe(true);
  expect(teams.some((m) => /health check .* failed|CheckFailing|is ALARM/i.test(m.text))).toBe(true);
});

test('resolves the incident once the targets pass again and says so in the same channels', async () => {
  const incidents = (await stateItems(platform, 'INCIDENT#fleet')) as Incident[];
  const incident = incidents.find((i) => i.openedAt >= failedAt && i.openedAt < recoveredAt);
  expect(incident?.state).toBe('resolved');
  expect(incident!.resolvedAt!).toBeGreaterThan(recoveredAt);
  const after = chatMessages(platform).filter((m) => m.at > recoveredAt);
  expect(
    after.some((m) => m.channel === 'slack' && /resolved/i.test(m.text) && /incident fleet@/.test(m.text)),
  ).toBe(true);
  expect(after.some((m) => m.channel === 'teams' && /back to OK|resolved/i.test(m.text))).toBe(true);
});

test("holds the public endpoint's page while the fleet it depends on is down", async () => {
  const api = ((await stateItems(platform, 'INCIDENT#api')) as Incident[]).filter(
    (i) => i.openedAt >= failedAt && i.openedAt < recoveredAt,
  );
  expect(api.length).toBeGreaterThanOrEqual(1);
  // api depends on fleet: inhibited while the fleet is down, so Slack gets the cause, not its symptom.
  const fleet = ((await stateItems(platform, 'INCIDENT#fleet')) as Incident[]).find(
    (i) => i.openedAt >= failedAt && i.openedAt < recoveredAt,
  );
  expect(fleet?.resolvedAt).toBeDefined();
  const apiPagesWhileFleetDown = chatMessages(platform).filter(
    (m) => m.channel === 'slack' && /incident api@/.test(m.text) && m.at < fleet!.resolvedAt!,
  );
  expect(apiPagesWhileFleetDown).toEqual([]);
});
