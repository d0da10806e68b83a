import { jsonRequest } from './events';
import { GROUP, NOW } from './fakes';
import { harness } from './harness';

const get = (path: string, extra: object = {}) => ({ method: 'GET', path, ...extra });

describe('admin API reads', () => {
  it('GET /health/checks rolls components up from configured checks and stored states', async () => {
    const { send, world } = harness();
    world.checkStates.set('api-http', {
      checkId: 'api-http',
      status: 'unhealthy',
      settled: 'unhealthy',
      since: NOW - 60_000,
      consecutiveFailures: 3,
      consecutiveSuccesses: 0,
      consecutiveUnknown: 0,
      transitions: [],
      lastResult: { status: 'down', latencyMs: 5000, error: 'timeout', at: NOW - 1000 },
      version: 7,
    });
    const answer = await send(get('/health/checks'));
    expect(answer.status).toBe(200);
    expect(answer.headers['Content-Type']).toBe('application/json');
    expect(answer.json.components).toEqual([
      { component: 'api', status: 'down', dependsOn: [], reasons: [expect.stringContaining('timeout')] },
      { component: 'database', status: 'unknown', dependsOn: [], reasons: ['db-writer: no verdict'] },
    ]);
    expect(answer.json.checks[0]).toMatchObject({
      id: 'api-http',
      status: 'unhealthy',
      since: new Date(NOW - 60_000).toISOString(),
      lastResult: { status: 'down', error: 'timeout' },
    });
    expect(answer.json.checks[1]).toMatchObject({
      id: 'db-writer',
      status: 'unknown',
      since: null,
      lastResult: null,
    });
  });

  it('GET /health/checks/{id} answers 404 problem for a check that is not configured', async () => {
    const { send } = harness();
    const answer = await send(get('/health/checks/nope', { pathParameters: { id: 'nope' } }));
    expect(answer.status).toBe(404);
    expect(answer.headers['Content-Type']).toBe('application/problem+json');
    expect(answer.json).toMatchObject({
      type: 'urn:misybot-ha:problem:not-found',
      detail: 'No health check "nope" is configured',
    });
  });

  it('GET /incidents merges health and failover incidents, newest first, and filters open ones', async () => {
    const { send, world } = harness();
    world.healthIncidents = [
      {
        id: `api@${new Date(NOW - 600_000).toISOString()}`,
        component: 'api',
        state: 'open',
        severity: 'critical',
        status: 'down',
        openedAt: NOW - 600_000,
        updatedAt: NOW,
        occurrences: 4,
        reasons: ['api-http: timeout'],
        checks: [],
        version: 2,
      },
    ];
    world.failoverIncidents = [
      {
        id: 'database-command:r1',
        component: 'database',
        kind: 'failover',
        trigger: 'command',
        reason: 'drill',
        from: 'db-1',
        to: 'db-2',
        detectedAt: NOW - 300_000,
        decidedAt: NOW - 299_000,
        recoveredAt: NOW - 200_000,
        status: 'recovered',
        actions: [],
        totalMs: 100_000,
      },
    ];
    const all = await send(get('/incidents', { query: { state: 'all', limit: '10' } }));
    expect(all.status).toBe(200);
    expect(all.json.incidents.map((i: { id: string }) => i.id)).toEqual([
      'database-command:r1',
      world.healthIncidents[0]!.id,
    ]);
    const open = await send(get('/incidents', { query: { state: 'open' } }));
    expect(open.json.incidents.map((i: { kind: string }) => i.kind)).toEqual(['health']);
  });

  it('GET /incidents/{id} shows a health incident with the failovers started while it was open', async () => {
    const { send, world } = harness();
    const id = `api@${new Date(NOW - 600_000).toISOString()}`;
    world.healthIncidents = [
      {
        id,
        component: 'api',
        state: 'resolved',
        severity: 'critical',
        status: 'down',
        openedAt: NOW - 600_000,
        updatedAt: NOW,
        resolvedAt: NOW - 60_000,
        occurrences: 4,
        reasons: ['down'],
        checks: [],
        version: 2,
      },
    ];
    world.failoverIncidents = [
      {
        id: 'database-a',
        component: 'database',
        kind: 'failover',
        trigger: 'health',
        reason: 'writer down',
        from: 'db-1',
        to: 'db-2',
        detectedAt: NOW - 500_000,
        decidedAt: NOW - 499_000,
        switchedAt: NOW - 400_000,
        status: 'switched',
        actions: [
          {
            action: { kind: 'aurora-failover', targetInstance: 'db-2' },
            startedAt: NOW - 499_000,
            finishedAt: NOW - 400_000,
            outcome: { ok: true },
          },
        ],
      },
      {
        id: 'database-b',
        component: 'database',
        kind: 'drill',
        trigger: 'command',
        reason: 'old drill',
        from: 'db-1',
        to: 'db-2',
        detectedAt: NOW - 9_000_000,
        decidedAt: NOW - 9_000_000,
        status: 'recovered',
        actions: [],
      },
    ];
    const answer = await send(get(`/incidents/${encodeURIComponent(id)}`, { pathParameters: { id } }));
    expect(answer.status).toBe(200);
    expect(answer.json.failovers.map((f: { id: string }) => f.id)).toEqual(['database-a']);
    expect(answer.json.failovers[0].actions[0]).toMatchObject({
      action: { kind: 'aurora-failover' },
      outcome: { ok: true },
    });
    expect(answer.json.failovers[0].narrative[0]).toContain('db-1 → db-2');
  });

  it('GET /status answers every section and reports a failing one instead of failing', async () => {
    const { send, world } = harness({
      failover: {
        states: async () => {
          throw new Error('DynamoDB throttled');
        },
        incidents: async () => [],
        incident: async () => undefined,
      },
    });
    world.decisions = [{ at: new Date(NOW).toISOString(), summary: 'hold 3' }];
    const answer = await send(get('/status'));
    expect(answer.status).toBe(200);
    expect(answer.json.fleet).toEqual({
      group: GROUP,
      minCapacity: 2,
      maxCapacity: 10,
      desiredCapacity: 3,
      inService: 1,
    });
    expect(answer.json.scaling).toEqual([{ at: new Date(NOW).toISOString(), summary: 'hold 3' }]);
    expect(answer.json.failover).toBeNull();
    expect(answer.json.errors).toEqual([{ section: 'failover', message: 'failover could not be read' }]);
    expect(JSON.stringify(answer.json)).not.toContain('throttled');
  });

  it('GET /scaling/groups/{name} shows capacity, the effective policy and decisions; other groups are 404', async () => {
    const { send, world } = harness();
    world.override = {
      policy: { targetTracking: [{ name: 'cpu', metric: 'cpu', target: 50 }] },
      updatedBy: 'alice',
    };
    const answer = await send(get(`/scaling/groups/${GROUP}`, { pathParameters: { name: GROUP } }));
    expect(answer.status).toBe(200);
    expect(answer.json.group.desiredCapacity).toBe(3);
    expect(answer.json.effectivePolicy).toMatchObject({
      source: 'override',
      updatedBy: 'alice',
      policy: { targetTracking: [{ target: 50, toleranceOut: 0.05 }] },
    });
    world.override = { policy: { targetTracking: 'cpu' } };
    const broken = await send(get(`/scaling/groups/${GROUP}`, { pathParameters: { name: GROUP } }));
    expect(broken.json.effectivePolicy.source).toBe('default');
    expect(broken.json.effectivePolicy.overrideProblems[0]).toContain('targetTracking');
    const other = await send(get('/scaling/groups/other', { pathParameters: { name: 'other' } }));
    expect(other.status).toBe(404);
  });

  it('GET /load-balancer, /failover, /cache/stats and the database reports', async () => {
    const { send, world } = harness();
    expect((await send(get('/load-balancer'))).json.targetGroups[0]).toMatchObject({
      name: 'primary',
      weight: 100,
    });
    expect(
      (await send(get('/failover'))).json.components.map(
        (c: { component: string; phase: string }) => `${c.component}:${c.phase}`,
      ),
    ).toEqual(['database:primary', 'cache:primary']);
    const stats = await send(get('/cache/stats', { query: { windowMinutes: '15' } }));
    expect(stats.json).toEqual({
      windowMinutes: 15,
      namespaces: [{ namespace: 'answers', hits: 90, misses: 10, staleServes: 0, errors: 0, hitRatio: 0.9 }],
    });
    expect((await send(get('/database/slow-queries'))).status).toBe(404);
    world.report = {
      reportedAt: '2026-03-01T11:00:00.000Z',
      slowQueries: [{ query: 'select 1' }],
      recommendations: [{ table: 'messages' }],
      trimmed: false,
    };
    const slow = await send(get('/database/slow-queries'));
    expect(slow.json).toMatchObject({
      reportedAt: '2026-03-01T11:00:00.000Z',
      slowQueries: [{ query: 'select 1' }],
      regressions: [],
    });
    const advice = await send(get('/database/index-recommendations'));
    expect(advice.json).toMatchObject({ recommendations: [{ table: 'messages' }], unusedIndexes: [] });
  });

  it('GET /openapi.json serves the document the schemas generate', async () => {
    const { send } = harness();
    const answer = await send(get('/openapi.json'));
    expect(answer.status).toBe(200);
    expect(answer.json.openapi).toBe('3.1.0');
    expect(Object.keys(answer.json.paths)).toContain('/scaling/groups/{name}/capacity');
  });

  it('answers unknown routes with a 404 problem and every answer with the correlation id', async () => {
    const { send } = harness();
    const answer = await send({ ...jsonRequest('PATCH', '/status', {}), requestId: 'corr-1' });
    expect(answer.status).toBe(404);
    expect(answer.json).toMatchObject({
      title: 'Not found',
      detail: 'No such route',
      correlationId: 'corr-1',
    });
    expect(answer.headers['X-Correlation-Id']).toBe('corr-1');
    expect(
      (await send({ method: 'GET', path: '/status', requestId: 'corr-2' })).headers['X-Correlation-Id'],
    ).toBe('corr-2');
  });
});
