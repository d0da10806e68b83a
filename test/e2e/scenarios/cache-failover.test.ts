import type { ApiResponse } from '../../../local/driver/api-gateway';
import type { LocalPlatform } from '../../../local/platform/local-platform';
import { TEST_FAILOVER_QUOTA } from '../../../local/proxy/stand-ins/elasticache';
import { callsTo } from '../../../local/views/platform-views';
import { minutes, startPlatform, waitOutGuard } from '../support/platform';
import { saveTimeline } from '../support/timeline';

// Scenario 5: cache failover through the ElastiCache stand-in (moto has no TestFailover and no
// replicas). An operator fails the Redis primary over and back, runs a drill, and fails over
// again; the next command would be the sixth TestFailover in 24 hours, over the deployment's
// budget of 5 (AWS itself allows 15), and is refused before any call is made.

const OPERATOR = 'arn:aws:iam::123456789012:role/sre-operator';
const BUDGET = 5;
let platform: LocalPlatform;
let start: number;
let group: string;
const steps: { action: string; answer: ApiResponse; primaryAfter: string | undefined; at: number }[] = [];

async function step(action: string, waitMs: number): Promise<void> {
  const at = platform.clock.now();
  const answer = await platform.api.request({
    method: 'POST',
    path: '/failover/cache',
    caller: OPERATOR,
    body: { action, dryRun: false, reason: `${action} of the Redis primary for the quarterly check` },
  });
  await waitOutGuard(platform, waitMs);
  steps.push({ action, answer, primaryAfter: platform.cache.primaryOf(group), at });
}

beforeAll(async () => {
  platform = await startPlatform();
  start = platform.clock.now();
  group = platform.model.only('AWS::ElastiCache::ReplicationGroup').physicalId;
  await waitOutGuard(platform, minutes(1));
  await step('failover', minutes(2));
  await step('failback', minutes(11));
  await step('drill', minutes(11));
  await step('failover', minutes(2));
  await step('failback', minutes(1));
});

afterAll(async () => {
  if (platform) saveTimeline(platform, start, 'cache-failover');
  await platform?.stop();
});

test('each accepted command moves the primary through TestFailover', () => {
  const [failover, failback, drill, again] = steps;
  const first = `${group}-001`;
  const second = `${group}-002`;
  expect(failover).toMatchObject({ primaryAfter: second, answer: { status: 202 } });
  expect(failback).toMatchObject({ primaryAfter: first, answer: { status: 202 } });
  expect(drill).toMatchObject({ primaryAfter: first, answer: { status: 202 } });
  expect(again).toMatchObject({ primaryAfter: second, answer: { status: 202 } });
});

test('the drill fails over and back, waiting for the former primary to be a replica again', async () => {
  const id = (steps[2]!.answer.json as { incidentId: string }).incidentId;
  const incident = (
    await platform.api.request({
      method: 'GET',
      path: `/incidents/${encodeURIComponent(id)}`,
      caller: OPERATOR,
    })
  ).json as { status: string; actions: { action: { kind: string }; outcome: { ok: boolean } }[] };
  expect(incident.status).toBe('recovered');
  expect(incident.actions.map((a) => a.action.kind)).toEqual([
    'elasticache-test-failover',
    'wait-for-cache-primary',
    'elasticache-test-failover',
    'wait-for-cache-primary',
  ]);
  expect(incident.actions.every((a) => a.outcome.ok)).toBe(true);
});

test('refuses the sixth TestFailover in 24 hours, naming the budget, without calling AWS', () => {
  const refused = steps[4]!;
  expect(refused.answer.status).toBe(422);
  expect(refused.answer.body).toMatch(/test-failover/);
  expect(refused.primaryAfter).toBe(`${group}-002`);
  const calls = callsTo(platform, 'TestFailover', start);
  expect(calls.filter((c) => c.status === 200)).toHaveLength(BUDGET);
  expect(calls.every((c) => c.status === 200)).toBe(true);
  expect(calls.filter((c) => c.at >= refused.at)).toEqual([]);
  expect(platform.cache.testFailovers.length).toBeLessThan(TEST_FAILOVER_QUOTA);
});
