/**
 * The admin API's domain errors. Each maps to one HTTP status and an RFC 9457 problem type; the
 * handler's error mapper turns them into `application/problem+json`. Anything else is unexpected
 * and answered with a generic 500 whose detail stays in the logs.
 */

/** One field that is wrong, e.g. `{ field: 'body.weights[0].weight', message: 'must be ≤ 999' }`. */
export interface FieldProblem {
  readonly field: string;
  readonly message: string;
}

/** The base of every error the API answers with a 4xx or a deliberate 5xx. */
export abstract class AdminApiError extends Error {
  /** The HTTP status of the answer. */
  abstract readonly status: number;
  /** The problem type's short, stable title (RFC 9457 `title`). */
  abstract readonly title: string;
  /** The last segment of the problem type URI, e.g. `validation`. */
  abstract readonly slug: string;

  constructor(
    message: string,
    readonly problems: readonly FieldProblem[] = [],
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** The request does not match the route's schema (body, path, query or header). */
export class RequestValidationError extends AdminApiError {
  override readonly name = 'RequestValidationError';
  readonly status = 400;
  readonly title = 'Invalid request';
  readonly slug = 'validation';
}

/** The caller's IAM identity is missing: the method was reached without SigV4 authorisation. */
export class UnauthenticatedError extends AdminApiError {
  override readonly name = 'UnauthenticatedError';
  readonly status = 401;
  readonly title = 'Caller identity missing';
  readonly slug = 'unauthenticated';
}

/** No such resource (or route). */
export class NotFoundError extends AdminApiError {
  override readonly name = 'NotFoundError';
  readonly status = 404;
  readonly title = 'Not found';
  readonly slug = 'not-found';
}

/** The resource is busy or the idempotency key is in use; retrying later may succeed. */
export class ConflictError extends AdminApiError {
  override readonly name = 'ConflictError';
  readonly status = 409;
  readonly title = 'Conflict';
  readonly slug = 'conflict';
}

/** The body is larger than the API accepts. */
export class PayloadTooLargeError extends AdminApiError {
  override readonly name = 'PayloadTooLargeError';
  readonly status = 413;
  readonly title = 'Payload too large';
  readonly slug = 'payload-too-large';
}

/** The body is not `application/json`. */
export class UnsupportedMediaTypeError extends AdminApiError {
  override readonly name = 'UnsupportedMediaTypeError';
  readonly status = 415;
  readonly title = 'Unsupported media type';
  readonly slug = 'unsupported-media-type';
}

/** The request is well-formed but breaks a rule of the platform (bounds, known names, state). */
export class UnprocessableError extends AdminApiError {
  override readonly name = 'UnprocessableError';
  readonly status = 422;
  readonly title = 'Request cannot be applied';
  readonly slug = 'unprocessable';
}

/** A control function the route needs has failed or answered nonsense. */
export class UpstreamError extends AdminApiError {
  override readonly name = 'UpstreamError';
  readonly status = 502;
  readonly title = 'Control function failed';
  readonly slug = 'upstream';
}

/** The route's backend is not part of this deployment, or is unavailable right now. */
export class NotDeployedError extends AdminApiError {
  override readonly name = 'NotDeployedError';
  readonly status = 503;
  readonly title = 'Not deployed';
  readonly slug = 'not-deployed';
}

/** The route's backend is deployed but unavailable right now (e.g. Redis unreachable). */
export class UnavailableError extends AdminApiError {
  override readonly name = 'UnavailableError';
  readonly status = 503;
  readonly title = 'Service unavailable';
  readonly slug = 'unavailable';
}
