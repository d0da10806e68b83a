import {
  DescribeListenersCommand,
  DescribeTargetGroupAttributesCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { createClient } from 'redis';
import type { ApiRequest, ApiResponse } from '../../../local/driver/api-gateway';
import type { LocalPlatform } from '../../../local/platform/local-platform';
import { callsTo, fleetSize, groupName } from '../../../local/views/platform-views';
import { type StateItem, stateItems } from '../../../local/views/state-table';
import { e2eEnvironment } from '../harness/env';
import { startPlatform } from '../support/platform';
import { saveTimeline } from '../support/timeline';

// Scenario 9: the admin API's change routes, signed by an operator's IAM role. A change with an
// Idempotency-Key replays its first answer instead of acting twice; every change leaves an audit
// record with the caller; bad input is refused with the field named and nothing changes.

const OPERATOR = 'arn:aws:sts::123456789012:assumed-role/sre-operator/alice';
let platform: LocalPlatform;
let start: number;

/** A request signed by the operator's role, or unsigned with `signed: false`. */
const call = (request: Omit<ApiRequest, 'caller'>, signed = true): Promise<ApiResponse> =>
  platform.api.request({ ...request, ...(signed ? { caller: OPERATOR } : {}) });

type Audit = StateItem & {
  actor: string;
  action: string;
  target: string;
  result: string;
  idempotencyKey?: string;
  reason: string;
};
const audits = async () => (await stateItems(platform, 'AUDIT#')) as Audit[];

beforeAll(async () => {
  platform = await startPlatform();
  start = platform.clock.now();
  for (const rule of platform.model.rules) platform.bus.setEnabled(rule.name, false);
  await platform.runFor(5000);
});

afterAll(async () => {
  if (platform) saveTimeline(platform, start, 'admin-api');
  await platform?.stop();
});

describe('capacity with an Idempotency-Key', () => {
  const body = { desiredCapacity: 3, reason: 'pre-scale for the launch campaign' };
  let first: ApiResponse;
  let replay: ApiResponse;
  let conflict: ApiResponse;

  beforeAll(async () => {
    const path = `/scaling/groups/${encodeURIComponent(groupName(platform))}/capacity`;
    const headers = { 'Idempotency-Key': 'launch-campaign-0001' };
    first = await call({ method: 'PUT', path, headers, body });
    replay = await call({ method: 'PUT', path, headers, body });
    conflict = await call({ method: 'PUT', path, headers, body: { ...body, desiredCapacity: 4 } });
  });

  test('sets the group to 3 once, and the replay answers the same without calling AWS again', async () => {
    expect(first.status).toBe(200);
    expect((await fleetSize(platform)).desired).toBe(3);
    expect(replay.status).toBe(first.status);
    expect(replay.headers['Idempotent-Replayed']).toBe('true');
    expect(replay.json).toEqual(first.json);
    const sets = callsTo(platform, 'SetDesiredCapacity', start);
    expect(sets.map((c) => Number(c.params.DesiredCapacity))).toEqual([3]);
  });

  test('refuses the same key for a different request with 409 and changes nothing', async () => {
    expect(conflict.status).toBe(409);
    expect(conflict.headers['Content-Type']).toBe('application/problem+json');
    expect((await fleetSize(platform)).desired).toBe(3);
  });

  test('audits the change once, with the IAM caller, the key and the reason', async () => {
    const records = (await audits()).filter((a) => a.action.includes('apacity'));
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      actor: OPERATOR,
      idempotencyKey: 'launch-campaign-0001',
      reason: 'pre-scale for the launch campaign',
      result: 'succeeded',
    });
  });
});

describe('load balancer changes', () => {
  test('shifts weights to the canary with ModifyListener', async () => {
    const answer = await call({
      method: 'PUT',
      path: '/load-balancer/weights',
      body: {
        weights: [
          { targetGroup: 'primary', weight: 90 },
          { targetGroup: 'canary', weight: 10 },
        ],
        reason: 'canary 10 %',
      },
    });
    expect(answer.status).toBe(200);
    const listener = platform.model.deployment
      .ofType('AWS::ElasticLoadBalancingV2::Listener')
      .find((l) => l.properties.Protocol === 'HTTPS');
    const described = await platform.aws.elb.send(
      new DescribeListenersCommand({ ListenerArns: [listener!.physicalId] }),
    );
    const weights = described.Listeners?.[0]?.DefaultActions?.[0]?.ForwardConfig?.TargetGroups?.map(
      (t) => t.Weight,
    );
    expect(weights).toEqual([90, 10]);
  });

  test('switches every target group to round robin', async () => {
    const answer = await call({
      method: 'PUT',
      path: '/load-balancer/algorithm',
      body: { algorithm: 'round_robin', reason: 'compare latency' },
    });
    expect(answer.status).toBe(200);
    for (const group of platform.model.deployment.ofType('AWS::ElasticLoadBalancingV2::TargetGroup')) {
      const attributes = await platform.aws.elb.send(
        new DescribeTargetGroupAttributesCommand({ TargetGroupArn: group.physicalId }),
      );
      expect(attributes.Attributes?.find((a) => a.Key === 'load_balancing.algorithm.type')?.Value).toBe(
        'round_robin',
      );
    }
  });
});

describe('refusals', () => {
  test('refuses a capacity above the group maximum, naming the field, without calling AWS', async () => {
    const before = callsTo(platform, 'SetDesiredCapacity', start).length;
    const answer = await call({
      method: 'PUT',
      path: `/scaling/groups/${encodeURIComponent(groupName(platform))}/capacity`,
      body: { desiredCapacity: 50, reason: 'too much' },
    });
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
    expect(answer.body).toMatch(/desiredCapacity|maximum|max/);
    expect(callsTo(platform, 'SetDesiredCapacity', start)).toHaveLength(before);
    expect((await fleetSize(platform)).desired).toBe(3);
  });

  test('refuses weights that would send no traffic anywhere, and the listener keeps its weights', async () => {
    const answer = await call({
      method: 'PUT',
      path: '/load-balancer/weights',
      body: {
        weights: [
          { targetGroup: 'primary', weight: 0 },
          { targetGroup: 'canary', weight: 0 },
        ],
        reason: 'oops',
      },
    });
    expect(answer.status).toBe(422);
    expect(answer.body).toMatch(/weights/);
    expect(callsTo(platform, 'ModifyListener', start)).toHaveLength(1);
  });

  test('refuses an unknown field, a body that is not an object and an unsigned request before anything changes', async () => {
    const unknown = await call({
      method: 'PUT',
      path: '/load-balancer/algorithm',
      body: { algorithm: 'round_robin', reason: 'x y z', colour: 'red' },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatch(/colour/);
    const notObject = await call({ method: 'PUT', path: '/load-balancer/algorithm', body: ['round_robin'] });
    expect(notObject.status).toBe(400);
    expect(notObject.headers['Content-Type']).toBe('application/problem+json');
    const unsigned = await call(
      {
        method: 'PUT',
        path: '/load-balancer/algorithm',
        body: { algorithm: 'least_outstanding_requests', reason: 'who am I' },
      },
      false,
    );
    expect(unsigned.status).toBe(403);
    expect(callsTo(platform, 'ModifyTargetGroupAttributes', start)).toHaveLength(
      platform.model.deployment.ofType('AWS::ElasticLoadBalancingV2::TargetGroup').length,
    );
  });

  test('audits the refused change as rejected, and nothing for requests the gateway refused', async () => {
    const records = await audits();
    expect(records.some((a) => a.result === 'rejected' && a.actor === OPERATOR)).toBe(true);
    expect(records.every((a) => a.actor === OPERATOR)).toBe(true);
  });
});

test('invalidates a cache namespace through the cache worker, on the Redis behind ElastiCache', async () => {
  const { redis } = e2eEnvironment();
  const client = createClient({ socket: { host: redis.host, port: redis.port }, password: redis.password });
  await client.connect();
  try {
    const before = await client.keys('*chat*');
    const answer = await call({
      method: 'DELETE',
      path: '/cache/namespaces/chat',
      query: { reason: 'stale answers after the model change' },
    });
    expect(answer.status).toBe(200);
    const after = await client.keys('*chat*');
    expect(after.length).toBeGreaterThanOrEqual(before.length);
    expect(after.length).toBeGreaterThan(0);
  } finally {
    await client.quit();
  }
});
