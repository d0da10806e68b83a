import type { ProbeOutcome } from '../../core/health/probe';
import { isThrottlingError } from './throttling';

/**
 * How SDK failures count for a health check. Throttling, timeouts and service errors say nothing
 * about the monitored resource, so they are `unknown` (no threshold moves); only "the resource
 * does not exist" is a verdict (`down`).
 */

const NOT_FOUND = new Set([
  'TargetGroupNotFoundException',
  'TargetGroupNotFound',
  'DBClusterNotFoundFault',
  'DBInstanceNotFoundFault',
  'ReplicationGroupNotFoundFault',
  'CacheClusterNotFoundFault',
  'ResourceNotFoundException',
]);

/** The outcome of a probe whose SDK call failed. */
export function awsFailureOutcome(operation: string, error: unknown): ProbeOutcome {
  const name = (error as { name?: string } | null)?.name ?? 'Error';
  const message = error instanceof Error ? error.message : String(error);
  if (isThrottlingError(error)) return { status: 'unknown', error: `${operation} throttled (${name})` };
  if (name === 'AbortError' || name === 'TimeoutError')
    return { status: 'unknown', error: `${operation} timed out` };
  if (NOT_FOUND.has(name)) return { status: 'down', error: `${operation}: ${message} (${name})` };
  return { status: 'unknown', error: `${operation} failed: ${message} (${name})` };
}

/** The per-call options that carry the probe's abort signal to the SDK. */
export function callOptions(signal: AbortSignal): { abortSignal: AbortSignal } {
  return { abortSignal: signal };
}
