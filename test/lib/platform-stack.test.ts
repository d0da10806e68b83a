import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { loadPlatformConfig } from '../../functions/shared/config/load-file';
import { PlatformStack } from '../../lib/platform-stack';
import { testApp } from '../support/cdk';
import { awsSolutionsFindings } from '../support/nag';

const root = join(__dirname, '../..');
const defaultConfig = loadPlatformConfig();
const minimalConfig = loadPlatformConfig(join(root, 'config/minimal.json'));

describe('PlatformStack', () => {
  describe.each([
    ['embedded default', defaultConfig],
    ['minimal', minimalConfig],
  ])('with the %s configuration', (_name, config) => {
    it('synthesises with no unacknowledged cdk-nag AwsSolutions finding', () => {
      const app = testApp();
      new PlatformStack(app, 'Platform', { config });
      expect(awsSolutionsFindings(app)).toEqual([]);
    });

    it('needs no context lookup', () => {
      const app = testApp();
      new PlatformStack(app, 'Platform', { config });
      expect(app.synth().manifest.missing ?? []).toEqual([]);
    });
  });

  it('puts the DNS failover pair and HTTPS in front of the default platform', () => {
    const app = testApp();
    const template = Template.fromStack(new PlatformStack(app, 'Platform', { config: defaultConfig }));
    template.resourceCountIs('AWS::Route53::HealthCheck', 1);
    template.hasResourceProperties('AWS::Route53::RecordSet', {
      Failover: 'PRIMARY',
      Name: 'api.example.com.',
    });
    template.hasResourceProperties('AWS::Route53::RecordSet', { Failover: 'SECONDARY' });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 443, Protocol: 'HTTPS' });
    template.hasOutput('PrimaryHealthCheckId', {});
  });

  it('serves plain HTTP without DNS records, and warns, when no domain is configured', () => {
    const app = testApp();
    const stack = new PlatformStack(app, 'Platform', { config: minimalConfig });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Route53::RecordSet', 0);
    template.resourceCountIs('AWS::Route53::HealthCheck', 0);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 80, Protocol: 'HTTP' });
    Annotations.fromStack(stack).hasWarning(
      '/Platform/Edge',
      Match.stringLikeRegexp('No domain is configured'),
    );
  });

  it('lets the fleet reach the cache and the database proxy', () => {
    const app = testApp();
    const stack = new PlatformStack(app, 'Platform', { config: defaultConfig });
    const template = Template.fromStack(stack);
    const fleetGroup = stack.resolve(stack.dataTier.fleet.securityGroup.securityGroupId);
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      FromPort: defaultConfig.cache.port,
      SourceSecurityGroupId: fleetGroup,
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      FromPort: 5432,
      SourceSecurityGroupId: fleetGroup,
    });
  });

  it('routes every alarm to the topic of its configured severity', () => {
    const app = testApp();
    const stack = new PlatformStack(app, 'Platform', { config: defaultConfig });
    const template = Template.fromStack(stack);
    const critical = stack.resolve(stack.topics.critical.topicArn);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmActions: [critical],
      Threshold: defaultConfig.alarms.alb5xxRatePercent.threshold,
    });
  });

  it('places the VPC in the configured zones of an environment-specific stack without a lookup', () => {
    const config = loadPlatformConfigFrom({
      environment: { account: '123456789012', region: 'eu-west-1' },
      network: { availabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'] },
    });
    const app = testApp();
    const stack = new PlatformStack(app, 'Platform', {
      config,
      env: { account: '123456789012', region: 'eu-west-1' },
    });
    const template = Template.fromStack(stack);
    for (const zone of ['eu-west-1a', 'eu-west-1b', 'eu-west-1c']) {
      template.hasResourceProperties('AWS::EC2::Subnet', { AvailabilityZone: zone });
    }
    expect(app.synth().manifest.missing ?? []).toEqual([]);
  });
});

describe('bin/app.ts', () => {
  it('stops with the field errors of an invalid -c config file and exit code 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'misybot-app-'));
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ fleet: { minCapacity: 2, maxCapacity: 1 } }));
    const run = spawnSync(join(root, 'node_modules/.bin/tsx'), ['bin/app.ts'], {
      cwd: root,
      env: {
        ...process.env,
        CDK_CONTEXT_JSON: JSON.stringify({ config: file }),
        CDK_OUTDIR: join(dir, 'out'),
      },
      encoding: 'utf8',
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('fleet.maxCapacity: must be ≥ fleet.minCapacity (2), got 1');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});

function loadPlatformConfigFrom(input: unknown) {
  const dir = mkdtempSync(join(tmpdir(), 'misybot-config-'));
  const file = join(dir, 'config.json');
  writeFileSync(file, JSON.stringify(input));
  return loadPlatformConfig(file);
}
