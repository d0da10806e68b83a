import { createAdminDeps, createClients } from '../../../../functions/handlers/admin-api/dependencies';

const env = {
  TABLE_NAME: 'state',
  ADMIN_SETTINGS: JSON.stringify({ autoScalingGroupName: 'fleet', targetGroupNames: ['primary'] }),
  LISTENER_ARN: 'arn:listener',
  TARGET_GROUPS: JSON.stringify([{ name: 'primary', arn: 'arn:tg' }]),
  CLUSTER_IDENTIFIER: 'db',
};

describe('admin API wiring', () => {
  const clients = createClients();

  it('wires the optional control functions only when their names are set', () => {
    const bare = createAdminDeps(
      env,
      clients,
      () => undefined,
      () => undefined,
    );
    expect(bare.failoverCommander).toBeUndefined();
    expect(bare.cacheInvalidator).toBeUndefined();
    expect(bare.settings).toMatchObject({
      autoScalingGroupName: 'fleet',
      failoverComponents: ['database', 'cache'],
      decisionsShown: 10,
    });
    const full = createAdminDeps(
      {
        ...env,
        FAILOVER_FUNCTION: 'f',
        SCALING_FUNCTION: 's',
        SLOW_QUERY_FUNCTION: 'q',
        CACHE_WORKER_FUNCTION: 'c',
      },
      clients,
      () => undefined,
      () => undefined,
    );
    expect(
      [full.failoverCommander, full.scalingEvaluator, full.queryAnalyzer, full.cacheInvalidator].every(
        Boolean,
      ),
    ).toBe(true);
  });

  it('wires the region routes only with the standby function ARN, and refuses anything else', () => {
    const wire = (arn?: string) =>
      createAdminDeps(
        arn === undefined ? env : { ...env, REGION_FUNCTION_ARN: arn },
        clients,
        () => undefined,
        () => undefined,
      );
    expect(wire().regions).toBeUndefined();
    expect(
      wire('arn:aws:lambda:eu-central-1:123456789012:function:misybot-ha-region-failover').regions,
    ).toBeDefined();
    expect(() => wire('misybot-ha-region-failover')).toThrow(
      /REGION_FUNCTION_ARN: must be a Lambda function ARN/,
    );
  });

  it('fails the cold start naming the variable that is missing or malformed', () => {
    const { LISTENER_ARN: _gone, ...missing } = env;
    expect(() =>
      createAdminDeps(
        missing,
        clients,
        () => undefined,
        () => undefined,
      ),
    ).toThrow(/LISTENER_ARN/);
    expect(() =>
      createAdminDeps(
        { ...env, TARGET_GROUPS: 'nope' },
        clients,
        () => undefined,
        () => undefined,
      ),
    ).toThrow(/TARGET_GROUPS: must be JSON/);
    expect(() =>
      createAdminDeps(
        { ...env, ADMIN_SETTINGS: '{"targetGroupNames":[]}' },
        clients,
        () => undefined,
        () => undefined,
      ),
    ).toThrow(/ADMIN_SETTINGS\.autoScalingGroupName/);
  });
});
