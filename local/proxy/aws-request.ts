import type { IncomingHttpHeaders } from 'node:http';

/** How an AWS service speaks: the SDK's protocol, which decides how errors must look. */
export type AwsProtocol = 'query' | 'json' | 'rest-xml' | 'rest-json';

/** One AWS API call as the proxy sees it. */
export interface AwsRequest {
  /** The signing name from the credential scope: `autoscaling`, `rds`, `monitoring`, `dynamodb`, ... */
  readonly service: string;
  /** The API operation: `SetDesiredCapacity`, `GetMetricData`, `Invoke`, `GetHealthCheckStatus`, ... */
  readonly operation: string;
  readonly protocol: AwsProtocol;
  /** The access key the request was signed with (each emulated function has its own). */
  readonly accessKeyId: string;
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  /** Query parameters (form body) or JSON body; for REST calls, the path's parameters. */
  readonly params: Readonly<Record<string, unknown>>;
}

const ROUTE53_PREFIX = '/2013-04-01/';
const LAMBDA_PREFIX = '/2015-03-31/functions/';

function restRoute53(method: string, path: string): { operation: string; params: Record<string, string> } {
  const parts = path.slice(ROUTE53_PREFIX.length).split('/');
  if (parts[0] === 'healthcheck' && parts[1]) {
    const params = { HealthCheckId: decodeURIComponent(parts[1]) };
    if (parts[2] === 'status') return { operation: 'GetHealthCheckStatus', params };
    if (parts[2] === 'lastfailurereason') return { operation: 'GetHealthCheckLastFailureReason', params };
    if (method === 'GET') return { operation: 'GetHealthCheck', params };
    if (method === 'POST') return { operation: 'UpdateHealthCheck', params };
    if (method === 'DELETE') return { operation: 'DeleteHealthCheck', params };
  }
  if (parts[0] === 'healthcheck' && method === 'POST') return { operation: 'CreateHealthCheck', params: {} };
  return { operation: `${method} ${parts[0] ?? ''}`, params: {} };
}

function restLambda(method: string, path: string): { operation: string; params: Record<string, string> } {
  const [name, action] = path.slice(LAMBDA_PREFIX.length).split('/');
  const params = { FunctionName: decodeURIComponent(name ?? '') };
  if (method === 'POST' && action?.startsWith('invocations')) return { operation: 'Invoke', params };
  return { operation: `${method} ${action ?? 'function'}`, params };
}

/**
 * Reads which service and operation a request calls, and its parameters: the service from the
 * SigV4 credential scope, the operation from `X-Amz-Target` (JSON protocols), the `Action`
 * parameter (query protocol) or the path (Route 53's REST XML and Lambda's REST JSON).
 */
export function parseAwsRequest(
  method: string,
  url: string,
  headers: IncomingHttpHeaders,
  body: Buffer,
): AwsRequest {
  const authorization = String(headers.authorization ?? '');
  const scope = /Credential=([^/]+)\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(authorization);
  const accessKeyId = scope?.[1] ?? '';
  const path = url.split('?')[0] ?? '/';
  let service = scope?.[2] ?? '';
  const target = headers['x-amz-target'];
  if (typeof target === 'string') {
    const json = body.length > 0 ? (JSON.parse(body.toString('utf8')) as Record<string, unknown>) : {};
    const operation = target.slice(target.lastIndexOf('.') + 1);
    return { service, operation, protocol: 'json', accessKeyId, method, path, headers, body, params: json };
  }
  if (path.startsWith(ROUTE53_PREFIX)) {
    service ||= 'route53';
    const { operation, params } = restRoute53(method, path);
    return { service, operation, protocol: 'rest-xml', accessKeyId, method, path, headers, body, params };
  }
  if (path.startsWith(LAMBDA_PREFIX)) {
    service ||= 'lambda';
    const { operation, params } = restLambda(method, path);
    return { service, operation, protocol: 'rest-json', accessKeyId, method, path, headers, body, params };
  }
  const form = new URLSearchParams(
    String(headers['content-type'] ?? '').includes('x-www-form-urlencoded')
      ? body.toString('utf8')
      : (url.split('?')[1] ?? ''),
  );
  const params = Object.fromEntries(form.entries());
  return {
    service,
    operation: params.Action ?? `${method} ${path}`,
    protocol: 'query',
    accessKeyId,
    method,
    path,
    headers,
    body,
    params,
  };
}

/** The values of a query-protocol list parameter (`Name.member.1`, `Name.member.2`, ...). */
export function queryList(params: Readonly<Record<string, unknown>>, name: string): string[] {
  const values: string[] = [];
  for (let index = 1; params[`${name}.member.${index}`] !== undefined; index++) {
    values.push(String(params[`${name}.member.${index}`]));
  }
  return values;
}
