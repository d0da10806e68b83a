import { Match, Template } from 'aws-cdk-lib/assertions';
import { SecurityGroup } from 'aws-cdk-lib/aws-ec2';
import { type PlatformConfigInput, parsePlatformConfig } from '../../../functions/shared/config';
import { PlatformCache, type PlatformCacheProps, redisParameterFamily } from '../../../lib/platform/cache';
import { testStack, testVpc } from '../../support/cdk';

function build(cache: PlatformConfigInput['cache'] = {}, extra: Partial<PlatformCacheProps> = {}) {
  const stack = testStack();
  const vpc = testVpc(stack);
  const settings = parsePlatformConfig({ cache }).cache;
  const platformCache = new PlatformCache(stack, 'Cache', { vpc, settings, ...extra });
  let synthesized: Template | undefined;
  // Synthesised once, on first use, so a test can add peers before looking at the template.
  const template = () => {
    synthesized ??= Template.fromStack(stack);
    return synthesized;
  };
  return { stack, vpc, cache: platformCache, template };
}

describe('PlatformCache', () => {
  test('runs a Multi-AZ replication group with automatic failover and a replica per configured count', () => {
    const { template } = build({ replicas: 2, nodeType: 'cache.r7g.large' });
    template().hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      Engine: 'redis',
      EngineVersion: '7.1',
      CacheNodeType: 'cache.r7g.large',
      NumCacheClusters: 3,
      MultiAZEnabled: true,
      AutomaticFailoverEnabled: true,
    });
  });

  test('requires TLS, encrypts at rest with its own key and authenticates with the generated secret', () => {
    const { stack, cache, template } = build();
    template().hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      TransitEncryptionEnabled: true,
      TransitEncryptionMode: 'required',
      AtRestEncryptionEnabled: true,
      KmsKeyId: stack.resolve(cache.key.keyArn),
      AuthToken: {
        'Fn::Join': [
          '',
          ['{{resolve:secretsmanager:', stack.resolve(cache.authSecret.secretArn), ':SecretString:::}}'],
        ],
      },
    });
    template().hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  test('generates an AUTH token of 64 characters without punctuation ElastiCache rejects', () => {
    const { template } = build();
    template().hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: { ExcludePunctuation: true, IncludeSpace: false, PasswordLength: 64 },
    });
  });

  test('listens on the configured non-default port', () => {
    const { cache, template } = build({ port: 6390 });
    expect(cache.port).toBe(6390);
    template().hasResourceProperties('AWS::ElastiCache::ReplicationGroup', { Port: 6390 });
  });

  test('sets maxmemory-policy from the configured eviction policy in a family derived from the version', () => {
    const { template } = build({ evictionPolicy: 'volatile-lfu' });
    const groups = template().findResources('AWS::ElastiCache::ParameterGroup');
    const [id, group] = Object.entries(groups)[0]!;
    expect(group.Properties).toMatchObject({
      CacheParameterGroupFamily: 'redis7',
      Properties: { 'maxmemory-policy': 'volatile-lfu' },
    });
    template().hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      CacheParameterGroupName: { Ref: id },
    });
  });

  test('Redis 6 gets the redis6.x family and leaves the 7-only transit encryption mode out', () => {
    const { template } = build({ engineVersion: '6.2' });
    template().hasResourceProperties('AWS::ElastiCache::ParameterGroup', {
      CacheParameterGroupFamily: 'redis6.x',
    });
    template().hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      TransitEncryptionEnabled: true,
      TransitEncryptionMode: Match.absent(),
    });
  });

  test('redisParameterFamily maps versions to ElastiCache families and rejects older engines', () => {
    expect(redisParameterFamily('7.1')).toBe('redis7');
    expect(redisParameterFamily('6.0')).toBe('redis6.x');
    expect(() => redisParameterFamily('5.0')).toThrow(/must be 6.x or later, got "5.0"/);
  });

  test('places the nodes in the isolated subnets', () => {
    const { stack, vpc, template } = build();
    template().hasResourceProperties('AWS::ElastiCache::SubnetGroup', {
      SubnetIds: stack.resolve(vpc.isolatedSubnets.map((s) => s.subnetId)),
    });
  });

  test('lets nobody in by default', () => {
    const { template } = build();
    template().resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
    template().hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('Redis'),
      SecurityGroupIngress: Match.absent(),
    });
  });

  test('allowFrom lets only the given peer in, on the cache port', () => {
    const { stack, vpc, cache, template } = build({ port: 6390 });
    const fleet = new SecurityGroup(stack, 'Fleet', { vpc });
    cache.allowFrom(fleet);
    template().hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      FromPort: 6390,
      ToPort: 6390,
      IpProtocol: 'tcp',
      SourceSecurityGroupId: stack.resolve(fleet.securityGroupId),
    });
    template().resourceCountIs('AWS::EC2::SecurityGroupIngress', 1);
  });

  test('keeps snapshots for the configured days and delivers the slow log to CloudWatch Logs', () => {
    const { template } = build({ snapshotRetentionDays: 7 });
    template().hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      SnapshotRetentionLimit: 7,
      SnapshotWindow: '03:00-04:00',
      LogDeliveryConfigurations: Match.arrayWith([
        Match.objectLike({
          LogType: 'slow-log',
          DestinationType: 'cloudwatch-logs',
          DestinationDetails: {
            CloudWatchLogsDetails: { LogGroup: { Ref: Match.stringLikeRegexp('SlowLog') } },
          },
        }),
      ]),
    });
    template().hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  test('delivers the engine log from Redis 6.2 on and leaves it out on 6.0, which ElastiCache rejects', () => {
    const types = (engineVersion: string) =>
      Object.values(
        build({ engineVersion }).template().findResources('AWS::ElastiCache::ReplicationGroup'),
      ).flatMap((group) =>
        group.Properties.LogDeliveryConfigurations.map((c: { LogType: string }) => c.LogType),
      );
    expect(types('7.1')).toEqual(['slow-log', 'engine-log']);
    expect(types('6.2')).toEqual(['slow-log', 'engine-log']);
    expect(types('6.0')).toEqual(['slow-log']);
    build({ engineVersion: '6.0' }).template().resourceCountIs('AWS::Logs::LogGroup', 1);
  });

  test('exposes the replication group id and the primary endpoint as tokens', () => {
    const { stack, cache } = build();
    expect(stack.resolve(cache.replicationGroupId)).toEqual({
      Ref: expect.stringMatching(/ReplicationGroup/),
    });
    expect(stack.resolve(cache.primaryEndpoint)).toEqual({
      'Fn::GetAtt': [expect.stringMatching(/ReplicationGroup/), 'PrimaryEndPoint.Address'],
    });
    expect(cache.nodeCount).toBe(2);
  });

  test('rejects a snapshot window when snapshots are off', () => {
    expect(() => build({ snapshotRetentionDays: 0 }, { snapshotWindow: '01:00-02:00' })).toThrow(
      /got a snapshotWindow but settings.snapshotRetentionDays is 0/,
    );
  });
});
