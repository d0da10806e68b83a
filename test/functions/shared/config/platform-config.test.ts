import fc from 'fast-check';
import { defaultConfigInput, parsePlatformConfig } from '../../../../functions/shared/config';
import { ConfigError } from '../../../../functions/shared/errors';
import { problemsOf } from '../../../support/config';

describe('parsePlatformConfig', () => {
  it('accepts the embedded default and keeps its demo domain and secondary', () => {
    const config = parsePlatformConfig(defaultConfigInput);
    expect(config.domain?.zoneName).toBe('example.com');
    expect(config.failover.secondary?.kind).toBe('ipv4');
    expect(config.loadBalancing.targetGroups.map((g) => g.name)).toEqual(['primary', 'canary']);
  });

  it('fills every default into an empty file', () => {
    const config = parsePlatformConfig({});
    expect(config.fleet).toMatchObject({ minCapacity: 2, maxCapacity: 10, warmupSeconds: 300 });
    expect(config.loadBalancing.healthCheck).toMatchObject({ path: '/health', intervalSeconds: 15 });
    expect(config.cache).toMatchObject({ port: 6380, evictionPolicy: 'allkeys-lru', replicas: 1 });
    expect(config.alarms.alb5xxRatePercent).toEqual({
      threshold: 5,
      severity: 'critical',
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
    });
    expect(config.domain).toBeUndefined();
  });

  it('keeps an alarm threshold the user sets while defaulting its severity', () => {
    const config = parsePlatformConfig({ alarms: { asgCpuPercent: { threshold: 70 } } });
    expect(config.alarms.asgCpuPercent).toMatchObject({ threshold: 70, severity: 'warning' });
  });

  it('names both fields and the value when max capacity is below min capacity', () => {
    expect(problemsOf({ fleet: { minCapacity: 2, maxCapacity: 1 } })[0]).toBe(
      'fleet.maxCapacity: must be ≥ fleet.minCapacity (2), got 1',
    );
  });

  it('rejects a desired capacity outside the bounds', () => {
    expect(problemsOf({ fleet: { minCapacity: 2, maxCapacity: 4, desiredCapacity: 5 } })).toEqual([
      'fleet.desiredCapacity: must be between fleet.minCapacity (2) and fleet.maxCapacity (4), got 5',
    ]);
  });

  it('rejects a health-check timeout that is not shorter than the interval', () => {
    expect(
      problemsOf({ loadBalancing: { healthCheck: { intervalSeconds: 10, timeoutSeconds: 10 } } }),
    ).toEqual([
      'loadBalancing.healthCheck.timeoutSeconds: must be < loadBalancing.healthCheck.intervalSeconds (10), got 10',
    ]);
  });

  it('allows anomaly mitigation only with weighted_random', () => {
    expect(problemsOf({ loadBalancing: { anomalyMitigation: true } })).toEqual([
      'loadBalancing.anomalyMitigation: needs loadBalancing.algorithm "weighted_random", got "least_outstanding_requests"',
    ]);
    expect(
      parsePlatformConfig({ loadBalancing: { algorithm: 'weighted_random', anomalyMitigation: true } })
        .loadBalancing.anomalyMitigation,
    ).toBe(true);
  });

  it('rejects slow start with weighted_random, which the ALB does not support', () => {
    expect(problemsOf({ loadBalancing: { algorithm: 'weighted_random', slowStartSeconds: 60 } })[0]).toMatch(
      /^loadBalancing\.slowStartSeconds: must be 0 with loadBalancing\.algorithm "weighted_random"/,
    );
  });

  it('rejects slow start with least_outstanding_requests, which the ALB refuses at deploy time', () => {
    expect(
      problemsOf({ loadBalancing: { algorithm: 'least_outstanding_requests', slowStartSeconds: 60 } }),
    ).toEqual([
      'loadBalancing.slowStartSeconds: must be 0 with loadBalancing.algorithm "least_outstanding_requests" (ALB supports slow start only with round_robin), got 60',
    ]);
    expect(
      parsePlatformConfig({ loadBalancing: { algorithm: 'round_robin', slowStartSeconds: 60 } }).loadBalancing
        .slowStartSeconds,
    ).toBe(60);
  });

  it('rejects a slow start between 1 and 29 seconds', () => {
    expect(problemsOf({ loadBalancing: { algorithm: 'round_robin', slowStartSeconds: 10 } })).toEqual([
      'loadBalancing.slowStartSeconds: must be 0 (off) or between 30 and 900, got 10',
    ]);
  });

  it('rejects duplicate target group names and weights that are all zero', () => {
    expect(
      problemsOf({
        loadBalancing: {
          targetGroups: [
            { name: 'a', weight: 0 },
            { name: 'a', weight: 0 },
          ],
        },
      }),
    ).toEqual([
      'loadBalancing.targetGroups[1].name: must be unique, got "a" twice',
      'loadBalancing.targetGroups: must give at least one target group a weight > 0, got all 0',
    ]);
  });

  it('needs a domain for a failover secondary', () => {
    expect(problemsOf({ failover: { secondary: { kind: 'ipv4', addresses: ['192.0.2.1'] } } })).toEqual([
      'failover.secondary: needs domain (the hosted zone the failover records go in), got no domain',
    ]);
  });

  it("fills the slow-query analysis's regression floors and names a bad one", () => {
    expect(parsePlatformConfig({}).database.analysis).toMatchObject({
      regressionPercent: 50,
      regressionMinIncreaseMs: 0.5,
      regressionMinAddedMs: 1000,
    });
    const problems = problemsOf({
      database: { analysis: { regressionMinIncreaseMs: -1, regressionMinAddedMs: 'a lot' } },
    });
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^database\.analysis\.regressionMinIncreaseMs: .*got -1$/);
    expect(problems[1]).toMatch(/^database\.analysis\.regressionMinAddedMs: /);
  });

  it('lists the allowed values of an enum and the value it got', () => {
    expect(problemsOf({ cache: { evictionPolicy: 'lru' } })).toEqual([
      'cache.evictionPolicy: expected one of "volatile-lru"|"allkeys-lru"|"volatile-lfu"|"allkeys-lfu"|"volatile-random"|"allkeys-random"|"volatile-ttl"|"noeviction", got "lru"',
    ]);
  });

  it('names unknown fields at any depth', () => {
    expect(problemsOf({ fleet: { minSize: 1 }, colour: 'blue' })).toEqual([
      'fleet: unknown field "minSize"',
      '(root): unknown field "colour"',
    ]);
  });

  it('reports every problem of a file at once, with array indexes in the path', () => {
    const problems = problemsOf({
      cache: { port: 6379 },
      failover: { healthCheckIntervalSeconds: 15 },
      alerting: { critical: [{ protocol: 'email', endpoint: 'not-an-address' }] },
    });
    expect(problems).toEqual([
      'cache.port: must not be the default Redis port 6379, got 6379',
      'failover.healthCheckIntervalSeconds: must be 10 or 30, got 15',
      'alerting.critical[0].endpoint: must be an e-mail address, got "not-an-address"',
    ]);
  });

  it('requires a region, and zones of that region, when availability zones are named', () => {
    expect(problemsOf({ network: { availabilityZones: ['eu-west-1a', 'eu-west-1b'] } })).toEqual([
      'environment.region: must be set when network.availabilityZones names zones, got nothing',
    ]);
    expect(
      problemsOf({
        environment: { region: 'eu-west-1' },
        network: { availabilityZones: ['eu-west-1a', 'us-east-1b'] },
      }),
    ).toEqual([
      'network.availabilityZones: must be zones of environment.region (eu-west-1), got ["eu-west-1a","us-east-1b"]',
    ]);
  });

  it('rejects an alarm that needs more breaching datapoints than it evaluates', () => {
    expect(
      problemsOf({
        alarms: { redisEvictions: { threshold: 1, evaluationPeriods: 2, datapointsToAlarm: 3 } },
      }),
    ).toEqual([
      'alarms.redisEvictions.datapointsToAlarm: must be ≤ alarms.redisEvictions.evaluationPeriods (2), got 3',
    ]);
  });

  it('keeps deletion protection on in production', () => {
    expect(
      problemsOf({
        environment: { stage: 'prod' },
        fleet: { app: { image: { amiId: 'ami-0123456789abcdef0' } } },
        database: { deletionProtection: false },
      }).filter((problem) => problem.startsWith('database')),
    ).toEqual(['database.deletionProtection: must be true when environment.stage is "prod", got false']);
  });

  it('rejects a schedule that EventBridge would not accept', () => {
    expect(problemsOf({ controlPlane: { schedules: { scaling: 'every minute' } } })[0]).toMatch(
      /^controlPlane\.schedules\.scaling: must be an EventBridge schedule expression/,
    );
  });

  describe('endpoints', () => {
    const route = { route: '/chat/:id', method: 'GET', p95Ms: 300 } as const;

    it('defaults to no routes in the recorder default namespace, and fills route defaults', () => {
      expect(parsePlatformConfig({}).endpoints).toEqual({
        service: 'misybot',
        namespace: 'MisyBot/Endpoints',
        routes: [],
      });
      expect(parsePlatformConfig({ endpoints: { routes: [route] } }).endpoints.routes).toEqual([
        {
          ...route,
          severity: 'warning',
          evaluationPeriods: 5,
          datapointsToAlarm: 3,
          errorRateMinRequests: 10,
        },
      ]);
    });

    it('ships two demo routes in the embedded default', () => {
      const { endpoints } = parsePlatformConfig(defaultConfigInput);
      expect(endpoints.routes.map((r) => `${r.method} ${r.route}`)).toEqual([
        'GET /chat/:id',
        'POST /chat/:id/messages',
      ]);
    });

    it('rejects the same route and method twice, naming the first', () => {
      expect(problemsOf({ endpoints: { routes: [route, { ...route, p95Ms: 100 }] } })).toEqual([
        'endpoints.routes[1].route: must be unique per method, got GET /chat/:id again (first at endpoints.routes[0])',
      ]);
      expect(
        parsePlatformConfig({ endpoints: { routes: [route, { ...route, method: 'POST' }] } }).endpoints
          .routes,
      ).toHaveLength(2);
    });

    it('needs at least one threshold per route', () => {
      expect(problemsOf({ endpoints: { routes: [{ route: '/a', method: 'GET' }] } })).toEqual([
        'endpoints.routes[0]: must set at least one of p95Ms, p99Ms or errorRatePercent, got none',
      ]);
    });

    it('rejects a p99 threshold below the p95 one and more breaching datapoints than evaluated', () => {
      expect(
        problemsOf({
          endpoints: { routes: [{ ...route, p99Ms: 200, evaluationPeriods: 2, datapointsToAlarm: 3 }] },
        }),
      ).toEqual([
        'endpoints.routes[0].p99Ms: must be ≥ endpoints.routes[0].p95Ms (300): the p99 is never below the p95, got 200',
        'endpoints.routes[0].datapointsToAlarm: must be ≤ endpoints.routes[0].evaluationPeriods (2), got 3',
      ]);
    });

    it('names the field of a raw URL, an unknown method, a bad rate, an AWS namespace and an unknown key', () => {
      expect(
        problemsOf({
          endpoints: {
            namespace: 'AWS/Endpoints',
            routes: [
              { route: 'https://api.example.com/chat/1', method: 'GET', p95Ms: 1 },
              { route: '/b', method: 'FETCH', errorRatePercent: 0 },
              { route: '/c', method: 'GET', p95Ms: 0, p90Ms: 1 },
            ],
          },
        }),
      ).toEqual([
        'endpoints.namespace: must be a CloudWatch namespace (letters, digits, . _ / # : - and spaces, not starting with "AWS/"), got "AWS/Endpoints"',
        'endpoints.routes[0].route: must be a route template such as "/chat/:id" (at most 200 characters), got "https://api.example.com/chat/1"',
        'endpoints.routes[1].method: expected one of "GET"|"HEAD"|"POST"|"PUT"|"DELETE"|"PATCH"|"OPTIONS", got "FETCH"',
        'endpoints.routes[1].errorRatePercent: must be a percentage > 0 and ≤ 100, got 0',
        'endpoints.routes[2].p95Ms: must be > 0 and ≤ 3600000 ms, got 0',
        'endpoints.routes[2]: unknown field "p90Ms"',
      ]);
    });

    it('caps the routes alarmed on', () => {
      const routes = Array.from({ length: 26 }, (_, i) => ({ ...route, route: `/r${i}` }));
      const problems = problemsOf({ endpoints: { routes } });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(
        /^endpoints\.routes: must list at most 25 routes \(up to 3 alarms each\), got \[/,
      );
      expect(
        parsePlatformConfig({ endpoints: { routes: routes.slice(0, 25) } }).endpoints.routes,
      ).toHaveLength(25);
    });
  });

  it('accepts any fleet whose bounds are ordered and rejects any whose are not', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 1, max: 1000 }), (min, max) => {
        // minHealthyPercent 0: a rolling update needs no spare room, so only the bounds decide.
        const attempt = () =>
          parsePlatformConfig({
            fleet: { minCapacity: min, maxCapacity: max, update: { minHealthyPercent: 0 } },
          });
        if (max >= min) expect(attempt().fleet).toMatchObject({ minCapacity: min, maxCapacity: max });
        else expect(attempt).toThrow(ConfigError);
      }),
    );
  });
});
