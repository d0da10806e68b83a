import { createHash } from 'node:crypto';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import {
  PayloadTooLargeError,
  RequestValidationError,
  UnauthenticatedError,
  UnsupportedMediaTypeError,
} from '../../core/admin/errors';
import { PROBLEM_CONTENT_TYPE, type ProblemDetails } from '../../core/admin/problem';

/** Bodies larger than this are refused before parsing. @default 64 KiB */
export const MAX_BODY_BYTES = 64 * 1024;

const JSON_TYPE = /^application\/json\s*(;\s*charset=utf-8\s*)?$/i;

/** A header's value, whatever its case in the event. */
export function header(event: APIGatewayProxyEvent, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted && value !== undefined) return value;
  }
  return undefined;
}

function rawBody(event: APIGatewayProxyEvent): string {
  if (event.body === null || event.body === undefined) return '';
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
}

/**
 * The JSON body of a route that takes one.
 * @throws {UnsupportedMediaTypeError} unless the content type is `application/json` (UTF-8).
 * @throws {PayloadTooLargeError} above {@link MAX_BODY_BYTES}.
 * @throws {RequestValidationError} when the body is missing or is not JSON.
 */
export function jsonBody(event: APIGatewayProxyEvent): unknown {
  const type = header(event, 'content-type');
  if (type === undefined || !JSON_TYPE.test(type.trim()))
    throw new UnsupportedMediaTypeError('The body must be sent as Content-Type: application/json');
  const text = rawBody(event);
  if (Buffer.byteLength(text, 'utf8') > MAX_BODY_BYTES)
    throw new PayloadTooLargeError(`The body must be at most ${MAX_BODY_BYTES} bytes`);
  if (text.trim() === '')
    throw new RequestValidationError('The body is required', [{ field: 'body', message: 'is required' }]);
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new RequestValidationError(
      'The body is not valid JSON',
      [{ field: 'body', message: 'is not valid JSON' }],
      {
        cause,
      },
    );
  }
}

/** @throws {RequestValidationError} when a route that takes no body got one. */
export function noBody(event: APIGatewayProxyEvent): void {
  if (rawBody(event).trim() !== '')
    throw new RequestValidationError('This route takes no body', [
      { field: 'body', message: 'must be empty' },
    ]);
}

/**
 * The query string as single values.
 * @throws {RequestValidationError} when a parameter is repeated (which value would count is ambiguous).
 */
export function singleQuery(event: APIGatewayProxyEvent): Record<string, string> {
  const repeated = Object.entries(event.multiValueQueryStringParameters ?? {})
    .filter(([, values]) => (values?.length ?? 0) > 1)
    .map(([name]) => name);
  if (repeated.length > 0) {
    throw new RequestValidationError(
      `Query parameter ${repeated[0]} is given more than once`,
      repeated.map((name) => ({ field: `query.${name}`, message: 'must be given once' })),
    );
  }
  return Object.fromEntries(
    Object.entries(event.queryStringParameters ?? {}).filter(
      (entry): entry is [string, string] => entry[1] !== undefined,
    ),
  );
}

/** The caller's IAM identity, as API Gateway's IAM authorisation established it. */
export function callerArn(event: APIGatewayProxyEvent): string | undefined {
  const arn = event.requestContext?.identity?.userArn;
  return typeof arn === 'string' && arn.length > 0 ? arn : undefined;
}

/** @throws {UnauthenticatedError} when the request carries no IAM identity. */
export function requireCaller(event: APIGatewayProxyEvent): string {
  const arn = callerArn(event);
  if (!arn) throw new UnauthenticatedError('The request carries no IAM identity; sign it with SigV4');
  return arn;
}

/** Digest of what makes two requests "the same" for an `Idempotency-Key`. */
export function fingerprint(method: string, path: string, request: unknown): string {
  return createHash('sha256')
    .update(`${method} ${path}\n${JSON.stringify(request)}`)
    .digest('hex');
}

const COMMON_HEADERS = { 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' };

/** A JSON answer. */
export function jsonResponse(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyResult {
  return {
    statusCode: status,
    headers: { 'Content-Type': 'application/json', ...COMMON_HEADERS, ...headers },
    body: JSON.stringify(body),
  };
}

/** An RFC 9457 answer. */
export function problemResponse(
  problem: ProblemDetails,
  headers: Record<string, string> = {},
): APIGatewayProxyResult {
  return {
    statusCode: problem.status,
    headers: { 'Content-Type': PROBLEM_CONTENT_TYPE, ...COMMON_HEADERS, ...headers },
    body: JSON.stringify(problem),
  };
}
