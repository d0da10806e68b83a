import { parsePlatformConfig } from '../../../../functions/shared/config';
import { minInstancesInService } from '../../../../functions/shared/config/platform-config';
import { problemsOf } from '../../../support/config';

const pinnedProd = {
  environment: { stage: 'prod' },
  fleet: { app: { image: { ssmParameter: '/golden/ami/misybot', version: 7 } } },
};

describe('deploy settings of the platform configuration', () => {
  it('gives prod one NAT gateway per zone and the web ACL, and dev one NAT gateway and no web ACL', () => {
    const prod = parsePlatformConfig(pinnedProd);
    expect(prod.network.natGateways).toBe(2);
    expect(prod.waf.enabled).toBe(true);
    const threeZones = parsePlatformConfig({
      ...pinnedProd,
      environment: { stage: 'prod', region: 'eu-west-1' },
      network: { availabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'] },
    });
    expect(threeZones.network.natGateways).toBe(3);
    const dev = parsePlatformConfig({});
    expect(dev.network.natGateways).toBe(1);
    expect(dev.waf.enabled).toBe(false);
  });

  it('keeps a NAT count and a web ACL choice the file states, whatever the stage', () => {
    const config = parsePlatformConfig({ network: { natGateways: 2 }, waf: { enabled: true } });
    expect(config.network.natGateways).toBe(2);
    expect(config.waf.enabled).toBe(true);
  });

  it('rejects more NAT gateways than zones', () => {
    expect(problemsOf({ network: { natGateways: 3 } })).toEqual([
      'network.natGateways: must be at most the number of zones (2, the default), got 3',
    ]);
  });

  it('rejects a log retention CloudWatch Logs does not offer, which synth would refuse', () => {
    expect(problemsOf({ controlPlane: { logRetentionDays: 2 } })[0]).toMatch(
      /^controlPlane\.logRetentionDays: must be a CloudWatch Logs retention period \(1, 3, 5, .*\), got 2$/,
    );
    expect(problemsOf({ network: { flowLogRetentionDays: 100 } })[0]).toMatch(
      /^network\.flowLogRetentionDays: must be a CloudWatch Logs retention period/,
    );
    expect(problemsOf({ waf: { logRetentionDays: 10 } })[0]).toMatch(/^waf\.logRetentionDays: /);
  });

  it('rejects an instance type whose architecture cannot be told, and a database class the alarms cannot size', () => {
    expect(problemsOf({ fleet: { instanceType: 'large.t4g' } })).toEqual([
      'fleet.instanceType: must be an EC2 instance type such as "t4g.small", got "large.t4g"',
    ]);
    expect(problemsOf({ database: { instanceClass: 'm5.large' } })[0]).toMatch(
      /^database\.instanceClass: must be an Aurora PostgreSQL class of the r, x2 or t families/,
    );
  });

  it('rejects more idle proxy connections than connections', () => {
    expect(
      problemsOf({ database: { proxy: { maxConnectionsPercent: 50, maxIdleConnectionsPercent: 60 } } }),
    ).toEqual([
      'database.proxy.maxIdleConnectionsPercent: must be ≤ database.proxy.maxConnectionsPercent (50), got 60',
    ]);
  });

  it('rejects one role for both the services and the advisor', () => {
    expect(problemsOf({ database: { appUser: 'misybot', advisorUser: 'misybot' } })).toEqual([
      'database.advisorUser: must differ from database.appUser, got "misybot" for both',
    ]);
  });

  it('rejects a rolling update that leaves no room to launch a replacement', () => {
    expect(problemsOf({ fleet: { minCapacity: 2, maxCapacity: 2 } })).toEqual([
      'fleet.update.minHealthyPercent: must keep fewer instances in service during an update (here 2 of fleet.minCapacity 2) than fleet.maxCapacity (2) so replacements can launch, got 100',
    ]);
    expect(
      parsePlatformConfig({ fleet: { minCapacity: 2, maxCapacity: 2, update: { minHealthyPercent: 50 } } })
        .fleet.update.minHealthyPercent,
    ).toBe(50);
  });

  it('rounds the instances kept in service up', () => {
    expect(minInstancesInService(3, 50)).toBe(2);
    expect(minInstancesInService(2, 100)).toBe(2);
    expect(minInstancesInService(4, 0)).toBe(0);
  });

  it('makes prod pin its image and keep deletion protection on', () => {
    expect(problemsOf({ environment: { stage: 'prod' } })).toEqual([
      'fleet.app.image: must pin the image when environment.stage is "prod" (an amiId, or an ssmParameter with its version), got nothing (the latest Amazon Linux 2023)',
    ]);
    expect(
      problemsOf({
        ...pinnedProd,
        fleet: { app: { image: { ssmParameter: '/golden/ami/misybot' } } },
        loadBalancing: { deletionProtection: false },
        controlPlane: { stateTableDeletionProtection: false },
      }),
    ).toEqual([
      'fleet.app.image: must pin the image when environment.stage is "prod" (an amiId, or an ssmParameter with its version), got a parameter without version',
      'loadBalancing.deletionProtection: must be true when environment.stage is "prod", got false',
      'controlPlane.stateTableDeletionProtection: must be true when environment.stage is "prod", got false',
    ]);
  });

  it('needs a region for an AMI id, which is regional', () => {
    expect(problemsOf({ fleet: { app: { image: { amiId: 'ami-0123456789abcdef0' } } } })).toEqual([
      'environment.region: must be set when fleet.app.image names an AMI id (ids are regional), got nothing',
    ]);
  });

  it('defaults the app to the demo chat service on Node.js 22, checked on the load balancer health path', () => {
    const { app } = parsePlatformConfig({ loadBalancing: { healthCheck: { path: '/ready' } } }).fleet;
    expect(app).toEqual({
      artifact: { kind: 'demo' },
      packages: ['nodejs22'],
      startCommand: '/usr/bin/node-22 server.js',
      healthPath: '/ready',
      environment: {},
    });
  });

  it('rejects a start command that could break out of the systemd unit line', () => {
    expect(problemsOf({ fleet: { app: { startCommand: "node server.js'; rm -rf /" } } })[0]).toMatch(
      /^fleet\.app\.startCommand: must be one line without quotes, backslashes or %/,
    );
  });

  it('names the dependency report key that is not a JSON key it can read', () => {
    expect(problemsOf({ fleet: { app: { dependencyReport: { database: 'data base' } } } })[0]).toMatch(
      /^fleet\.app\.dependencyReport\.database: must be a JSON key of letters, digits, "_" or "-"/,
    );
  });
});
