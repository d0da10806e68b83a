import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { RDSClient } from '@aws-sdk/client-rds';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbAlertRules } from '../../adapters/aws/alert-rules-store';
import { createAuroraProbe } from '../../adapters/aws/aurora-status';
import { DynamoDbCheckStateStore } from '../../adapters/aws/check-state-store';
import { DynamoDbComponentStatusStore } from '../../adapters/aws/component-status-store';
import { createElasticacheProbe } from '../../adapters/aws/elasticache-status';
import { EventBridgeHealthEventPublisher } from '../../adapters/aws/health-event-publisher';
import { DynamoDbIncidentStore } from '../../adapters/aws/incident-store';
import { createLambdaErrorsProbe } from '../../adapters/aws/lambda-errors';
import { PowertoolsIdempotency } from '../../adapters/aws/powertools-idempotency';
import { SnsNotifier } from '../../adapters/aws/sns-publisher';
import { createTargetHealthProbe } from '../../adapters/aws/target-health';
import { createDependencyProbe } from '../../adapters/http/dependency-probe';
import { createHttpProbe } from '../../adapters/http/http-probe';
import { createTcpProbe } from '../../adapters/http/tcp-probe';
import { dispatchProbe } from '../../core/health/probe';
import type { Clock } from '../../core/health/service';
import { logger, metrics, tracer } from '../../shared/powertools';
import type { HealthHandlerDeps } from './handler';
import type { HealthSettings } from './settings';

/** The SDK clients the health check uses; built once per execution environment. */
export interface HealthClients {
  readonly dynamodb: DynamoDBDocumentClient;
  /** The low-level client under `dynamodb` (Powertools Idempotency takes one). */
  readonly dynamodbClient: DynamoDBClient;
  readonly sns: SNSClient;
  readonly elb: ElasticLoadBalancingV2Client;
  readonly rds: RDSClient;
  readonly elasticache: ElastiCacheClient;
  readonly cloudwatch: CloudWatchClient;
  readonly eventbridge: EventBridgeClient;
}

/**
 * The clients, traced by X-Ray. Probes carry their own timeouts and a throttled monitoring call
 * is an `unknown` result, so the SDK retries only a little: a retry storm would outlive the round.
 */
export function createHealthClients(): HealthClients {
  const options = { maxAttempts: 2 };
  const dynamodbClient = tracer.captureAWSv3Client(new DynamoDBClient({ maxAttempts: 4 }));
  return {
    dynamodb: DynamoDBDocumentClient.from(dynamodbClient, {
      marshallOptions: { removeUndefinedValues: true },
    }),
    dynamodbClient,
    sns: tracer.captureAWSv3Client(new SNSClient({ maxAttempts: 4 })),
    elb: tracer.captureAWSv3Client(new ElasticLoadBalancingV2Client(options)),
    rds: tracer.captureAWSv3Client(new RDSClient(options)),
    elasticache: tracer.captureAWSv3Client(new ElastiCacheClient(options)),
    cloudwatch: tracer.captureAWSv3Client(new CloudWatchClient(options)),
    eventbridge: tracer.captureAWSv3Client(new EventBridgeClient({ maxAttempts: 4 })),
  };
}

/** The wall clock; `sleep` resolves early when the signal aborts. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      }
      signal?.addEventListener('abort', done, { once: true });
    }),
};

/** Wires the adapters to the settings. */
export function createHealthDependencies(
  settings: HealthSettings,
  clients: HealthClients,
  clock: Clock = systemClock,
): HealthHandlerDeps {
  const table = settings.tableName;
  const probe = dispatchProbe({
    http: createHttpProbe(),
    tcp: createTcpProbe(),
    'alb-target-health': createTargetHealthProbe(clients.elb),
    aurora: createAuroraProbe({ rds: clients.rds, cloudwatch: clients.cloudwatch }),
    elasticache: createElasticacheProbe(clients.elasticache),
    'lambda-errors': createLambdaErrorsProbe(clients.cloudwatch),
    dependency: createDependencyProbe(),
  });
  return {
    settings,
    health: {
      probe,
      clock,
      checkStates: new DynamoDbCheckStateStore(clients.dynamodb, table),
      incidents: new DynamoDbIncidentStore(clients.dynamodb, table),
      rules: new DynamoDbAlertRules(clients.dynamodb, table),
      notifier: new SnsNotifier(clients.sns, settings.topicArns),
    },
    componentEvents: {
      componentStatuses: new DynamoDbComponentStatusStore(clients.dynamodb, table),
      events: new EventBridgeHealthEventPublisher(clients.eventbridge),
    },
    run: {
      idempotency: new PowertoolsIdempotency(clients.dynamodbClient, table, { scope: 'health-check' }),
      clock: clock.now,
      sleep: (ms) => clock.sleep(ms),
      random: Math.random,
    },
    logger,
    metrics,
  };
}
