import type { APIGatewayProxyEvent, Context } from 'aws-lambda';

export const OPERATOR = 'arn:aws:sts::123456789012:assumed-role/Operator/alice';

/** What a test says about a request; the rest is filled in as API Gateway (REST, IAM auth) would. */
export interface RequestSpec {
  readonly method: string;
  /** The raw path, as the client sent it (segments percent-encoded). */
  readonly path: string;
  /** Decoded path parameters, as API Gateway hands them over. */
  readonly pathParameters?: Record<string, string>;
  readonly query?: Record<string, string>;
  readonly multiQuery?: Record<string, string[]>;
  readonly headers?: Record<string, string>;
  readonly body?: string | null;
  readonly base64?: boolean;
  /** `null`: no IAM identity in the request context. @default OPERATOR */
  readonly userArn?: string | null;
  readonly requestId?: string;
}

let counter = 0;

/** An API Gateway REST proxy event. */
export function apiEvent(spec: RequestSpec): APIGatewayProxyEvent {
  counter += 1;
  const requestId = spec.requestId ?? `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`;
  const query =
    spec.query ??
    (spec.multiQuery
      ? Object.fromEntries(Object.entries(spec.multiQuery).map(([k, v]) => [k, v[v.length - 1]!]))
      : null);
  return {
    httpMethod: spec.method,
    path: spec.path,
    resource: spec.path,
    pathParameters: spec.pathParameters ?? null,
    queryStringParameters: query,
    multiValueQueryStringParameters:
      spec.multiQuery ?? (query ? Object.fromEntries(Object.entries(query).map(([k, v]) => [k, [v]])) : null),
    headers: spec.headers ?? {},
    multiValueHeaders: {},
    body: spec.body ?? null,
    isBase64Encoded: spec.base64 ?? false,
    stageVariables: null,
    requestContext: {
      requestId,
      identity: { userArn: spec.userArn === undefined ? OPERATOR : spec.userArn },
    } as APIGatewayProxyEvent['requestContext'],
  };
}

/** A JSON request with the right content type. */
export function jsonRequest(
  method: string,
  path: string,
  body: unknown,
  extra: Partial<RequestSpec> = {},
): RequestSpec {
  return {
    method,
    path,
    body: JSON.stringify(body),
    ...extra,
    headers: { 'Content-Type': 'application/json', ...extra.headers },
  };
}

export const lambdaContext = {
  awsRequestId: 'lambda-request',
  functionName: 'admin-api',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:admin-api',
  memoryLimitInMB: '512',
  logGroupName: '/aws/lambda/admin-api',
  logStreamName: 'stream',
  callbackWaitsForEmptyEventLoop: false,
  getRemainingTimeInMillis: () => 28_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
} as Context;
