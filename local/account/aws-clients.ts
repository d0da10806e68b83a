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

/** moto's default account; each platform has its own account in a shared emulator. */
export const EMULATED_ACCOUNT_ID = '123456789012';

/** The header that selects the account in moto. */
export const ACCOUNT_HEADER = 'x-moto-account-id';

/** The access key of the harness's own calls (provisioning, world changes, assertions). */
export const OBSERVER_ACCESS_KEY = 'AKIAEMULATEDOBSERVER';

/** Where and as whom the clients talk. */
export interface ClientTarget {
  readonly endpoint: string;
  readonly region: string;
  /** The emulated account (sent as {@link ACCOUNT_HEADER}); moto's default when absent. */
  readonly accountId?: string;
}

/** Adds the account header to every request of `client`. */
function inAccount<T extends { middlewareStack: { add: (...args: never[]) => void } }>(
  client: T,
  accountId?: string,
): T {
  if (accountId === undefined) return client;
  const add = client.middlewareStack.add as unknown as (
    middleware: (
      next: (args: { request: { headers: Record<string, string> } }) => Promise<unknown>,
    ) => (args: { request: { headers: Record<string, string> } }) => Promise<unknown>,
    options: { step: 'build'; name: string },
  ) => void;
  add.call(
    client.middlewareStack,
    (next) => (args) => {
      args.request.headers[ACCOUNT_HEADER] = accountId;
      return next(args);
    },
    { step: 'build', name: 'emulatedAccount' },
  );
  return client;
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
  const account = target.accountId;
  const dynamoDb = inAccount(new DynamoDBClient(config), account);
  return {
    acm: inAccount(new ACMClient(config), account),
    autoScaling: inAccount(new AutoScalingClient(config), account),
    cloudWatch: inAccount(new CloudWatchClient(config), account),
    dynamoDb,
    documents: DynamoDBDocumentClient.from(dynamoDb, { marshallOptions: { removeUndefinedValues: true } }),
    ec2: inAccount(new EC2Client(config), account),
    elb: inAccount(new ElasticLoadBalancingV2Client(config), account),
    elastiCache: inAccount(new ElastiCacheClient(config), account),
    rds: inAccount(new RDSClient(config), account),
    route53: inAccount(new Route53Client(config), account),
    secrets: inAccount(new SecretsManagerClient(config), account),
    sns: inAccount(new SNSClient(config), account),
    sqs: inAccount(new SQSClient(config), account),
  };
}
