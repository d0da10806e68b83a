/**
 * Errors of the cache library. The cache is fail-open: Redis trouble never reaches the caller of a
 * cache operation. Those errors ({@link CacheError} and its subclasses) go to `onError` and the
 * `error` event so a service can log what the cache swallowed. What does reach the caller is a
 * mistake in the call itself: {@link CacheConfigError} (bad options, thrown while building the cache
 * or a namespace), {@link CacheInputError} (a bad key, TTL or tag) and {@link CacheValueError} (a
 * value the serialiser cannot store faithfully), plus a loader's own error and
 * {@link CacheLoaderTimeoutError}.
 */

/** `Error`'s ES2022 `cause` option, spelled out so the package also compiles against lib ES2020. */
export interface ErrorCauseOptions {
  readonly cause?: unknown;
}

/** `Error` with its ES2022 constructor signature (Node ≥ 16.9 takes `cause` at run time). */
const ErrorWithCause: new (message?: string, options?: ErrorCauseOptions) => Error = Error;

/** What a cache operation was doing when it failed. */
export type CacheOperation =
  | 'read'
  | 'write'
  | 'delete'
  | 'invalidate'
  | 'clear'
  | 'lock'
  | 'refresh'
  | 'publish'
  | 'subscribe';

/** Base class of the errors the cache reports through `onError` (never thrown to a caller). */
export class CacheError extends ErrorWithCause {
  override readonly name: string = 'CacheError';
  /** The namespace the operation ran in (`*` for the cache-wide bus). */
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

/** A stored entry could not be decoded (unknown codec or serialiser, corrupt bytes); read as a miss. */
export class CacheDecodeError extends CacheError {
  override readonly name = 'CacheDecodeError';
}

/** A value could not be compressed; it was not stored. */
export class CacheEncodeError extends CacheError {
  override readonly name = 'CacheEncodeError';
}

/** A background refresh (stale-while-revalidate, refresh-ahead, after a soft timeout) failed; the old value stays. */
export class CacheRefreshError extends CacheError {
  override readonly name = 'CacheRefreshError';
}

/** The invalidation bus could not publish or lost its subscription; L1 is bypassed until it is back. */
export class CacheBusError extends CacheError {
  override readonly name = 'CacheBusError';
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

/**
 * A call's own argument is wrong: a key that is not a non-empty string or too long, a TTL that is
 * not a whole number of milliseconds ≥ 1, a bad tag. The operation did nothing; the promise rejects.
 */
export class CacheInputError extends ErrorWithCause {
  override readonly name = 'CacheInputError';
  /** The argument that is wrong, such as `ttlMs` or `keys[3]`. */
  readonly field: string;

  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.field = field;
  }
}

/**
 * The namespace's serialiser cannot store the value so that it reads back the same (a `Map` or a
 * `Date` in JSON, `NaN`, `undefined`...). Nothing was stored; the promise rejects. `path` locates the
 * offending part (`$.items[2].at`).
 */
export class CacheValueError extends ErrorWithCause {
  override readonly name = 'CacheValueError';
  /** Where in the value: `$` is the value itself. */
  readonly path: string;

  constructor(path: string, message: string) {
    super(`${path}: ${message}`);
    this.path = path;
  }
}

/**
 * A `getOrSet` loader did not settle within its hard timeout and no stale value was within grace.
 * The loader's `signal` was aborted with this error as its reason.
 */
export class CacheLoaderTimeoutError extends ErrorWithCause {
  override readonly name = 'CacheLoaderTimeoutError';
  readonly namespace: string;
  readonly key: string;
  readonly timeoutMs: number;

  constructor(namespace: string, key: string, timeoutMs: number) {
    super(`loader for ${namespace}/${key} did not settle within ${timeoutMs} ms`);
    this.namespace = namespace;
    this.key = key;
    this.timeoutMs = timeoutMs;
  }
}
