/**
 * Errors of the cache library. The cache is fail-open: none of these reach the caller of a cache
 * operation except {@link CacheConfigError} (thrown while building a cache from bad options). The
 * others are handed to `onError` so a service can log what the cache swallowed.
 */

/** `Error`'s ES2022 `cause` option, spelled out so the package also compiles against lib ES2020. */
export interface ErrorCauseOptions {
  readonly cause?: unknown;
}

/** `Error` with its ES2022 constructor signature (Node ≥ 16.9 takes `cause` at run time). */
const ErrorWithCause: new (message?: string, options?: ErrorCauseOptions) => Error = Error;

/** What a cache operation was doing when it failed. */
export type CacheOperation = 'read' | 'write' | 'delete' | 'invalidate' | 'clear' | 'lock' | 'refresh';

/** Base class of the errors the cache reports through `onError`. */
export class CacheError extends ErrorWithCause {
  override readonly name: string = 'CacheError';
  /** The namespace the operation ran in. */
  readonly namespace: string;
  /** The operation that failed. */
  readonly operation: CacheOperation;

  constructor(message: string, namespace: string, operation: CacheOperation, options?: ErrorCauseOptions) {
    super(message, options);
    this.namespace = namespace;
    this.operation = operation;
  }
}

/** Redis did not answer within `timeoutMs`; the caller got a miss. */
export class CacheTimeoutError extends CacheError {
  override readonly name = 'CacheTimeoutError';
}

/** The circuit breaker is open: Redis was not called at all and the caller got a miss. */
export class CacheUnavailableError extends CacheError {
  override readonly name = 'CacheUnavailableError';
}

/** The Redis client rejected the command (connection lost, READONLY, OOM...); see `cause`. */
export class CacheCommandError extends CacheError {
  override readonly name = 'CacheCommandError';
}

/** A stored entry could not be decoded (unknown envelope version, codec or serialiser); read as a miss. */
export class CacheDecodeError extends CacheError {
  override readonly name = 'CacheDecodeError';
}

/** A value could not be serialised or compressed; it was not stored. */
export class CacheEncodeError extends CacheError {
  override readonly name = 'CacheEncodeError';
}

/** A background refresh (stale-while-revalidate) failed in the loader; the stale value stays. */
export class CacheRefreshError extends CacheError {
  override readonly name = 'CacheRefreshError';
}

/** Options that cannot work (a namespace with `{`, a negative TTL...). Thrown synchronously. */
export class CacheConfigError extends ErrorWithCause {
  override readonly name = 'CacheConfigError';
  /** The option that is wrong, such as `namespaces.users.ttlMs`. */
  readonly option: string;

  constructor(option: string, message: string, options?: ErrorCauseOptions) {
    super(`${option}: ${message}`, options);
    this.option = option;
  }
}
