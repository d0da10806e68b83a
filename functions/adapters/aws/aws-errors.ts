import type { ProbeOutcome } from '../../core/health/probe';

/**
 * How SDK failures count for a health check. Throttling, timeouts and service errors say nothing
 * about the monitored resource, so they are `unknown` (no threshold moves); only "the resource
 * does not exist" is a verdict (`down`).
 */

const THROTTLING = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'ProvisionedThroughputExceededException',
  'LimitExceededException',
]);

const NOT_FOUND = new Set([
  'TargetGroupNotFoundException',
  'TargetGroupNotFound',
  'DBClusterNotFoundFault',
  'DBInstanceNotFoundFault',
  'ReplicationGroupNotFoundFault',
  'CacheClusterNotFoundFault',
  'ResourceNotFoundException',
]);

/** True for an SDK error that means "slow down". */
export function isThrottling(error: unknown): boolean {
  const e = error as {
    name?: string;
    $metadata?: { httpStatusCode?: number };
    $retryable?: { throttling?: boolean };
  };
  return (
    THROTTLING.has(e?.name ?? '') ||
    e?.$metadata?.httpStatusCode === 429 ||
    e?.$retryable?.throttling === true
  );
}

/** The outcome of a probe whose SDK call failed. */
export function awsFailureOutcome(operation: string, error: unknown): ProbeOutcome {
  const name = (error as { name?: string } | null)?.name ?? 'Error';
  const message = error instanceof Error ? error.message : String(error);
  if (isThrottling(error)) return { status: 'unknown', error: `${operation} throttled (${name})` };
  if (name === 'AbortError' || name === 'TimeoutError')
    return { status: 'unknown', error: `${operation} timed out` };
  if (NOT_FOUND.has(name)) return { status: 'down', error: `${operation}: ${message} (${name})` };
  return { status: 'unknown', error: `${operation} failed: ${message} (${name})` };
}

/** The per-call options that carry the probe's abort signal to the SDK. */
export function callOptions(signal: AbortSignal): { abortSignal: AbortSignal } {
  return { abortSignal: signal };
}
