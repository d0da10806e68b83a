import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDbAlertRules } from '../../adapters/aws/alert-rules-store';
import { DynamoDbLock } from '../../adapters/aws/dynamodb-coordination';
import { timerSleep } from '../../adapters/aws/dynamodb-items';
import { PowertoolsIdempotency } from '../../adapters/aws/powertools-idempotency';
import { AutoScalingGroupAdapter } from '../../adapters/aws/scaling/auto-scaling';
import { CloudWatchMetricSource } from '../../adapters/aws/scaling/metric-series';
import { SnsScalingNotifier } from '../../adapters/aws/scaling/scaling-notifier';
import { DynamoDbScalingStateStore } from '../../adapters/aws/scaling/scaling-state-store';
import type { ScalingDeps } from '../../core/scaling/ports';
import { runScaling } from '../../core/scaling/service';
import { logger, metrics, tracer } from '../../shared/powertools';
import type { ScalingHandlerDeps } from './handler';
import type { ScalingFunctionSettings } from './settings';

/** The SDK clients the scaling function uses; built once per execution environment. */
export interface ScalingClients {
  readonly autoScaling: AutoScalingClient;
  readonly cloudwatch: CloudWatchClient;
  readonly dynamodb: DynamoDBDocumentClient;
  /** The low-level client under `dynamodb` (Powertools Idempotency takes one). */
  readonly dynamodbClient: DynamoDBClient;
  readonly sns: SNSClient;
}

// Leaves the SDK's retries (with their backoff) room inside the 60-second function timeout.
const METRICS_TIMEOUT_MS = 15_000;
/** Twice the function's timeout: a lease never expires under a run that is still going. */
export const SCALING_LEASE_MS = 120_000;

/**
 * The clients, traced by X-Ray. Retrying is the SDK's job alone (standard mode, backoff on
 * throttling); the function itself never repeats a call.
 */
export function createScalingClients(): ScalingClients {
  const dynamodbClient = tracer.captureAWSv3Client(new DynamoDBClient({ maxAttempts: 4 }));
  return {
    autoScaling: tracer.captureAWSv3Client(new AutoScalingClient({ maxAttempts: 4 })),
    cloudwatch: tracer.captureAWSv3Client(new CloudWatchClient({ maxAttempts: 3 })),
    dynamodb: DynamoDBDocumentClient.from(dynamodbClient, {
      marshallOptions: { removeUndefinedValues: true },
    }),
    dynamodbClient,
    sns: tracer.captureAWSv3Client(new SNSClient({ maxAttempts: 4 })),
  };
}

/** The service's ports over the real adapters. */
export function createScalingDeps(settings: ScalingFunctionSettings, clients: ScalingClients): ScalingDeps {
  const { stateTable } = settings;
  return {
    group: new AutoScalingGroupAdapter(clients.autoScaling, settings.autoScalingGroupName),
    metrics: new CloudWatchMetricSource(
      clients.cloudwatch,
      {
        autoScalingGroupName: settings.autoScalingGroupName,
        targetGroupFullName: settings.targetGroupFullName,
        loadBalancerFullName: settings.loadBalancerFullName,
      },
      () => AbortSignal.timeout(METRICS_TIMEOUT_MS),
    ),
    state: new DynamoDbScalingStateStore(clients.dynamodb, stateTable),
    notifier: new SnsScalingNotifier(clients.sns, {
      info: settings.infoTopicArn,
      warning: settings.warningTopicArn,
    }),
    holds: new DynamoDbAlertRules(clients.dynamodb, stateTable),
    run: {
      idempotency: new PowertoolsIdempotency(clients.dynamodbClient, stateTable, { scope: 'scaling' }),
      lock: new DynamoDbLock(clients.dynamodb, stateTable),
      clock: Date.now,
      sleep: timerSleep,
      random: Math.random,
    },
    settings: {
      groupName: settings.autoScalingGroupName,
      defaultPolicy: settings.defaultPolicy,
      dryRun: settings.dryRun,
      leaseMs: SCALING_LEASE_MS,
    },
  };
}

/** The handler's dependencies: the service bound to its ports, Powertools, the wall clock. */
export function createScalingHandlerDeps(
  settings: ScalingFunctionSettings,
  clients: ScalingClients,
): ScalingHandlerDeps {
  const deps = createScalingDeps(settings, clients);
  return {
    groupName: settings.autoScalingGroupName,
    run: (request) => runScaling(deps, request),
    metrics,
    log: logger,
    now: Date.now,
  };
}
