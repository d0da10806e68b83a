import { type CfnElement, RemovalPolicy } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { SecurityGroup } from 'aws-cdk-lib/aws-ec2';
import { type PlatformConfigInput, parsePlatformConfig } from '../../functions/shared/config';
import { PlatformDatabase, type PlatformDatabaseProps } from '../../lib/database';
import { testStack, testVpc } from '../support/cdk';

function build(database: PlatformConfigInput['database'] = {}, extra: Partial<PlatformDatabaseProps> = {}) {
  const stack = testStack();
  const vpc = testVpc(stack);
  const settings = parsePlatformConfig({ database }).database;
  const db = new PlatformDatabase(stack, 'Database', { vpc, settings, ...extra });
  let synthesized: Template | undefined;
  const template = () => {
    synthesized ??= Template.fromStack(stack);
    return synthesized;
  };
  return { stack, vpc, db, template };
}

describe('PlatformDatabase', () => {
  test('runs the configured Aurora PostgreSQL version with a writer and the configured readers', () => {
    const { template } = build({ engineVersion: '16.4', instanceClass: 'r7g.xlarge', readers: 2 });
    template().hasResourceProperties('AWS::RDS::DBCluster', {
      Engine: 'aurora-postgresql',
      EngineVersion: '16.4',
      DatabaseName: 'misybot',
    });
    template().resourceCountIs('AWS::RDS::DBInstance', 3);
    const instances = Object.values(template().findResources('AWS::RDS::DBInstance'));
    for (const instance of instances) {
      expect(instance.Properties).toMatchObject({
        DBInstanceClass: 'db.r7g.xlarge',
        EnablePerformanceInsights: true,
        MonitoringInterval: 60,
        PubliclyAccessible: false,
      });
    }
  });

  test('encrypts storage and Performance Insights with its own rotating key', () => {
    const { stack, db, template } = build();
    const keyArn = stack.resolve(db.key.keyArn);
    template().hasResourceProperties('AWS::RDS::DBCluster', { StorageEncrypted: true, KmsKeyId: keyArn });
    template().hasResourceProperties('AWS::RDS::DBInstance', { PerformanceInsightsKMSKeyId: keyArn });
    template().hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  test('preloads pg_stat_statements, logs statements slower than the threshold and forces SSL', () => {
    const { template } = build({ slowQueryThresholdMs: 250 });
    template().hasResourceProperties('AWS::RDS::DBClusterParameterGroup', {
      Family: 'aurora-postgresql15',
      Parameters: {
        shared_preload_libraries: 'pg_stat_statements',
        'pg_stat_statements.track': 'all',
        log_min_duration_statement: '250',
        'rds.force_ssl': '1',
      },
    });
  });

  test('enables IAM authentication, deletion protection and the configured backup retention', () => {
    const { template } = build({ backupRetentionDays: 14 });
    template().hasResourceProperties('AWS::RDS::DBCluster', {
      EnableIAMDatabaseAuthentication: true,
      DeletionProtection: true,
      BackupRetentionPeriod: 14,
      EnableCloudwatchLogsExports: ['postgresql'],
    });
  });

  test('deletion protection follows the configuration', () => {
    const { template } = build({ deletionProtection: false });
    template().hasResourceProperties('AWS::RDS::DBCluster', { DeletionProtection: false });
  });

  test('encrypts the postgresql log with its key and creates it after the cluster, before any instance writes', () => {
    const { stack, db, template } = build({ logRetentionDays: 60 });
    const clusterId = stack.getLogicalId(db.cluster.node.defaultChild as CfnElement);
    template().hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: { 'Fn::Join': ['', ['/aws/rds/cluster/', { Ref: clusterId }, '/postgresql']] },
      RetentionInDays: 60,
      KmsKeyId: stack.resolve(db.key.keyArn),
    });
    const logGroupId = stack.getLogicalId(db.logGroup.node.defaultChild as CfnElement);
    const instances = template().findResources('AWS::RDS::DBInstance');
    expect(Object.keys(instances)).toHaveLength(2);
    for (const instance of Object.values(instances)) expect(instance.DependsOn).toContain(logGroupId);
  });

  test('leaves the cluster identifier to CloudFormation, so a replacement does not fail on the name', () => {
    const { stack, db, template } = build();
    template().hasResourceProperties('AWS::RDS::DBCluster', { DBClusterIdentifier: Match.absent() });
    expect(stack.resolve(db.clusterIdentifier)).toEqual({
      Ref: stack.getLogicalId(db.cluster.node.defaultChild as CfnElement),
    });
  });

  test("lets Enhanced Monitoring write only its instances' streams of RDSOSMetrics, without a managed policy", () => {
    const { template } = build();
    template().hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({ Principal: { Service: 'monitoring.rds.amazonaws.com' } })],
      },
      ManagedPolicyArns: Match.absent(),
    });
    const streams = Object.values(template().findResources('AWS::IAM::Policy'))
      .flatMap((policy) => policy.Properties.PolicyDocument.Statement)
      .find((statement: { Action: unknown }) =>
        JSON.stringify(statement.Action).includes('logs:PutLogEvents'),
      );
    expect(streams.Resource).toHaveLength(2);
    expect(JSON.stringify(streams.Resource)).toContain('RDSOSMetrics:log-stream:');
    expect(JSON.stringify(streams.Resource)).toContain('DbiResourceId');
  });

  test('rotates the generated postgres secret on the configured schedule from subnets with egress', () => {
    const { stack, vpc, db, template } = build({ secretRotationDays: 10 });
    template().hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.objectLike({ SecretStringTemplate: '{"username":"postgres"}' }),
    });
    template().hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
      SecretId: stack.resolve(db.secret.secretArn),
      RotationRules: { ScheduleExpression: 'rate(10 days)' },
    });
    template().hasResourceProperties('AWS::Serverless::Application', {
      Parameters: Match.objectLike({
        vpcSubnetIds: stack.resolve(vpc.privateSubnets.map((s) => s.subnetId).join(',')),
      }),
    });
  });

  test('fronts the cluster with an RDS Proxy that requires TLS and IAM end to end, with no secret', () => {
    const { stack, db, template } = build();
    template().hasResourceProperties('AWS::RDS::DBProxy', {
      EngineFamily: 'POSTGRESQL',
      RequireTLS: true,
      DefaultAuthScheme: 'IAM_AUTH',
      Auth: Match.absent(),
    });
    // The proxy signs in to Aurora as the two service roles, on this cluster only.
    const proxyPolicy = JSON.stringify(
      Object.values(template().findResources('AWS::IAM::Policy')).find((policy) =>
        JSON.stringify(policy.Properties.Roles).includes(
          stack.getLogicalId(db.proxyRole.node.defaultChild as CfnElement),
        ),
      ),
    );
    expect(proxyPolicy).toContain('rds-db:connect');
    expect(proxyPolicy).toContain('DBClusterResourceId');
    expect(proxyPolicy).toContain('/misybot_app');
    expect(proxyPolicy).toContain('/misybot_advisor');
    expect(proxyPolicy).not.toContain('secretsmanager');
  });

  test('sizes the proxy pool from the configuration', () => {
    const { template } = build({
      proxy: {
        maxConnectionsPercent: 75,
        maxIdleConnectionsPercent: 25,
        connectionBorrowTimeoutSeconds: 30,
        idleClientTimeoutSeconds: 900,
      },
    });
    template().hasResourceProperties('AWS::RDS::DBProxy', { IdleClientTimeout: 900 });
    template().hasResourceProperties('AWS::RDS::DBProxyTargetGroup', {
      ConnectionPoolConfigurationInfo: {
        MaxConnectionsPercent: 75,
        MaxIdleConnectionsPercent: 25,
        ConnectionBorrowTimeout: 30,
      },
    });
  });

  test('places the cluster and the proxy in the isolated subnets', () => {
    const { stack, vpc, template } = build();
    const isolated = stack.resolve(vpc.isolatedSubnets.map((s) => s.subnetId));
    template().hasResourceProperties('AWS::RDS::DBSubnetGroup', { SubnetIds: isolated });
    template().hasResourceProperties('AWS::RDS::DBProxy', { VpcSubnetIds: isolated });
  });

  test('allowFrom lets a peer reach the proxy on 5432', () => {
    const { stack, vpc, db, template } = build();
    const fleet = new SecurityGroup(stack, 'Fleet', { vpc });
    db.allowFrom(fleet);
    template().hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      FromPort: 5432,
      ToPort: 5432,
      GroupId: stack.resolve(db.connections.securityGroups[0]!.securityGroupId),
      SourceSecurityGroupId: stack.resolve(fleet.securityGroupId),
    });
  });

  test('rejects more idle connections than connections, as the configuration schema does', () => {
    const settings = parsePlatformConfig({}).database;
    const stack = testStack();
    expect(
      () =>
        new PlatformDatabase(stack, 'Database', {
          vpc: testVpc(stack),
          settings: {
            ...settings,
            proxy: { ...settings.proxy, maxConnectionsPercent: 40, maxIdleConnectionsPercent: 60 },
          },
        }),
    ).toThrow(/maxIdleConnectionsPercent \(60\) must not exceed settings.proxy.maxConnectionsPercent \(40\)/);
  });

  test('rejects DESTROY while deletion protection is on', () => {
    expect(() => build({}, { removalPolicy: RemovalPolicy.DESTROY })).toThrow(
      /while settings.deletionProtection is on/,
    );
  });

  test('rejects an invalid cluster identifier', () => {
    expect(() => build({}, { clusterIdentifier: 'Misy--Bot' })).toThrow(/clusterIdentifier must be/);
  });
});
