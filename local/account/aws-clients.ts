import { ACMClient } from '@aws-sdk/client-acm';
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { RDSClient } from '@aws-sdk/client-rds';
import { Route53Client } from '@aws-sdk/client-route-53';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** The emulated account's identity: moto's default account. */
export const EMULATED_ACCOUNT_ID = '123456789012';

/** The access key of the harness's own calls (provisioning, world changes, assertions). */
export const OBSERVER_ACCESS_KEY = 'AKIAEMULATEDOBSERVER';

/** Where and as whom the clients talk. */
export interface ClientTarget {
  readonly endpoint: string;
  readonly region: string;
}

/** SDK clients for one endpoint: the emulator itself or the fault proxy in front of it. */
export interface AwsClients {
  readonly acm: ACMClient;
  readonly autoScaling: AutoScalingClient;
  readonly cloudWatch: CloudWatchClient;
  readonly dynamoDb: DynamoDBClient;
  readonly documents: DynamoDBDocumentClient;
  readonly ec2: EC2Client;
  readonly elb: ElasticLoadBalancingV2Client;
  readonly elastiCache: ElastiCacheClient;
  readonly rds: RDSClient;
  readonly route53: Route53Client;
  readonly secrets: SecretsManagerClient;
  readonly sns: SNSClient;
  readonly sqs: SQSClient;
}

/** SDK clients for one endpoint: the emulator itself or the fault proxy in front of it. */
export interface AwsClients {
  readonly acm: ACMClient;
  readonly autoScaling: AutoScalingClient;
  readonly cloudWatch: CloudWatchClient;
  readonly dynamoDb: DynamoDBClient;
  readonly documents: DynamoDBDocumentClient;
  readonly ec2: EC2Client;
  readonly elb: ElasticLoadBalancingV2Client;
  readonly elastiCache: ElastiCacheClient;
  readonly rds: RDSClient;
  readonly route53: Route53Client;
  readonly secrets: SecretsManagerClient;
  readonly sns: SNSClient;
  readonly sqs: SQSClient;
}

/**
 * Clients with static credentials and standard retries, pointed at `target`. They sign with
 * {@link OBSERVER_ACCESS_KEY}: through the fault proxy they see the stand-ins but never a fault.
 */
export function createAwsClients(target: ClientTarget): AwsClients {
  const config = {
    endpoint: target.endpoint,
    region: target.region,
    credentials: { accessKeyId: OBSERVER_ACCESS_KEY, secretAccessKey: 'emulated-observer-secret' },
    maxAttempts: 3,
  };
  const dynamoDb = new DynamoDBClient(config);
  return {
    acm: new ACMClient(config),
    autoScaling: new AutoScalingClient(config),
    cloudWatch: new CloudWatchClient(config),
    dynamoDb,
    documents: DynamoDBDocumentClient.from(dynamoDb, { marshallOptions: { removeUndefinedValues: true } }),
    ec2: new EC2Client(config),
    elb: new ElasticLoadBalancingV2Client(config),
    elastiCache: new ElastiCacheClient(config),
    rds: new RDSClient(config),
    route53: new Route53Client(config),
    secrets: new SecretsManagerClient(config),
    sns: new SNSClient(config),
    sqs: new SQSClient(config),
  };
}
