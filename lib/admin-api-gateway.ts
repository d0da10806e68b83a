import { AccessLogFormat, ResponseType, type RestApi } from 'aws-cdk-lib/aws-apigateway';
import { PROBLEM_CONTENT_TYPE, PROBLEM_TYPE_PREFIX } from '../functions/core/admin/problem';

/**
 * API Gateway details of the admin API: what it logs per request, and the problem documents it
 * answers with when it refuses a request before the function sees it.
 */

/** One JSON line per request: who (the IAM ARN), what, how it ended and how long it took. */
export const ACCESS_LOG_FORMAT = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    extendedRequestId: '$context.extendedRequestId',
    requestTime: '$context.requestTime',
    caller: '$context.identity.userArn',
    accountId: '$context.identity.accountId',
    sourceIp: '$context.identity.sourceIp',
    userAgent: '$context.identity.userAgent',
    method: '$context.httpMethod',
    resourcePath: '$context.resourcePath',
    path: '$context.path',
    status: '$context.status',
    responseLength: '$context.responseLength',
    latencyMs: '$context.responseLatency',
    integrationLatencyMs: '$context.integration.latency',
    integrationStatus: '$context.integration.status',
    error: '$context.error.message',
    wafStatus: '$context.waf.status',
  }),
);

/** Gateway refusals and the status and problem type each is answered with. */
const GATEWAY_PROBLEMS: readonly { type: ResponseType; status?: string; slug: string; title: string }[] = [
  { type: ResponseType.BAD_REQUEST_BODY, status: '400', slug: 'validation', title: 'Invalid request' },
  { type: ResponseType.BAD_REQUEST_PARAMETERS, status: '400', slug: 'validation', title: 'Invalid request' },
  {
    type: ResponseType.MISSING_AUTHENTICATION_TOKEN,
    status: '403',
    slug: 'forbidden',
    title: 'Not signed, or no such route',
  },
  {
    type: ResponseType.INVALID_SIGNATURE,
    status: '403',
    slug: 'forbidden',
    title: 'Invalid SigV4 signature',
  },
  { type: ResponseType.EXPIRED_TOKEN, status: '403', slug: 'forbidden', title: 'Expired credentials' },
  { type: ResponseType.ACCESS_DENIED, status: '403', slug: 'forbidden', title: 'Not allowed by IAM' },
  { type: ResponseType.WAF_FILTERED, status: '403', slug: 'forbidden', title: 'Blocked by the web ACL' },
  {
    type: ResponseType.REQUEST_TOO_LARGE,
    status: '413',
    slug: 'payload-too-large',
    title: 'Payload too large',
  },
  {
    type: ResponseType.UNSUPPORTED_MEDIA_TYPE,
    status: '415',
    slug: 'unsupported-media-type',
    title: 'Unsupported media type',
  },
  { type: ResponseType.THROTTLED, status: '429', slug: 'throttled', title: 'Too many requests' },
  {
    type: ResponseType.INTEGRATION_TIMEOUT,
    status: '504',
    slug: 'timeout',
    title: 'The admin function timed out',
  },
  { type: ResponseType.DEFAULT_4XX, slug: 'client-error', title: 'Request refused' },
  { type: ResponseType.DEFAULT_5XX, slug: 'gateway-error', title: 'Gateway error' },
];

/**
 * Makes API Gateway's own refusals RFC 9457 problems too, so a client handles one error format.
 * `$context.error.messageString` is API Gateway's message already quoted for JSON.
 */
export function addProblemResponses(api: RestApi): void {
  for (const { type, status, slug, title } of GATEWAY_PROBLEMS) {
    const fields = [
      `"type":"${PROBLEM_TYPE_PREFIX}${slug}"`,
      `"title":"${title}"`,
      ...(status ? [`"status":${status}`] : []),
      '"detail":$context.error.messageString',
      '"instance":"$context.httpMethod $context.resourcePath"',
      '"correlationId":"$context.requestId"',
    ];
    api.addGatewayResponse(`Problem${type.responseType}`, {
      type,
      ...(status ? { statusCode: status } : {}),
      responseHeaders: {
        'Content-Type': `'${PROBLEM_CONTENT_TYPE}'`,
        'X-Correlation-Id': 'context.requestId',
      },
      templates: { 'application/json': `{${fields.join(',')}}` },
    });
  }
}
