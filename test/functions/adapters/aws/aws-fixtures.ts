import type {
  AlbTargetHealthCheck,
  AuroraCheck,
  ElasticacheCheck,
  LambdaErrorsCheck,
} from '../../../../functions/core/health/check-schema';

/** SDK-shaped errors and resolved checks for the AWS adapter tests. */

export const throttled = () =>
  Object.assign(new Error('Rate exceeded'), {
    name: 'ThrottlingException',
    $metadata: { httpStatusCode: 400 },
  });

export const named = (name: string, message = name) =>
  Object.assign(new Error(message), { name, $metadata: {} });

/** A signal that never aborts, for probes called directly. */
export const signal = () => new AbortController().signal;

const resolved = { critical: true, timeoutMs: 5000, failureThreshold: 2, successThreshold: 2 };

export const TARGET_GROUP_ARN =
  'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/primary/0123456789abcdef';

export const albCheck: AlbTargetHealthCheck = {
  ...resolved,
  id: 'alb',
  component: 'edge',
  kind: 'alb-target-health',
  targetGroupArn: TARGET_GROUP_ARN,
  minHealthy: 2,
};

export const auroraCheck: AuroraCheck = {
  ...resolved,
  id: 'db',
  component: 'database',
  kind: 'aurora',
  clusterId: 'misybot-db',
  maxReplicaLagMs: 1000,
};

export const elasticacheCheck: ElasticacheCheck = {
  ...resolved,
  id: 'redis',
  component: 'cache',
  kind: 'elasticache',
  replicationGroupId: 'misybot-cache',
};

export const lambdaErrorsCheck: LambdaErrorsCheck = {
  ...resolved,
  critical: false,
  id: 'scaling-errors',
  component: 'control-plane',
  kind: 'lambda-errors',
  functionName: 'misybot-ha-scaling',
  maxErrors: 1,
  windowMinutes: 5,
};
