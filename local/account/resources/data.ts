import { CreateTableCommand, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { CreateReplicationGroupCommand } from '@aws-sdk/client-elasticache';
import { CreateDBClusterCommand, CreateDBInstanceCommand, CreateDBProxyCommand } from '@aws-sdk/client-rds';
import type { ResourceProvisioner } from '../deployment';

type Props = Record<string, unknown>;
const str = (value: unknown) => (value === undefined ? undefined : String(value));
const num = (value: unknown) => (value === undefined ? undefined : Number(value));
const list = (value: unknown) => (Array.isArray(value) ? value.map(String) : []);

const table: ResourceProvisioner = async (request) => {
  const { properties, clients } = request;
  const name = str(properties.TableName) ?? request.generatedName(255);
  const indexes = (properties.GlobalSecondaryIndexes ?? []) as Props[];
  const local = (properties.LocalSecondaryIndexes ?? []) as Props[];
  const created = await clients.dynamoDb.send(
    new CreateTableCommand({
      TableName: name,
      AttributeDefinitions: properties.AttributeDefinitions as never,
      KeySchema: properties.KeySchema as never,
      BillingMode: (str(properties.BillingMode) ?? 'PAY_PER_REQUEST') as never,
      ...(properties.ProvisionedThroughput
        ? { ProvisionedThroughput: properties.ProvisionedThroughput as never }
        : {}),
      ...(indexes.length > 0
        ? {
            GlobalSecondaryIndexes: indexes.map((index) => ({
              IndexName: str(index.IndexName),
              KeySchema: index.KeySchema as never,
              Projection: index.Projection as never,
              ...(index.ProvisionedThroughput
                ? { ProvisionedThroughput: index.ProvisionedThroughput as never }
                : {}),
            })),
          }
        : {}),
      ...(local.length > 0 ? { LocalSecondaryIndexes: local as never } : {}),
      ...(properties.StreamSpecification
        ? {
            StreamSpecification: {
              StreamEnabled: true,
              ...(properties.StreamSpecification as Props),
            } as never,
          }
        : {}),
    }),
  );
  const ttl = properties.TimeToLiveSpecification as Props | undefined;
  if (ttl?.Enabled) {
    await clients.dynamoDb.send(
      new UpdateTimeToLiveCommand({
        TableName: name,
        TimeToLiveSpecification: { AttributeName: str(ttl.AttributeName), Enabled: true },
      }),
    );
  }
  return {
    physicalId: name,
    attributes: {
      Arn: created.TableDescription?.TableArn,
      StreamArn: created.TableDescription?.LatestStreamArn,
    },
  };
};

const cluster: ResourceProvisioner = async (request) => {
  const { properties, clients } = request;
  const id = (str(properties.DBClusterIdentifier) ?? request.generatedName(63)).toLowerCase();
  // Encryption keys, parameter and subnet groups are accepted as given and change nothing here.
  const created = await clients.rds.send(
    new CreateDBClusterCommand({
      DBClusterIdentifier: id,
      Engine: str(properties.Engine),
      EngineVersion: str(properties.EngineVersion),
      DatabaseName: str(properties.DatabaseName),
      MasterUsername: str(properties.MasterUsername),
      MasterUserPassword: str(properties.MasterUserPassword),
      Port: num(properties.Port),
      EnableIAMDatabaseAuthentication: properties.EnableIAMDatabaseAuthentication as boolean | undefined,
      BackupRetentionPeriod: num(properties.BackupRetentionPeriod),
      DeletionProtection: properties.DeletionProtection as boolean | undefined,
      StorageEncrypted: properties.StorageEncrypted as boolean | undefined,
    }),
  );
  const described = created.DBCluster!;
  return {
    physicalId: id,
    attributes: {
      'Endpoint.Address': described.Endpoint,
      'Endpoint.Port': String(described.Port ?? properties.Port ?? 5432),
      'ReadEndpoint.Address': described.ReaderEndpoint,
      DBClusterArn: described.DBClusterArn,
      DBClusterResourceId: described.DbClusterResourceId,
    },
  };
};

const instance: ResourceProvisioner = async (request) => {
  const { properties, clients } = request;
  const id = (str(properties.DBInstanceIdentifier) ?? request.generatedName(63)).toLowerCase();
  const created = await clients.rds.send(
    new CreateDBInstanceCommand({
      DBInstanceIdentifier: id,
      DBClusterIdentifier: str(properties.DBClusterIdentifier),
      DBInstanceClass: str(properties.DBInstanceClass),
      Engine: str(properties.Engine),
      PromotionTier: num(properties.PromotionTier),
      PubliclyAccessible: properties.PubliclyAccessible as boolean | undefined,
    }),
  );
  const described = created.DBInstance!;
  return {
    physicalId: id,
    attributes: {
      'Endpoint.Address': described.Endpoint?.Address,
      'Endpoint.Port': String(described.Endpoint?.Port ?? 5432),
      DBInstanceArn: described.DBInstanceArn,
    },
  };
};

const proxy: ResourceProvisioner = async (request) => {
  const { properties, clients } = request;
  const name = str(properties.DBProxyName) ?? request.generatedName(63);
  const created = await clients.rds.send(
    new CreateDBProxyCommand({
      DBProxyName: name,
      EngineFamily: str(properties.EngineFamily) as never,
      // A proxy with DefaultAuthScheme IAM_AUTH has no Auth list; moto fails on a missing one.
      Auth: (properties.Auth ?? []) as never,
      RoleArn: str(properties.RoleArn),
      VpcSubnetIds: list(properties.VpcSubnetIds),
      VpcSecurityGroupIds: list(properties.VpcSecurityGroupIds),
      RequireTLS: properties.RequireTLS as boolean | undefined,
      IdleClientTimeout: num(properties.IdleClientTimeout),
    }),
  );
  const described = created.DBProxy!;
  return {
    physicalId: name,
    attributes: { Endpoint: described.Endpoint, DBProxyArn: described.DBProxyArn, VpcId: described.VpcId },
  };
};

const replicationGroup: ResourceProvisioner = async (request) => {
  const { properties, clients } = request;
  const id = (str(properties.ReplicationGroupId) ?? request.generatedName(40)).toLowerCase().slice(0, 40);
  const created = await clients.elastiCache.send(
    new CreateReplicationGroupCommand({
      ReplicationGroupId: id,
      ReplicationGroupDescription: str(properties.ReplicationGroupDescription),
      Engine: str(properties.Engine),
      EngineVersion: str(properties.EngineVersion),
      CacheNodeType: str(properties.CacheNodeType),
      NumCacheClusters: num(properties.NumCacheClusters),
      AutomaticFailoverEnabled: properties.AutomaticFailoverEnabled as boolean | undefined,
      MultiAZEnabled: properties.MultiAZEnabled as boolean | undefined,
      TransitEncryptionEnabled: properties.TransitEncryptionEnabled as boolean | undefined,
      AtRestEncryptionEnabled: properties.AtRestEncryptionEnabled as boolean | undefined,
      AuthToken: str(properties.AuthToken),
      Port: num(properties.Port),
      SnapshotRetentionLimit: num(properties.SnapshotRetentionLimit),
    }),
  );
  const group = created.ReplicationGroup!;
  const primary = group.NodeGroups?.[0]?.PrimaryEndpoint;
  const port = String(primary?.Port ?? properties.Port ?? 6379);
  const reader = primary?.Address?.replace(/^master\./, 'replica.');
  return {
    physicalId: id,
    attributes: {
      'PrimaryEndPoint.Address': primary?.Address,
      'PrimaryEndPoint.Port': port,
      'ReaderEndPoint.Address': reader,
      'ReaderEndPoint.Port': port,
    },
  };
};

/** The state table, the Aurora cluster with its instances and proxy, and the Redis replication group. */
export const dataProvisioners: Readonly<Record<string, ResourceProvisioner>> = {
  'AWS::DynamoDB::Table': table,
  'AWS::RDS::DBCluster': cluster,
  'AWS::RDS::DBInstance': instance,
  'AWS::RDS::DBProxy': proxy,
  'AWS::ElastiCache::ReplicationGroup': replicationGroup,
};
