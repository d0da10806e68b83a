import { jsonRequest, OPERATOR } from './events';
import { changes, GROUP, NOW } from './fakes';
import { harness } from './harness';

const capacity = (body: unknown, extra = {}) =>
  jsonRequest('PUT', `/scaling/groups/${GROUP}/capacity`, body, {
    pathParameters: { name: GROUP },
    ...extra,
  });

describe('admin API changes', () => {
  it('sets the capacity under the scaling lock, audits who, what, why and the result', async () => {
    const { send, world } = harness();
    const answer = await send({
      ...capacity({ desiredCapacity: 5, reason: 'launch day' }),
      requestId: 'req-1',
    });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ dryRun: false, group: GROUP, from: 3, to: 5 });
    expect(world.mutations).toEqual([`lock.acquire scaling#${GROUP}`, 'setCapacity 5']);
    expect(world.audit).toEqual([
      {
        entry: expect.objectContaining({
          id: 'req-1',
          actor: OPERATOR,
          action: 'setCapacity',
          target: `scaling/${GROUP}/capacity`,
          reason: 'launch day',
          at: NOW,
        }),
        outcome: { result: 'succeeded', status: 200, detail: 'done', finishedAt: NOW },
      },
    ]);
  });

  it('refuses a capacity outside the group bounds with 422 naming the field, and audits the refusal', async () => {
    const { send, world } = harness();
    const answer = await send(capacity({ desiredCapacity: 11, reason: 'too many' }));
    expect(answer.status).toBe(422);
    expect(answer.json.errors).toEqual([
      { field: 'body.desiredCapacity', message: 'must be between 2 and 10' },
    ]);
    expect(changes(world)).toEqual([]);
    expect(world.audit[0]!.outcome).toMatchObject({ result: 'rejected', status: 422 });
  });

  it('answers 409 while a scaling run holds the group', async () => {
    const { send, world } = harness();
    world.lockFree = false;
    expect((await send(capacity({ desiredCapacity: 4, reason: 'busy group' }))).status).toBe(409);
    expect(changes(world)).toEqual([]);
  });

  it('replays the first answer for a repeated Idempotency-Key and refuses the key for another request', async () => {
    const { send, world } = harness();
    const headers = { 'Idempotency-Key': 'key-0001-abcd' };
    const first = await send(capacity({ desiredCapacity: 5, reason: 'launch day' }, { headers }));
    const again = await send(capacity({ desiredCapacity: 5, reason: 'launch day' }, { headers }));
    expect(again.status).toBe(200);
    expect(again.json).toEqual(first.json);
    expect(again.headers['Idempotent-Replayed']).toBe('true');
    expect(changes(world)).toEqual(['setCapacity 5']);
    const other = await send(capacity({ desiredCapacity: 6, reason: 'launch day' }, { headers }));
    expect(other.status).toBe(409);
    expect(other.json.detail).toContain('different request');
    expect(changes(world)).toEqual(['setCapacity 5']);
  });

  it('frees the key of a refused request so a corrected retry runs', async () => {
    const { send, world } = harness();
    const headers = { 'idempotency-key': 'key-0002-abcd' };
    expect((await send(capacity({ desiredCapacity: 50, reason: 'typo' }, { headers }))).status).toBe(422);
    expect(world.keys.size).toBe(0);
  });

  it('keeps and replays an unexpected failure: the change may have started', async () => {
    const { send, world, deps } = harness();
    deps.scaling.setCapacity = async () => {
      throw new Error('socket hang up');
    };
    const headers = { 'Idempotency-Key': 'key-0003-abcd' };
    const first = await send(capacity({ desiredCapacity: 4, reason: 'retry me' }, { headers }));
    expect(first.status).toBe(500);
    expect(first.json.detail).not.toContain('socket');
    const again = await send(capacity({ desiredCapacity: 4, reason: 'retry me' }, { headers }));
    expect(again).toMatchObject({ status: 500, headers: { 'Idempotent-Replayed': 'true' } });
    expect(world.audit[0]!.outcome).toMatchObject({ result: 'failed', status: 500 });
  });

  it('makes no change when the audit record cannot be written', async () => {
    const { send, world, deps } = harness();
    deps.audit.begin = async () => {
      throw new Error('table unavailable');
    };
    expect((await send(capacity({ desiredCapacity: 4, reason: 'no audit' }))).status).toBe(500);
    expect(changes(world)).toEqual([]);
  });

  it('refuses a change without an IAM identity (401) and answers dry runs without changing anything', async () => {
    const { send, world } = harness();
    expect(
      (await send(capacity({ desiredCapacity: 4, reason: 'anonymous' }, { userArn: null }))).status,
    ).toBe(401);
    const dry = await send(capacity({ desiredCapacity: 4, reason: 'what if', dryRun: true }));
    expect(dry.json).toEqual({ dryRun: true, group: GROUP, from: 3, to: 4 });
    expect(changes(world)).toEqual([]);
  });

  it('stores a validated policy override inside the group bounds', async () => {
    const { send, world } = harness();
    const policy = { maxCapacity: 8, targetTracking: [{ name: 'cpu', metric: 'cpu', target: 55 }] };
    const put = (body: unknown) =>
      send(
        jsonRequest('PUT', `/scaling/groups/${GROUP}/policies`, body, { pathParameters: { name: GROUP } }),
      );
    const answer = await put({ policy, reason: 'calmer scale-in' });
    expect(answer.status).toBe(200);
    expect(world.override).toMatchObject({
      policy: { maxCapacity: 8, warmupSeconds: 300 },
      updatedBy: OPERATOR,
      reason: 'calmer scale-in',
    });
    const bad = await put({
      policy: { targetTracking: [{ name: 'cpu', metric: 'cpu', target: -1 }] },
      reason: 'bad policy',
    });
    expect(bad.status).toBe(400);
    expect(bad.json.errors[0].field).toBe('body.policy.targetTracking[0].target');
    const wide = await put({ policy: { ...policy, maxCapacity: 20 }, reason: 'too wide' });
    expect(wide.status).toBe(422);
    expect(wide.json.errors).toEqual([
      { field: 'body.policy.maxCapacity', message: "must be ≤ the group's maximum (10)" },
    ]);
  });

  it('evaluates through the scaling function (dry run by default) and answers 503 when it is not deployed', async () => {
    const { send, world } = harness();
    const evaluate = jsonRequest(
      'POST',
      `/scaling/groups/${GROUP}/evaluate`,
      { reason: 'check new policy' },
      { pathParameters: { name: GROUP } },
    );
    const answer = await send(evaluate);
    expect(answer.json).toEqual({ dryRun: true, group: GROUP, result: { ok: true, status: 'decided' } });
    expect(changes(world)).toEqual(['evaluate']);
    const bare = harness({ scalingEvaluator: undefined });
    const missing = await bare.send(evaluate);
    expect(missing.status).toBe(503);
    expect(missing.json.detail).toBe('The scaling function is not deployed');
    expect(bare.world.audit).toEqual([]);
  });
});
