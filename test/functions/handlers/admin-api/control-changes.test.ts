import { failoverIncidentId } from '../../../../functions/core/admin/services/failover';
import { jsonRequest, OPERATOR } from './events';
import { changes, failoverPlan, GROUP, NOW } from './fakes';
import { harness } from './harness';

const _capacity = (body: unknown, extra = {}) =>
  jsonRequest('PUT', `/scaling/groups/${GROUP}/capacity`, body, {
    pathParameters: { name: GROUP },
    ...extra,
  });

describe('admin API changes through the control plane', () => {
  it('answers a failover dry run with the plan, and a real one with 202, the plan and the incident id', async () => {
    const { send, world } = harness();
    const command = (body: unknown, requestId: string) =>
      send({
        ...jsonRequest('POST', '/failover/database', body, { pathParameters: { component: 'database' } }),
        requestId,
      });
    const dry = await command({ action: 'failover', reason: 'rehearse' }, 'req-dry');
    expect(dry.status).toBe(200);
    expect(dry.json).toMatchObject({ dryRun: true, verdict: 'dry-run', plan: [{ kind: 'aurora-failover' }] });
    expect(world.mutations).toEqual(['failover.run dryRun=true']);
    const real = await command({ action: 'failover', dryRun: false, reason: 'writer degraded' }, 'req-real');
    expect(real.status).toBe(202);
    expect(real.json).toMatchObject({
      accepted: true,
      incidentId: failoverIncidentId('database', 'req-real'),
      follow: '/incidents/database-command:req-real',
    });
    expect(changes(world)).toEqual(['failover.dispatch dryRun=false']);
  });

  it('refuses a failover the guards block (422, failed guards named) or that a busy component cannot take (409)', async () => {
    const { send, world } = harness();
    const command = () =>
      send(
        jsonRequest(
          'POST',
          '/failover/database',
          { action: 'failover', dryRun: false, reason: 'try it' },
          { pathParameters: { component: 'database' } },
        ),
      );
    world.failoverPlan = failoverPlan({
      verdict: 'blocked',
      reason: 'replica lag',
      checks: [{ guard: 'replica-lag', passed: false, detail: 'lag 40 s > 10 s' }],
    });
    const blocked = await command();
    expect(blocked.status).toBe(422);
    expect(blocked.json.errors).toEqual([{ field: 'guard.replica-lag', message: 'lag 40 s > 10 s' }]);
    world.failoverPlan = failoverPlan({ status: 'busy', verdict: undefined, reason: 'lock held' });
    expect((await command()).status).toBe(409);
    expect(changes(world)).toEqual([]);
    const dns = await send(
      jsonRequest(
        'POST',
        '/failover/dns',
        { action: 'drill', reason: 'no dns here' },
        { pathParameters: { component: 'dns' } },
      ),
    );
    expect(dns.status).toBe(404);
  });

  it('sets weights (others keep theirs), refuses unknown groups and all-zero weights', async () => {
    const { send, world } = harness();
    const weights = (body: unknown) => send(jsonRequest('PUT', '/load-balancer/weights', body));
    const ok = await weights({ weights: [{ targetGroup: 'canary', weight: 10 }], reason: 'canary 10%' });
    expect(ok.json.after).toEqual([
      { targetGroup: 'primary', weight: 100 },
      { targetGroup: 'canary', weight: 10 },
    ]);
    expect(
      (await weights({ weights: [{ targetGroup: 'blue', weight: 1 }], reason: 'who is blue' })).status,
    ).toBe(422);
    expect(
      (await weights({ weights: [{ targetGroup: 'primary', weight: 0 }], reason: 'drain all' })).status,
    ).toBe(422);
    expect(changes(world)).toEqual(['setWeights primary=100,canary=10']);
  });

  it('sets the algorithm; anomaly mitigation needs weighted_random', async () => {
    const { send, world } = harness();
    const put = (body: unknown) => send(jsonRequest('PUT', '/load-balancer/algorithm', body));
    expect((await put({ algorithm: 'round_robin', anomalyMitigation: true, reason: 'try' })).status).toBe(
      400,
    );
    const ok = await put({ algorithm: 'weighted_random', anomalyMitigation: true, reason: 'mitigate' });
    expect(ok.json.after[0]).toEqual({
      name: 'primary',
      algorithm: 'weighted_random',
      anomalyMitigation: true,
    });
    expect(changes(world)).toEqual(['setAlgorithm weighted_random']);
  });

  it('creates and removes silences; the creator is the caller and the comment the reason', async () => {
    const { send, world } = harness();
    const created = await send({
      ...jsonRequest('POST', '/alerts/silences', {
        matchers: [{ label: 'component', op: '=', value: 'api' }],
        endsAt: new Date(NOW + 3_600_000).toISOString(),
        reason: 'maintenance',
      }),
      requestId: 'sil-1',
    });
    expect(created.status).toBe(201);
    expect(world.silences.get('sil-1')).toMatchObject({
      createdBy: OPERATOR,
      comment: 'maintenance',
      startsAt: NOW,
      endsAt: NOW + 3_600_000,
    });
    const remove = (id: string) =>
      send({
        method: 'DELETE',
        path: `/alerts/silences/${id}`,
        pathParameters: { id },
        query: { reason: 'done early' },
      });
    expect((await remove('sil-1')).json).toEqual({ id: 'sil-1', removed: true });
    expect((await remove('sil-1')).status).toBe(404);
    const past = await send(
      jsonRequest('POST', '/alerts/silences', {
        matchers: [{ label: 'a', op: '=', value: 'b' }],
        endsAt: new Date(NOW - 1).toISOString(),
        reason: 'too late',
      }),
    );
    expect(past.status).toBe(422);
  });

  it('refuses a silence ending more than 30 days out even without startsAt, naming endsAt', async () => {
    const { send, world } = harness();
    const forever = await send(
      jsonRequest('POST', '/alerts/silences', {
        matchers: [{ label: 'component', op: '=', value: 'api' }],
        endsAt: '9999-12-31T23:59:59Z',
        reason: 'forever',
      }),
    );
    expect(forever.status).toBe(422);
    expect(JSON.stringify(forever.json)).toContain('at most 30 days after startsAt');
    const month = await send(
      jsonRequest('POST', '/alerts/silences', {
        matchers: [{ label: 'component', op: '=', value: 'api' }],
        endsAt: new Date(NOW + 30 * 86_400_000).toISOString(),
        reason: 'exactly the maximum',
      }),
    );
    expect(month.status).toBe(201);
    expect(world.silences.size).toBe(1);
  });

  it('refuses silence patterns RE2 cannot match in linear time, naming the matcher', async () => {
    const { send } = harness();
    const post = (value: string) =>
      send(
        jsonRequest('POST', '/alerts/silences', {
          matchers: [{ label: 'check', op: '=~', value }],
          endsAt: new Date(NOW + 3_600_000).toISOString(),
          reason: 'pattern',
        }),
      );
    const backreference = await post('(a)\\1');
    expect(backreference.status).toBe(400);
    expect(JSON.stringify(backreference.json)).toContain('matchers');
    expect((await post('[a-z]{0,1000}')).status).toBe(400);
    expect((await post('(?:(?:[a-z]|-)+)+X')).status).toBe(201);
  });

  it('invalidates a cache namespace through the worker; an unreachable Redis is 503 and frees nothing', async () => {
    const { send, world } = harness();
    const invalidate = () =>
      send({
        method: 'DELETE',
        path: '/cache/namespaces/answers',
        pathParameters: { namespace: 'answers' },
        query: { reason: 'bad prompts' },
      });
    expect((await invalidate()).json).toEqual({ namespace: 'answers', invalidated: true });
    world.cacheUp = false;
    const down = await invalidate();
    expect(down.status).toBe(503);
    expect(down.json.title).toBe('Service unavailable');
  });

  it('starts a slow-query analysis asynchronously (202)', async () => {
    const { send, world } = harness();
    const answer = await send({
      ...jsonRequest('POST', '/database/analyze', { reason: 'after the deploy' }),
      requestId: 'an-1',
    });
    expect(answer.status).toBe(202);
    expect(answer.json).toEqual({ accepted: true, requestId: 'an-1', follow: '/database/slow-queries' });
    expect(changes(world)).toEqual(['requestAnalysis']);
  });
});
