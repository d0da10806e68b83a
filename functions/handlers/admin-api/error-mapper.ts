import type { Logger } from '@aws-lambda-powertools/logger';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { AdminApiError, NotFoundError } from '../../core/admin/errors';
import { problemFor } from '../../core/admin/problem';
import { problemResponse } from './http';

const correlationIdOf = (event: APIGatewayProxyEvent | undefined, context: Context) =>
  event?.requestContext?.requestId ?? context.awsRequestId;

/**
 * The API's one error mapper. Domain errors become their 4xx/5xx problem with a clear message;
 * the router's "no such route" becomes a 404 problem; anything else is a generic 500 carrying
 * only the correlation id, with the error itself in the logs. Every answer carries
 * `X-Correlation-Id`.
 */
export function problemResponses(
  logger: Logger,
  metrics: Metrics,
): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult, Error, Context> {
  return {
    after: (request) => {
      const id = correlationIdOf(request.event, request.context);
      if (request.response)
        request.response.headers = { ...request.response.headers, 'X-Correlation-Id': id };
    },
    onError: (request) => {
      const id = correlationIdOf(request.event, request.context);
      const error = routeNotFound(request.error)
        ? new NotFoundError('No such route', [], { cause: request.error })
        : request.error;
      const instance = `${request.event?.httpMethod ?? '?'} ${request.event?.path ?? '?'}`;
      const problem = problemFor(error, instance, id);
      if (error instanceof AdminApiError && problem.status < 500) {
        logger.info('request refused', {
          status: problem.status,
          detail: problem.detail,
          errors: problem.errors,
          instance,
        });
        metrics.addMetric('AdminApiRefusals', MetricUnit.Count, 1);
      } else {
        logger.error('request failed', { status: problem.status, instance, error });
        metrics.addMetric('AdminApiServerErrors', MetricUnit.Count, 1);
      }
      request.response = problemResponse(problem, { 'X-Correlation-Id': id });
    },
  };
}

/** http-router's own 404 (an http-errors style error with `statusCode` 404). */
function routeNotFound(error: unknown): boolean {
  return (error as { statusCode?: unknown } | null)?.statusCode === 404 && !(error instanceof AdminApiError);
}
