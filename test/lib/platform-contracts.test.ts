import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { EventBridgeHealthEventPublisher } from '../../functions/adapters/aws/health-event-publisher';
import { createAdminDeps, createClients } from '../../functions/handlers/admin-api/dependencies';
import { readFormatterSettings } from '../../functions/handlers/alert-formatter/settings';
import { CACHE_WORKER_ENV, redisConnector } from '../../functions/handlers/cache-admin/dependencies';
import { parseFailoverEnvironment } from '../../functions/handlers/failover/config';
import { parseInvocation } from '../../functions/handlers/failover/events';
import { readHealthSettings } from '../../functions/handlers/health-check/settings';
import { parseEventBridgeEvent } from '../../functions/handlers/scaling/events';
import { readScalingSettings } from '../../functions/handlers/scaling/settings';
import { loadSlowQueriesConfig } from '../../functions/handlers/slow-queries/config';
import { needsOf } from './platform-contracts-needs';
import { ACCOUNT, allows, REGION, synthesisePlatform } from './platform-contracts-template';

// The contracts between the constructs and the handlers they deploy, on the real PlatformStack:
// what each handler reads from its environment, what its adapters call, the events it is sent.
const platform = synthesisePlatform();
const { functions, resources, resolve } = platform;
const fn = (service: string) => {
  const found = functions[service];
  if (!found) throw new Error(`no function with POWERTOOLS_SERVICE_NAME=${service} in the platform`);
  return found;
};
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const refOf = (type: string, idPart = '') => {
  const [id] = ofType(type).find(([logicalId]) => logicalId.includes(idPart)) ?? [];
  if (!id) throw new Error(`no ${type} with "${idPart}" in its id`);
  return platform.refs[id]!;
};

describe('platform contracts: environment', () => {
  it('gives the scaling function the group, target group, ALB and topics it scales and reports on', () => {
    const settings = readScalingSettings(fn('scaling').env);
    expect(settings.stateTable).toBe(refOf('AWS::DynamoDB::Table'));
    expect(settings.autoScalingGroupName).toBe(refOf('AWS::AutoScaling::AutoScalingGroup'));
    expect(settings.targetGroupFullName).toBe(
      platform.refs[`${ofType('AWS::ElasticLoadBalancingV2::TargetGroup')[0]![0]}.TargetGroupFullName`],
    );
    expect(settings.targetGroupFullName).toMatch(/^targetgroup\/[^/]+\/[0-9a-f]+$/);
    expect(settings.loadBalancerFullName).toMatch(/^app\/[^/]+\/[0-9a-f]+$/);
    expect(settings.infoTopicArn).toBe(refOf('AWS::SNS::Topic', 'Info'));
    expect(settings.warningTopicArn).toBe(refOf('AWS::SNS::Topic', 'Warning'));
    expect(settings.defaultPolicy).toMatchObject({
      minCapacity: platform.config.fleet.minCapacity,
      maxCapacity: platform.config.fleet.maxCapacity,
    });
  });

  it('gives the health function checks that pass its own parser, naming the deployed resources', () => {
    const settings = readHealthSettings(fn('health-check').env);
    expect(settings.tableName).toBe(refOf('AWS::DynamoDB::Table'));
    expect(settings.topicArns.critical).toBe(refOf('AWS::SNS::Topic', 'Critical'));
    const byKind = (kind: string) => settings.config.checks.filter((check) => check.kind === kind);
    expect(byKind('alb-target-health').map((c) => (c as { targetGroupArn: string }).targetGroupArn)).toEqual(
      ofType('AWS::ElasticLoadBalancingV2::TargetGroup').map(([id]) => platform.refs[id]),
    );
    expect(byKind('elasticache')).toEqual([
      expect.objectContaining({ replicationGroupId: refOf('AWS::ElastiCache::ReplicationGroup') }),
    ]);
    expect(byKind('lambda-errors').map((c) => (c as { functionName: string }).functionName)).toEqual(
      ['scaling', 'failover', 'slow-queries'].map((service) => fn('admin-api').env[envOfInvoked(service)]),
    );
    expect(settings.labels).toEqual({
      platform: platform.config.name,
      stage: platform.config.environment.stage,
    });
  });

  it('gives the alert formatter webhook secrets and topic ARNs its parser accepts', () => {
    const settings = readFormatterSettings(fn('alert-formatter').env);
    expect(settings.webhooks.length).toBeGreaterThan(0);
    expect([...settings.topicSeverities.keys()]).toEqual(
      ['Critical', 'Warning', 'Info'].map((name) => refOf('AWS::SNS::Topic', name)),
    );
  });

  it('gives the failover function every component, its alarms by name and the health components it follows', () => {
    const config = parseFailoverEnvironment(fn('failover').env);
    expect(config.configured).toEqual(['dns', 'database', 'cache']);
    expect(config.healthCheckId).toBe(refOf('AWS::Route53::HealthCheck'));
    expect(config.replicationGroupId).toBe(refOf('AWS::ElastiCache::ReplicationGroup'));
    expect(config.clusterIdentifier).toBe(fn('slow-queries').env.DB_CLUSTER_ID);
    const alarmNames = ofType('AWS::CloudWatch::Alarm').map(([id]) => platform.refs[id]);
    expect(Object.keys(config.alarmComponents).length).toBeGreaterThan(0);
    for (const name of Object.keys(config.alarmComponents)) expect(alarmNames).toContain(name);
    // A health component the failover function follows must be one the health function reports.
    const healthComponents = readHealthSettings(fn('health-check').env).config.components.map((c) => c.id);
    for (const component of Object.keys(config.componentMap)) expect(healthComponents).toContain(component);
  });

  it('gives the slow-query function the proxy, the cluster the admin API reads reports of, and its settings', () => {
    const config = loadSlowQueriesConfig(fn('slow-queries').env);
    expect(config.database.hostname).toMatch(/\.proxy-[a-z0-9]+\.eu-west-1\.rds\.amazonaws\.com$/);
    expect(config.database.port).toBe(5432);
    expect(config.database.region).toBe(REGION);
    // Reports are written under QUERIES#<DB_CLUSTER_ID> and read under QUERIES#<CLUSTER_IDENTIFIER>.
    expect(config.database.clusterId).toBe(fn('admin-api').env.CLUSTER_IDENTIFIER);
    expect(config.analysis).toEqual(platform.config.database.analysis);
  });

  it('gives the admin API settings, listener and target groups its parser accepts, matching the writers', () => {
    const env = fn('admin-api').env;
    const deps = createAdminDeps(
      env,
      createClients(),
      () => undefined,
      () => undefined,
    );
    // The scaling items it reads are SCALING#<group>, keyed by the group the scaling function scales.
    expect(deps.settings.autoScalingGroupName).toBe(fn('scaling').env.AUTO_SCALING_GROUP);
    expect(deps.settings.failoverComponents).toEqual(parseFailoverEnvironment(fn('failover').env).configured);
    expect(deps.settings.health.checks.map((c) => c.id)).toEqual(
      readHealthSettings(fn('health-check').env).config.checks.map((c) => c.id),
    );
    expect(env.TABLE_NAME).toBe(fn('scaling').env.STATE_TABLE);
    expect(JSON.parse(env.TARGET_GROUPS!)).toEqual(
      platform.config.loadBalancing.targetGroups.map((group, index) => ({
        name: group.name,
        arn: platform.refs[ofType('AWS::ElasticLoadBalancingV2::TargetGroup')[index]![0]],
      })),
    );
    for (const port of [
      'scalingEvaluator',
      'failoverCommander',
      'queryAnalyzer',
      'cacheInvalidator',
    ] as const)
      expect(deps[port]).toBeDefined();
  });

  it('gives the cache worker the Redis endpoint, TLS port and AUTH secret', () => {
    const env = fn('cache-admin').env;
    expect(() => redisConnector(env)).not.toThrow();
    for (const name of CACHE_WORKER_ENV) expect(env[name]).toBeTruthy();
    const [, group] = ofType('AWS::ElastiCache::ReplicationGroup')[0]!;
    expect(Number(env.REDIS_PORT)).toBe(group.Properties!.Port);
    expect(env.REDIS_HOST).toMatch(/\.cache\.amazonaws\.com$/);
    expect(env.REDIS_AUTH_SECRET_ARN).toBe(refOf('AWS::SecretsManager::Secret', 'CacheAuth'));
  });
});

function envOfInvoked(service: string): string {
  return {
    scaling: 'SCALING_FUNCTION',
    failover: 'FAILOVER_FUNCTION',
    'slow-queries': 'SLOW_QUERY_FUNCTION',
  }[service]!;
}

describe('platform contracts: IAM', () => {
  const tableKey = resolve(
    (ofType('AWS::DynamoDB::Table')[0]![1].Properties!.SSESpecification as { KMSMasterKeyId: unknown })
      .KMSMasterKeyId,
  );
  const topicKey = resolve(ofType('AWS::SNS::Topic')[0]![1].Properties!.KmsMasterKeyId);
  const needs = needsOf(functions, { tableKey, topicKey });

  describe.each(Object.keys(needs))('the %s function', (service) => {
    it.each(needs[service]!.map((need) => [need.action, need.resource, need.why]))(
      'may %s on %s (%s)',
      (action, resource) => {
        expect(allows(fn(service), action, resource)).toBe(true);
      },
    );
  });

  it('does not grant what no adapter calls: no Scan, no failover of other clusters', () => {
    for (const service of Object.keys(functions))
      expect(allows(fn(service), 'dynamodb:Scan', '*')).toBe(false);
    const otherCluster = `arn:aws:rds:${REGION}:${ACCOUNT}:cluster:someone-else`;
    expect(allows(fn('failover'), 'rds:FailoverDBCluster', otherCluster)).toBe(false);
  });
});

/** EventBridge's matching for the pattern forms the platform uses: value lists and nested objects. */
function matches(pattern: Record<string, unknown>, event: Record<string, unknown>): boolean {
  return Object.entries(pattern).every(([key, expected]) => {
    const actual = event[key];
    if (Array.isArray(expected)) {
      const values = Array.isArray(actual) ? actual : [actual];
      return values.some((value) => expected.includes(value));
    }
    return typeof actual === 'object' && actual !== null && matches(expected as never, actual as never);
  });
}

describe('platform contracts: events', () => {
  const rules = ofType('AWS::Events::Rule')
    .filter(([, rule]) => rule.Properties!.EventPattern)
    .map(([id, rule]) => ({
      id,
      pattern: resolveTree(rule.Properties!.EventPattern) as Record<string, unknown>,
      targets: (rule.Properties!.Targets as { Arn: unknown }[]).map((t) => resolve(t.Arn)),
    }));
  const targetsOf = (event: Record<string, unknown>) =>
    rules.filter((rule) => matches(rule.pattern, event)).flatMap((rule) => rule.targets);
  const arnOf = (service: string) =>
    `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${fn('admin-api').env[envOfInvoked(service)]}`;
  const failoverConfig = parseFailoverEnvironment(fn('failover').env);

  it('delivers what the health publisher puts on the bus to the failover function, which accepts it', async () => {
    const eventBridge = mockClient(EventBridgeClient);
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
    await new EventBridgeHealthEventPublisher(new EventBridgeClient({ region: REGION })).publish([
      {
        component: 'database',
        status: 'down',
        previous: 'healthy',
        at: '2025-01-01T00:00:00.000Z',
        checks: [{ id: 'database-cluster', status: 'unhealthy' }],
      },
    ]);
    const entry = eventBridge.commandCalls(PutEventsCommand)[0]!.args[0].input.Entries![0]!;
    eventBridge.restore();
    const event = {
      version: '0',
      id: 'e-1',
      'detail-type': entry.DetailType,
      source: entry.Source,
      account: ACCOUNT,
      time: '2025-01-01T00:00:01Z',
      region: REGION,
      resources: [],
      detail: JSON.parse(entry.Detail!),
    };
    expect(targetsOf(event)).toContain(arnOf('failover'));
    expect(parseInvocation(event, failoverConfig)).toMatchObject({
      kind: 'triggers',
      triggers: [{ kind: 'verdict', component: 'database', status: 'down' }],
    });
    // The fleet is left to the ALB: its verdicts are not routed to the failover function at all.
    expect(targetsOf({ ...event, detail: { ...event.detail, component: 'fleet' } })).not.toContain(
      arnOf('failover'),
    );
  });

  it.each(Object.entries(failoverConfig.alarmComponents))(
    "sends alarm %s's ALARM state to the failover function as %s",
    (alarmName, component) => {
      const event = alarmEvent(alarmName);
      expect(targetsOf(event)).toContain(arnOf('failover'));
      expect(parseInvocation(event, failoverConfig)).toMatchObject({
        triggers: [{ kind: 'alarm', component }],
      });
    },
  );

  it('sends neither function an alarm it has no rule for, nor the failover function an OK state', () => {
    const other = alarmEvent('Platform-SomeOtherAlarm-1A2B3C4D5E6F');
    expect(targetsOf(other)).toEqual([]);
    const [mapped] = Object.keys(failoverConfig.alarmComponents);
    const ok = alarmEvent(mapped!);
    (ok.detail as { state: { value: string } }).state.value = 'OK';
    expect(targetsOf(ok)).not.toContain(arnOf('failover'));
  });

  it('sends the fleet CPU and memory alarms to the scaling function, which accepts them', () => {
    const scalingAlarms = ofType('AWS::CloudWatch::Alarm')
      .filter(([id]) => /asgCpuPercent|asgMemoryPercent/.test(id))
      .map(([id]) => platform.refs[id]!);
    expect(scalingAlarms).toHaveLength(2);
    for (const alarmName of scalingAlarms) {
      const event = alarmEvent(alarmName);
      expect(targetsOf(event)).toContain(arnOf('scaling'));
      expect(parseEventBridgeEvent(event)).toMatchObject({ trigger: 'alarm' });
    }
  });
});

/** Resolves every intrinsic inside a template value (an event pattern holds them in its lists). */
function resolveTree(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(resolveTree);
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value);
  if (entries.length === 1 && (entries[0]![0] === 'Ref' || entries[0]![0].startsWith('Fn::')))
    return resolve(value);
  return Object.fromEntries(entries.map(([key, inner]) => [key, resolveTree(inner)]));
}

/** A CloudWatch "Alarm State Change" event as EventBridge delivers it. */
function alarmEvent(alarmName: string): Record<string, unknown> {
  return {
    version: '0',
    id: `alarm-event-${alarmName}`,
    'detail-type': 'CloudWatch Alarm State Change',
    source: 'aws.cloudwatch',
    account: ACCOUNT,
    time: '2025-01-01T00:00:00Z',
    region: REGION,
    resources: [`arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:${alarmName}`],
    detail: {
      alarmName,
      state: { value: 'ALARM', reason: 'Threshold Crossed', timestamp: '2025-01-01T00:00:00.000+0000' },
      previousState: { value: 'OK', reason: 'ok', timestamp: '2024-12-31T23:00:00.000+0000' },
      configuration: { metrics: [] },
    },
  };
}
