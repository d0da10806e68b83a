import { GetHealthCheckCommand } from '@aws-sdk/client-route-53';
import type { ApiResponse } from '../../../local/driver/api-gateway';
import { localHttps } from '../../../local/network/local-client';
import type { LocalPlatform } from '../../../local/platform/local-platform';
import { callsTo } from '../../../local/views/platform-views';
import { minutes, startPlatform, waitOutGuard } from '../support/platform';
import { saveTimeline } from '../support/timeline';

// Scenario 4: DNS failover by inverting the primary's Route 53 health check. An operator moves
// the public name to the maintenance site through the admin API; Route 53 answers with the
// secondary record until the operator fails back; later a drill does both in one operation and
// leaves its timeline.

const OPERATOR = 'arn:aws:iam::123456789012:role/sre-operator';
let platform: LocalPlatform;
let start: number;
let healthCheckId: string;
let failover: ApiResponse;
let failback: ApiResponse;
let drill: ApiResponse;
let failoverAt: number;
let failbackAt: number;
const seen: Record<string, { inverted: boolean; version: number; status: number; body: string }> = {};

async function observe(label: string): Promise<void> {
  const check = await platform.aws.route53.send(new GetHealthCheckCommand({ HealthCheckId: healthCheckId }));
  const page = await localHttps(
    platform.network.routes,
    platform.network.ca.caPem,
    `https://${publicName()}/health`,
  );
  seen[label] = {
    inverted: check.HealthCheck?.HealthCheckConfig?.Inverted ?? false,
    version: check.HealthCheck?.HealthCheckVersion ?? 0,
    status: page.status,
    body: page.body,
  };
}

function publicName(): string {
  const record = platform.model.deployment
    .ofType('AWS::Route53::RecordSet')
    .find((r) => r.properties.Failover === 'PRIMARY');
  return String(record!.properties.Name).replace(/\.$/, '');
}

function command(action: string) {
  return platform.api.request({
    method: 'POST',
    path: '/failover/dns',
    caller: OPERATOR,
    body: { action, dryRun: false, reason: `planned ${action} of the public name` },
  });
}

async function incident(response: ApiResponse) {
  const id = (response.json as { incidentId: string }).incidentId;
  const answer = await platform.api.request({
    method: 'GET',
    path: `/incidents/${encodeURIComponent(id)}`,
    caller: OPERATOR,
  });
  return answer.json as {
    status: string;
    recoveredAt: string | null;
    actions: {
      action: { kind: string; expect?: string };
      startedAt: string;
      finishedAt: string;
      outcome: { ok: boolean };
    }[];
  };
}

beforeAll(async () => {
  platform = await startPlatform();
  start = platform.clock.now();
  healthCheckId = platform.model.only('AWS::Route53::HealthCheck').physicalId;
  await platform.runFor(minutes(1));
  await observe('before');
  failoverAt = platform.clock.now();
  failover = await command('failover');
  await platform.runFor(minutes(3));
  await observe('failed over');
  failbackAt = platform.clock.now();
  failback = await command('failback');
  await platform.runFor(minutes(1));
  await observe('failed back');
  await waitOutGuard(platform, minutes(10));
  drill = await command('drill');
  await platform.runFor(minutes(2));
  await observe('after drill');
});

afterAll(async () => {
  if (platform) saveTimeline(platform, start, 'dns-failover');
  await platform?.stop();
});

test('the operator failover inverts the primary health check and the public name serves the maintenance site', () => {
  expect(failover.status).toBe(202);
  expect(seen.before).toMatchObject({ inverted: false, version: 1, status: 200 });
  expect(seen['failed over']).toMatchObject({ inverted: true, version: 2, status: 503 });
  expect(seen['failed over']!.body).toMatch(/maintenance/);
});

test('the public name stays on the secondary until the operator fails back', async () => {
  // The maintenance page answers 503 to the health check of the public name: that is the
  // secondary working as planned, not the primary failing, so nothing may undo the inversion.
  const untilFailback = callsTo(platform, 'UpdateHealthCheck', failoverAt).filter(
    (call) => call.at < failbackAt,
  );
  expect(untilFailback).toHaveLength(1);
  expect(seen['failed over']!.inverted).toBe(true);
  // The failback closes the same incident, so its actions join this timeline after `failbackAt`.
  const timeline = await incident(failover);
  const beforeFailback = timeline.actions.filter((a) => Date.parse(a.startedAt) < failbackAt);
  expect(beforeFailback.map((a) => a.action.kind)).toEqual(['invert-health-check', 'verify-dns-routing']);
});

test('the failback restores the health check and the public name serves the platform again', async () => {
  expect(failback.status).toBe(202);
  expect(seen['failed back']).toMatchObject({ inverted: false, status: 200 });
  expect(seen['failed back']!.version).toBeGreaterThan(seen['failed over']!.version);
  const state = await platform.api.request({ method: 'GET', path: '/failover', caller: OPERATOR });
  const dns = (state.json as { components: { component: string; phase: string }[] }).components.find(
    (c) => c.component === 'dns',
  );
  expect(dns?.phase).toBe('primary');
});

test('the drill fails over and back in one operation and leaves its timeline', async () => {
  expect(drill.status).toBe(202);
  const timeline = await incident(drill);
  expect(timeline.status).toBe('recovered');
  expect(timeline.recoveredAt).not.toBeNull();
  expect(timeline.actions.map((a) => [a.action.kind, a.action.expect ?? null])).toEqual([
    ['invert-health-check', null],
    ['verify-dns-routing', 'secondary'],
    ['restore-health-check', null],
    ['verify-dns-routing', 'primary'],
  ]);
  expect(timeline.actions.every((a) => a.outcome.ok)).toBe(true);
  const times = timeline.actions.flatMap((a) => [Date.parse(a.startedAt), Date.parse(a.finishedAt)]);
  expect([...times].sort((a, b) => a - b)).toEqual(times);
  expect(seen['after drill']).toMatchObject({ inverted: false, status: 200 });
});
