import { join } from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { loadPlatformConfig } from '../../../functions/shared/config/load-file';
import { addPlatformStacks } from '../../../lib/regional/platform-app';
import { testApp } from '../../support/cdk';
import { awsSolutionsFindings } from '../../support/nag';

const config = loadPlatformConfig(join(__dirname, '../../../config/two-regions.json'));

function build() {
  const app = testApp();
  const stacks = addPlatformStacks(app, config);
  return { app, ...stacks };
}

describe('addPlatformStacks with two regions', () => {
  // One synthesis serves the template assertions; cdk-nag needs its own app (it adds a plugin).
  const { app, primary, standby, standbyKey } = build();
  const primaryTemplate = Template.fromStack(primary);
  const standbyTemplate = Template.fromStack(standby!);

  it('puts one stack in the primary region and the standby key and stack in the secondary', () => {
    expect(primary.region).toBe('eu-west-1');
    expect(standby?.region).toBe('eu-central-1');
    expect(standbyKey?.region).toBe('eu-central-1');
    expect(primary.dependencies).toContain(standbyKey);
    expect(standby?.dependencies).toContain(primary);
  });

  it('synthesises every stack offline, with no context lookup', () => {
    expect(app.synth().manifest.missing ?? []).toEqual([]);
  });

  it('synthesises with no unacknowledged cdk-nag AwsSolutions finding', () => {
    const fresh = build();
    expect(awsSolutionsFindings(fresh.app, { autoScalingGroupArns: [] })).toEqual([]);
  });

  it('wraps the primary cluster in an Aurora Global Database', () => {
    primaryTemplate.hasResourceProperties('AWS::RDS::GlobalCluster', {
      GlobalClusterIdentifier: 'misybot-geo-ha-global',
      SourceDBClusterIdentifier: Match.anyValue(),
      DeletionProtection: true,
    });
  });

  it('wraps the primary cache in a Global Datastore as its primary member', () => {
    primaryTemplate.hasResourceProperties('AWS::ElastiCache::GlobalReplicationGroup', {
      GlobalReplicationGroupIdSuffix: 'misybot-geo-ha-cache',
      Members: [Match.objectLike({ Role: 'PRIMARY', ReplicationGroupRegion: 'eu-west-1' })],
    });
  });

  it('makes the state table a global table replicated to the standby with its own key', () => {
    primaryTemplate.resourceCountIs('AWS::DynamoDB::Table', 0);
    primaryTemplate.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      Replicas: Match.arrayWith([
        Match.objectLike({
          Region: 'eu-central-1',
          SSESpecification: {
            KMSMasterKeyId: {
              'Fn::Join': [
                '',
                [
                  'arn:aws:kms:eu-central-1:',
                  { Ref: 'AWS::AccountId' },
                  ':alias/misybot-geo-ha-state-replica',
                ],
              ],
            },
          },
        }),
        Match.objectLike({ Region: 'eu-west-1' }),
      ]),
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
    Template.fromStack(standbyKey!).hasResourceProperties('AWS::KMS::Alias', {
      AliasName: 'alias/misybot-geo-ha-state-replica',
    });
  });

  it('replicates the database and cache secrets to the standby region', () => {
    const secrets = primaryTemplate.findResources('AWS::SecretsManager::Secret');
    const replicated = Object.values(secrets).filter((secret) =>
      JSON.stringify(secret.Properties.ReplicaRegions ?? []).includes('eu-central-1'),
    );
    expect(replicated).toHaveLength(2);
  });

  it('leaves DNS failover to the standby stack, with one record per regional ALB', () => {
    primaryTemplate.resourceCountIs('AWS::Route53::RecordSet', 0);
    standbyTemplate.resourceCountIs('AWS::Route53::HealthCheck', 3);
    standbyTemplate.hasResourceProperties('AWS::Route53::HealthCheck', {
      HealthCheckConfig: { Type: 'CALCULATED', HealthThreshold: 1, ChildHealthChecks: [Match.anyValue()] },
    });
    for (const [failover, region] of [
      ['PRIMARY', 'eu-west-1'],
      ['SECONDARY', 'eu-central-1'],
    ]) {
      standbyTemplate.hasResourceProperties('AWS::Route53::RecordSet', {
        Name: 'api.example.com.',
        Failover: failover,
        SetIdentifier: region,
        HealthCheckId: Match.anyValue(),
        AliasTarget: Match.objectLike({ EvaluateTargetHealth: false }),
      });
    }
  });

  it('joins a headless secondary cluster to the global database', () => {
    standbyTemplate.hasResourceProperties('AWS::RDS::DBCluster', {
      GlobalClusterIdentifier: 'misybot-geo-ha-global',
      StorageEncrypted: true,
      EnableIAMDatabaseAuthentication: true,
    });
    standbyTemplate.resourceCountIs('AWS::RDS::DBInstance', 0);
  });

  it('joins a secondary cache group to the Global Datastore through a cross-region reference', () => {
    standbyTemplate.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      GlobalReplicationGroupId: {
        'Fn::GetStackOutput': Match.objectLike({ StackName: 'misybot-geo-ha', Region: 'eu-west-1' }),
      },
      NumCacheClusters: 2,
      MultiAZEnabled: true,
    });
  });

  it('keeps the standby fleet at its standby capacity', () => {
    standbyTemplate.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      MinSize: '1',
      MaxSize: '10',
    });
  });
});

describe('addPlatformStacks with one region', () => {
  it('adds the single stack as before, with no cross-region machinery', () => {
    const app = testApp();
    const stacks = addPlatformStacks(
      app,
      loadPlatformConfig(join(__dirname, '../../../config/minimal.json')),
    );
    expect(stacks.standby).toBeUndefined();
    expect(app.node.children.map((child) => child.node.id)).toEqual(['misybot-min-ha']);
  });
});

describe('RegionFailoverControl in the standby stack', () => {
  const { standby } = addPlatformStacks(testApp(), config);
  const template = Template.fromStack(standby!);
  const statements = () =>
    Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
      (policy) =>
        policy.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[],
    );
  const statementFor = (action: string) =>
    statements().filter((statement) => [statement.Action].flat().includes(action));

  it('scopes the global database actions to the global cluster and the two member clusters', () => {
    const [statement, ...others] = statementFor('rds:FailoverGlobalCluster');
    expect(others).toEqual([]);
    expect([statement?.Action].flat().sort()).toEqual([
      'rds:DescribeGlobalClusters',
      'rds:FailoverGlobalCluster',
      'rds:SwitchoverGlobalCluster',
    ]);
    const resources = statement?.Resource as unknown[];
    expect(resources).toHaveLength(3);
    expect(resources[0]).toEqual({
      'Fn::Join': ['', ['arn:aws:rds::', { Ref: 'AWS::AccountId' }, ':global-cluster:misybot-geo-ha-global']],
    });
    // The primary cluster's ARN arrives from the primary stack; the standby's is local.
    expect(
      resources.filter((resource) => JSON.stringify(resource).includes('Fn::GetStackOutput')),
    ).toHaveLength(1);
    expect(JSON.stringify(resources)).not.toContain('"*"');
  });

  it('scopes the Global Datastore failover to the datastore ARN and the two member groups', () => {
    const [statement, ...others] = statementFor('elasticache:FailoverGlobalReplicationGroup');
    expect(others).toEqual([]);
    const resources = statement?.Resource as unknown[];
    expect(resources).toHaveLength(3);
    const datastore = JSON.stringify(resources[0]);
    expect(datastore).toContain(':globalreplicationgroup:');
    expect(datastore).toContain('"arn:aws:elasticache::"');
    expect(JSON.stringify(resources)).not.toContain('"*"');
  });

  it('lets it change only the DNS gate, never the ALB health checks', () => {
    const [statement, ...others] = statementFor('route53:UpdateHealthCheck');
    expect(others).toEqual([]);
    expect(JSON.stringify(statement?.Resource)).toMatch(
      /^\{"Fn::Join":\["",\["arn:aws:route53:::healthcheck\/",\{"Ref":"DnsPrimaryGate[0-9A-F]+"\}\]\]\}$/,
    );
  });

  it('raises the primary fleet only through its platform tag, in its own region', () => {
    const scaling = statementFor('autoscaling:UpdateAutoScalingGroup') as {
      Resource: unknown;
      Condition?: unknown;
    }[];
    expect(scaling).toHaveLength(2);
    expect(scaling.find((statement) => statement.Condition)).toEqual({
      Action: 'autoscaling:UpdateAutoScalingGroup',
      Effect: 'Allow',
      Resource: {
        'Fn::Join': [
          '',
          [
            'arn:aws:autoscaling:eu-west-1:',
            { Ref: 'AWS::AccountId' },
            ':autoScalingGroup:*:autoScalingGroupName/*',
          ],
        ],
      },
      Condition: { StringEquals: { 'aws:ResourceTag/misybot:platform': 'misybot-geo' } },
    });
  });

  it('observes both regions every minute', () => {
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 minute)' });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('region failover'),
      Timeout: 900,
    });
  });
});
