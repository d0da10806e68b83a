import { parseFailoverEnvironment } from '../../../../functions/handlers/failover/config';
import { ConfigError } from '../../../../functions/shared/errors';
import { ENV } from './support';

function problems(env: NodeJS.ProcessEnv): readonly string[] {
  try {
    parseFailoverEnvironment(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('the environment was accepted');
}

describe('parseFailoverEnvironment', () => {
  test('reads the deployment, filling the engine defaults', () => {
    const config = parseFailoverEnvironment(ENV);
    expect(config).toMatchObject({
      tableName: 'misybot-state',
      topicArns: {
        critical: 'arn:aws:sns:eu-west-1:123456789012:critical',
        warning: 'arn:aws:sns:eu-west-1:123456789012:warning',
        info: 'arn:aws:sns:eu-west-1:123456789012:info',
      },
      componentMap: { api: 'dns', database: 'database', cache: 'cache' },
      alarmComponents: { 'unhealthy-hosts': 'dns', 'aurora-cpu': 'database', 'aurora-lag': 'database' },
      healthCheckId: 'hc-0123',
      clusterIdentifier: 'misybot-aurora',
      replicationGroupId: 'misybot-cache',
      configured: ['dns', 'database', 'cache'],
    });
    expect(config.settings).toMatchObject({
      failureThreshold: 2,
      minSecondsBetweenFailovers: 0,
      holdDownSeconds: 300,
      operationLeaseSeconds: 900,
      databaseKind: 'aurora-cluster',
    });
  });

  test('configures only the components with a resource', () => {
    const config = parseFailoverEnvironment({ ...ENV, HEALTH_CHECK_ID: undefined, REPLICATION_GROUP_ID: '' });
    expect(config.configured).toEqual(['database']);
    expect(config.healthCheckId).toBeUndefined();
  });

  test('treats unset maps and settings as empty and default', () => {
    const config = parseFailoverEnvironment({
      ...ENV,
      FAILOVER_SETTINGS: undefined,
      COMPONENT_MAP: undefined,
      ALARM_COMPONENTS: '',
    });
    expect(config.componentMap).toEqual({});
    expect(config.alarmComponents).toEqual({});
    expect(config.settings.failureThreshold).toBe(3);
  });

  test('names every missing variable', () => {
    expect(problems({ ...ENV, STATE_TABLE: undefined, INFO_TOPIC_ARN: '' })).toEqual([
      'STATE_TABLE: must be set by the deployment, got nothing',
      'INFO_TOPIC_ARN: must not be empty, got ""',
    ]);
  });

  test('names the variable that is not JSON and the fields that are wrong', () => {
    const found = problems({
      ...ENV,
      COMPONENT_MAP: '{edge: dns}',
      FAILOVER_SETTINGS: JSON.stringify({ holdDownSeconds: -1, retries: 3 }),
      ALARM_COMPONENTS: JSON.stringify({ queue: ['x'] }),
    });
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^COMPONENT_MAP: must be JSON, got "\{edge: dns\}"/),
        expect.stringMatching(/^FAILOVER_SETTINGS\.holdDownSeconds: /),
        'FAILOVER_SETTINGS: unknown field "retries"',
        expect.stringMatching(/^ALARM_COMPONENTS/),
      ]),
    );
  });

  test('refuses a failover component it does not know in COMPONENT_MAP', () => {
    expect(problems({ ...ENV, COMPONENT_MAP: JSON.stringify({ edge: 'cdn' }) })).toEqual([
      'COMPONENT_MAP.edge: must be one of dns, database, cache, got "cdn"',
    ]);
  });

  test('refuses an alarm listed under two components', () => {
    expect(
      problems({ ...ENV, ALARM_COMPONENTS: JSON.stringify({ dns: ['shared'], cache: ['shared'] }) }),
    ).toEqual(['ALARM_COMPONENTS: alarm "shared" is listed under both dns and cache']);
  });
});
