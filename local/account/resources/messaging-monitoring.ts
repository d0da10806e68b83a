import { randomBytes, randomUUID } from 'node:crypto';
import { RequestCertificateCommand } from '@aws-sdk/client-acm';
import { PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeDBClustersCommand } from '@aws-sdk/client-rds';
import { CreateHealthCheckCommand } from '@aws-sdk/client-route-53';
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
} from '@aws-sdk/client-secrets-manager';
import { CreateTopicCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import type { ResourceProvisioner } from '../deployment';

type Props = Record<string, unknown>;
const str = (value: unknown) => (value === undefined ? undefined : String(value));

const topic: ResourceProvisioner = async (request) => {
  const { properties, clients } = request;
  const name = str(properties.TopicName) ?? request.generatedName(256);
  const attributes: Record<string, string> = {};
  if (properties.DisplayName !== undefined) attributes.DisplayName = String(properties.DisplayName);
  if (properties.KmsMasterKeyId !== undefined) attributes.KmsMasterKeyId = String(properties.KmsMasterKeyId);
  const created = await clients.sns.send(new CreateTopicCommand({ Name: name, Attributes: attributes }));
  return { physicalId: created.TopicArn!, attributes: { TopicArn: created.TopicArn, TopicName: name } };
};

const queue: ResourceProvisioner = async (request) => {
  const { properties, clients } = request;
  const name = str(properties.QueueName) ?? request.generatedName(80);
  const attributes: Record<string, string> = {};
  for (const key of [
    'MessageRetentionPeriod',
    'VisibilityTimeout',
    'DelaySeconds',
    'ReceiveMessageWaitTimeSeconds',
  ]) {
    if (properties[key] !== undefined) attributes[key] = String(properties[key]);
  }
  if (properties.RedrivePolicy) attributes.RedrivePolicy = JSON.stringify(properties.RedrivePolicy);
  const created = await clients.sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  const read = await clients.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: created.QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  return {
    physicalId: created.QueueUrl!,
    attributes: { Arn: read.Attributes?.QueueArn, QueueName: name, QueueUrl: created.QueueUrl },
  };
};

/** A value for `GenerateSecretString`, following its rules (length, excluded characters, JSON key). */
function generateSecret(spec: Props): string {
  const excluded = new Set(String(spec.ExcludeCharacters ?? ''));
  const alphabet = [
    ...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789',
    ...(spec.ExcludePunctuation ? [] : '!#$%^&*-_=+.'),
  ].filter((c) => !excluded.has(c));
  const length = Number(spec.PasswordLength ?? 32);
  const password = [...randomBytes(length)].map((byte) => alphabet[byte % alphabet.length]).join('');
  if (spec.SecretStringTemplate && spec.GenerateStringKey) {
    return JSON.stringify({
      ...(JSON.parse(String(spec.SecretStringTemplate)) as Props),
      [String(spec.GenerateStringKey)]: password,
    });
  }
  return password;
}

const secret: ResourceProvisioner = async (request) => {
  const { properties, clients } = request;
  const name = str(properties.Name) ?? `${request.logicalId}-${randomBytes(6).toString('hex')}`;
  const generate = properties.GenerateSecretString as Props | undefined;
  const value =
    str(properties.SecretString) ??
    (request.secretOverride !== undefined && generate?.GenerateStringKey
      ? JSON.stringify({
          ...(JSON.parse(String(generate.SecretStringTemplate ?? '{}')) as Props),
          [String(generate.GenerateStringKey)]: request.secretOverride,
        })
      : (request.secretOverride ?? generateSecret(generate ?? {})));
  const created = await clients.secrets.send(
    new CreateSecretCommand({ Name: name, SecretString: value, Description: str(properties.Description) }),
  );
  return { physicalId: created.ARN!, attributes: { Id: created.ARN } };
};

/** Adds the connection fields to the database secret, as the attachment does for an RDS target. */
const secretAttachment: ResourceProvisioner = async ({ properties, clients }) => {
  const secretId = str(properties.SecretId)!;
  if (properties.TargetType === 'AWS::RDS::DBCluster') {
    const clusters = await clients.rds.send(
      new DescribeDBClustersCommand({ DBClusterIdentifier: str(properties.TargetId) }),
    );
    const cluster = clusters.DBClusters?.[0];
    const current = await clients.secrets.send(new GetSecretValueCommand({ SecretId: secretId }));
    await clients.secrets.send(
      new PutSecretValueCommand({
        SecretId: secretId,
        SecretString: JSON.stringify({
          ...(JSON.parse(current.SecretString ?? '{}') as Props),
          engine: 'postgres',
          host: cluster?.Endpoint,
          port: cluster?.Port,
          dbClusterIdentifier: cluster?.DBClusterIdentifier,
        }),
      }),
    );
  }
  return { physicalId: secretId };
};

const alarm: ResourceProvisioner = async (request) => {
  const { properties, clients } = request;
  const name = str(properties.AlarmName) ?? request.generatedName(255);
  await clients.cloudWatch.send(
    new PutMetricAlarmCommand({ ...(properties as object), AlarmName: name } as never),
  );
  return {
    physicalId: name,
    attributes: { Arn: `arn:aws:cloudwatch:${request.region}:${request.accountId}:alarm:${name}` },
  };
};

const healthCheck: ResourceProvisioner = async ({ properties, clients }) => {
  const config = properties.HealthCheckConfig as Props;
  const created = await clients.route53.send(
    new CreateHealthCheckCommand({ CallerReference: randomUUID(), HealthCheckConfig: config as never }),
  );
  return { physicalId: created.HealthCheck!.Id!, attributes: { HealthCheckId: created.HealthCheck!.Id } };
};

const certificate: ResourceProvisioner = async ({ properties, clients }) => {
  const requested = await clients.acm.send(
    new RequestCertificateCommand({
      DomainName: str(properties.DomainName),
      SubjectAlternativeNames: (properties.SubjectAlternativeNames as string[] | undefined) ?? undefined,
      ValidationMethod: 'DNS',
    }),
  );
  return { physicalId: requested.CertificateArn! };
};

/** Alert topics, failure queues, secrets, alarms, the certificate and the Route 53 health check. */
export const messagingAndMonitoringProvisioners: Readonly<Record<string, ResourceProvisioner>> = {
  'AWS::SNS::Topic': topic,
  'AWS::SQS::Queue': queue,
  'AWS::SecretsManager::Secret': secret,
  'AWS::SecretsManager::SecretTargetAttachment': secretAttachment,
  'AWS::CloudWatch::Alarm': alarm,
  'AWS::Route53::HealthCheck': healthCheck,
  'AWS::CertificateManager::Certificate': certificate,
};
