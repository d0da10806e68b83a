import type { ActionOutcome, FailureKind } from '../../../core/failover/types';
import { isThrottlingError } from '../throttling';

const TIMEOUTS = new Set(['TimeoutError', 'AbortError', 'RequestTimeout', 'RequestTimeoutException']);

interface SdkErrorShape {
  readonly name?: string;
  readonly code?: string;
  readonly message?: string;
  readonly $metadata?: { readonly httpStatusCode?: number };
}

/**
 * Sorts an SDK error into what matters for the failover record. Route 53 answers a change made
 * while an earlier one is still propagating with `PriorRequestNotComplete`; RDS and ElastiCache
 * use typed faults that mean "not in this state" and are rejections, not transient errors.
 */
export function classifyAwsError(error: unknown): FailureKind {
  const e = (typeof error === 'object' && error !== null ? error : {}) as SdkErrorShape;
  const name = e.name ?? '';
  if (isThrottlingError(error)) return 'throttled';
  if (name === 'PriorRequestNotComplete') return 'prior-request-pending';
  if (TIMEOUTS.has(name) || e.code === 'ETIMEDOUT' || e.code === 'ECONNRESET') return 'timeout';
  const status = e.$metadata?.httpStatusCode;
  if (status === 429) return 'throttled';
  if (status !== undefined && status >= 400 && status < 500) return 'rejected';
  return 'unknown';
}

/** `name: message` of an error, for the incident timeline. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

/**
 * The failure outcome of an SDK call. A mutating call that failed with a timeout may have
 * reached AWS, so it is reported as possibly accepted; a throttled or rejected one was not.
 */
export function failureOf(error: unknown, mutating: boolean): ActionOutcome {
  const failure = classifyAwsError(error);
  const accepted = mutating && (failure === 'timeout' || failure === 'unknown');
  return { ok: false, failure, message: describeError(error), accepted };
}
