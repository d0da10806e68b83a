import { parseHealthCheckConfig } from '../../../../functions/core/health/health-config';
import { platformHealthChecks } from '../../../../functions/core/health/platform-checks';

const inputs = {
  endpointUrl: 'https://api.example.com',
  healthCheckPath: '/health',
  targetGroupArns: [
    'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/primary/0123456789abcdef',
    'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/canary/fedcba9876543210',
  ],
  clusterIdentifier: 'misybot-db',
  replicationGroupId: 'misybot-cache',
  controlFunctions: [
    { name: 'scaling', functionName: 'misybot-scaling' },
    { name: 'failover', functionName: 'misybot-failover' },
  ],
};

describe('platformHealthChecks', () => {
  it('builds a config the schema accepts unchanged (every default it relies on is explicit)', () => {
    const config = platformHealthChecks(inputs);
    expect(parseHealthCheckConfig(JSON.parse(JSON.stringify(config)))).toEqual(config);
  });

  it('checks the public endpoint at the ALB health-check path, critical for the api component', () => {
    const api = platformHealthChecks({ ...inputs, expectedStatus: '200' }).checks[0];
    expect(api).toMatchObject({
      id: 'api-endpoint',
      component: 'api',
      kind: 'http',
      url: 'https://api.example.com/health',
      expectedStatus: '200',
      critical: true,
      timeoutMs: 5000,
      failureThreshold: 2,
      successThreshold: 2,
    });
  });

  it('needs healthy targets in the fleet group only; other groups only warn about unhealthy ones', () => {
    const fleet = platformHealthChecks({ ...inputs, minHealthyTargets: 2 }).checks.filter(
      (check) => check.kind === 'alb-target-health',
    );
    expect(fleet).toEqual([
      expect.objectContaining({
        id: 'fleet-targets',
        minHealthy: 2,
        critical: true,
        targetGroupArn: inputs.targetGroupArns[0],
      }),
      expect.objectContaining({
        id: 'fleet-targets-2',
        minHealthy: 0,
        critical: false,
        targetGroupArn: inputs.targetGroupArns[1],
      }),
    ]);
  });

  it('checks Aurora, ElastiCache and each control function with the given names', () => {
    const { checks } = platformHealthChecks({ ...inputs, maxReplicaLagMs: 250, timeoutMs: 3000 });
    expect(checks.find((c) => c.kind === 'aurora')).toMatchObject({
      id: 'database-cluster',
      clusterId: 'misybot-db',
      maxReplicaLagMs: 250,
      timeoutMs: 3000,
    });
    expect(checks.find((c) => c.kind === 'elasticache')).toMatchObject({
      id: 'cache-replication-group',
      replicationGroupId: 'misybot-cache',
    });
    expect(checks.filter((c) => c.kind === 'lambda-errors').map((c) => [c.id, c.component])).toEqual([
      ['control-scaling-errors', 'control-plane'],
      ['control-failover-errors', 'control-plane'],
    ]);
  });

  it('reads the data path from the service at the health path: the database critical, the cache degrading', () => {
    const { checks } = platformHealthChecks(inputs);
    const dependencies = checks.filter((c) => c.kind === 'dependency');
    // The database's speed is left to the service's own probe timeout: down, not slow.
    expect(dependencies[0]).not.toHaveProperty('maxLatencyMs');
    expect(dependencies).toEqual([
      expect.objectContaining({
        id: 'database-data-path',
        component: 'database',
        url: 'https://api.example.com/health',
        dependency: 'database',
        critical: true,
      }),
      expect.objectContaining({
        id: 'cache-data-path',
        component: 'cache',
        url: 'https://api.example.com/health',
        dependency: 'cache',
        maxLatencyMs: 250,
        critical: false,
      }),
    ]);
  });

  it('takes the data path keys and bounds given, and leaves the checks out for an app that does not report them', () => {
    const custom = platformHealthChecks({
      ...inputs,
      dataPath: { database: 'postgres', cache: 'redis', maxDatabaseLatencyMs: 800, maxCacheLatencyMs: 50 },
    }).checks.filter((c) => c.kind === 'dependency');
    expect(custom.map((c) => [c.dependency, c.maxLatencyMs])).toEqual([
      ['postgres', 800],
      ['redis', 50],
    ]);
    const none = platformHealthChecks({ ...inputs, dataPath: false });
    expect(none.checks.some((c) => c.kind === 'dependency')).toBe(false);
  });

  it('makes a data-tier outage inhibit the fleet and the api, and leaves out control-plane without functions', () => {
    const { components } = platformHealthChecks({ ...inputs, controlFunctions: [] });
    expect(components.map((c) => [c.id, c.dependsOn])).toEqual([
      ['api', ['fleet']],
      ['fleet', ['database', 'cache']],
      ['database', []],
      ['cache', []],
    ]);
  });

  it('places deploy-time tokens as they are', () => {
    // The shape of a CDK string token, without depending on CDK here.
    const token = ['$', '{Token[TOKEN.42]}'].join('');
    const config = platformHealthChecks({
      ...inputs,
      endpointUrl: `http://${token}`,
      replicationGroupId: token,
    });
    expect(config.checks[0]).toMatchObject({ url: `http://${token}/health` });
    expect(config.checks.find((c) => c.kind === 'elasticache')).toMatchObject({ replicationGroupId: token });
  });

  it('refuses a platform without a target group', () => {
    expect(() => platformHealthChecks({ ...inputs, targetGroupArns: [] })).toThrow(
      'targetGroupArns must name at least the fleet target group, got none',
    );
  });
});
