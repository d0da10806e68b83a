/**
 * The one list of the names AWS services give a "slow down" answer, for every adapter that treats
 * throttling apart from other failures (a health probe's `unknown`, a failover step's
 * `throttled`, a log read's retry advice). Services spell it differently: DynamoDB
 * `ProvisionedThroughputExceededException`, EC2 `RequestLimitExceeded`, CloudWatch
 * `LimitExceededException`, Lambda `TooManyRequestsException` (and `EC2ThrottledException` when EC2
 * throttles the network interfaces of a function in a VPC), most others `Throttling` or
 * `ThrottlingException`.
 */
export const THROTTLING_ERROR_NAMES: ReadonlySet<string> = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'TooManyRequestsException',
  'EC2ThrottledException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'ProvisionedThroughputExceededException',
  'LimitExceededException',
]);

/**
 * True for an SDK error that means "slow down": a throttling name, HTTP 429, or the SDK's own
 * throttling mark.
 */
export function isThrottlingError(error: unknown): boolean {
  const e = error as {
    name?: string;
    $metadata?: { httpStatusCode?: number };
    $retryable?: { throttling?: boolean };
  } | null;
  return (
    THROTTLING_ERROR_NAMES.has(e?.name ?? '') ||
    e?.$metadata?.httpStatusCode === 429 ||
    e?.$retryable?.throttling === true
  );
}
