import { randomUUID } from 'node:crypto';
import type { DeployedResource } from '../account/deployment';
import type { PlatformModel } from '../account/platform-model';
import type { FunctionRunner } from '../runtime/function-runner';

type Props = Record<string, unknown>;

/** A request to the admin API, as a signed client sends it. */
export interface ApiRequest {
  readonly method: string;
  /** The resource path, without the stage: `/failover/database`. */
  readonly path: string;
  readonly query?: Readonly<Record<string, string>>;
  readonly headers?: Readonly<Record<string, string>>;
  /** A JSON value (sent as `application/json`) or raw text. */
  readonly body?: unknown;
  /** The IAM identity SigV4 established; absent for an unsigned request. */
  readonly caller?: string;
}

/** The API's answer. */
export interface ApiResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** The body parsed, when it is JSON. */
  readonly json?: unknown;
}

// API Gateway gives a Lambda integration 29 seconds.
const INTEGRATION_TIMEOUT_MS = 29_000;

/**
 * API Gateway in front of the admin function, from the template: methods matched by path
 * (`{param}` segments), IAM authorisation (an unsigned request is refused before the function),
 * the request validator's body model, the Lambda proxy event with the caller's identity in
 * `requestContext.identity`, and the API's own gateway responses (problem documents) for what
 * it refuses itself.
 */
export class ApiGateway {
  private readonly responses: DeployedResource[];

  constructor(
    private readonly model: PlatformModel,
    private readonly runner: FunctionRunner,
    private readonly now: () => number,
    private readonly account: { readonly accountId: string; readonly region: string },
  ) {
    this.responses = model.deployment.ofType('AWS::ApiGateway::GatewayResponse');
  }

  async request(request: ApiRequest): Promise<ApiResponse> {
    const requestId = randomUUID();
    const match = this.match(request.method, request.path);
    const resourcePath = match?.method.resourcePath ?? request.path;
    const refuse = (type: string, status: number, message: string) =>
      this.gatewayResponse(type, status, message, { requestId, method: request.method, resourcePath });
    if (!match) return refuse('MISSING_AUTHENTICATION_TOKEN', 403, 'Missing Authentication Token');
    const { method, pathParameters } = match;
    if (method.authorizationType === 'AWS_IAM' && !request.caller) {
      return refuse('MISSING_AUTHENTICATION_TOKEN', 403, 'Missing Authentication Token');
    }
    const isJson = request.body !== undefined && typeof request.body !== 'string';
    const body =
      request.body === undefined ? null : isJson ? JSON.stringify(request.body) : String(request.body);
    const headers: Record<string, string> = {
      ...(isJson ? { 'Content-Type': 'application/json' } : {}),
      ...request.headers,
    };
    if (!this.bodyValid(method.logicalId, body, headers))
      return refuse('BAD_REQUEST_BODY', 400, 'Invalid request body');
    const fn = method.functionArn ? this.model.byNameOrArn(method.functionArn) : undefined;
    if (!fn) return refuse('DEFAULT_5XX', 500, 'Internal server error');
    const query = request.query ?? {};
    const event = {
      resource: method.resourcePath,
      path: request.path,
      httpMethod: request.method,
      headers,
      multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
      queryStringParameters: Object.keys(query).length > 0 ? query : null,
      multiValueQueryStringParameters:
        Object.keys(query).length > 0
          ? Object.fromEntries(Object.entries(query).map(([k, v]) => [k, [v]]))
          : null,
      pathParameters: Object.keys(pathParameters).length > 0 ? pathParameters : null,
      stageVariables: null,
      requestContext: {
        accountId: this.account.accountId,
        apiId: 'emulated',
        stage: 'v1',
        requestId,
        requestTimeEpoch: this.now(),
        httpMethod: request.method,
        resourcePath: method.resourcePath,
        path: `/v1${request.path}`,
        identity: {
          accountId: this.account.accountId,
          caller: request.caller ?? null,
          userArn: request.caller ?? null,
          user: request.caller ?? null,
          sourceIp: '127.0.0.1',
          userAgent: 'misybot-e2e',
        },
      },
      body,
      isBase64Encoded: false,
    };
    const started = this.now();
    const invocation = await this.runner.invoke(fn.name, event);
    if (this.now() - started > INTEGRATION_TIMEOUT_MS) {
      return refuse('INTEGRATION_TIMEOUT', 504, 'Endpoint request timed out');
    }
    const { outcome } = invocation;
    if (outcome.status === 'throttled') return refuse('THROTTLED', 429, 'Too Many Requests');
    if (outcome.status === 'failed') return refuse('DEFAULT_5XX', 502, 'Internal server error');
    const result = outcome.payload as {
      statusCode?: number;
      headers?: Record<string, string>;
      body?: string;
    };
    const text = result?.body ?? '';
    return { status: result?.statusCode ?? 502, headers: result?.headers ?? {}, body: text, ...parsed(text) };
  }

  private match(httpMethod: string, path: string) {
    const segments = path.split('/').filter(Boolean);
    const methods = this.model.deployment.ofType('AWS::ApiGateway::Method');
    for (const method of this.model.methods) {
      if (method.httpMethod !== httpMethod && method.httpMethod !== 'ANY') continue;
      const pattern = method.resourcePath.split('/').filter(Boolean);
      if (pattern.length !== segments.length) continue;
      const pathParameters: Record<string, string> = {};
      const same = pattern.every((part, index) => {
        const segment = segments[index]!;
        if (part.startsWith('{') && part.endsWith('}')) {
          pathParameters[part.slice(1, -1)] = decodeURIComponent(segment);
          return true;
        }
        return part === segment;
      });
      if (!same) continue;
      const logicalId = methods[this.model.methods.indexOf(method)]!.logicalId;
      return { method: { ...method, logicalId }, pathParameters };
    }
    return undefined;
  }

  private bodyValid(methodLogicalId: string, body: string | null, headers: Record<string, string>): boolean {
    const method = this.model.deployment.get(methodLogicalId).properties;
    const models = (method.RequestModels ?? {}) as Record<string, string>;
    const validator = method.RequestValidatorId
      ? this.model.deployment
          .ofType('AWS::ApiGateway::RequestValidator')
          .find((v) => v.physicalId === method.RequestValidatorId)
      : undefined;
    if (!validator?.properties.ValidateRequestBody) return true;
    const type =
      Object.entries(headers)
        .find(([k]) => k.toLowerCase() === 'content-type')?.[1]
        ?.split(';')[0]
        ?.trim() ?? 'application/json';
    const modelName = models[type];
    if (!modelName) return true;
    const schema = this.model.deployment
      .ofType('AWS::ApiGateway::Model')
      .find((m) => m.physicalId === modelName)?.properties.Schema as Props | undefined;
    let value: unknown;
    try {
      value = JSON.parse(body ?? '');
    } catch {
      return false;
    }
    return (
      schema?.type !== 'object' || (value !== null && typeof value === 'object' && !Array.isArray(value))
    );
  }

  private gatewayResponse(
    type: string,
    status: number,
    message: string,
    context: { requestId: string; method: string; resourcePath: string },
  ): ApiResponse {
    const configured =
      this.responses.find((r) => r.properties.ResponseType === type) ??
      this.responses.find(
        (r) => r.properties.ResponseType === (status >= 500 ? 'DEFAULT_5XX' : 'DEFAULT_4XX'),
      );
    const p = configured?.properties ?? {};
    const template =
      ((p.ResponseTemplates ?? {}) as Record<string, string>)['application/json'] ??
      '{"message":$context.error.messageString}';
    const body = template
      .replaceAll('$context.error.messageString', JSON.stringify(message))
      .replaceAll('$context.error.message', message)
      .replaceAll('$context.httpMethod', context.method)
      .replaceAll('$context.resourcePath', context.resourcePath)
      .replaceAll('$context.requestId', context.requestId);
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    for (const [name, value] of Object.entries((p.ResponseParameters ?? {}) as Record<string, string>)) {
      const header = name.replace('gatewayresponse.header.', '');
      headers[header] = value.startsWith("'")
        ? value.slice(1, -1)
        : value === 'context.requestId'
          ? context.requestId
          : value;
    }
    return { status: Number(p.StatusCode ?? status), headers, body, ...parsed(body) };
  }
}

function parsed(text: string): { json?: unknown } {
  try {
    return { json: JSON.parse(text) };
  } catch {
    return {};
  }
}
