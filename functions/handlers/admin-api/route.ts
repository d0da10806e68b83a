import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { NotDeployedError } from '../../core/admin/errors';
import { runMutation } from '../../core/admin/mutation';
import type { RouteId, RouteSpec, routes } from '../../core/admin/routes';
import { idempotencyKeySchema } from '../../core/admin/schemas/common';
import type { AdminDeps } from '../../core/admin/settings';
import { parseInput } from '../../core/admin/validation';
import type * as z from '../../shared/config/zod';
import {
  callerArn,
  fingerprint,
  header,
  jsonBody,
  jsonResponse,
  noBody,
  problemResponse,
  requireCaller,
  singleQuery,
} from './http';

type Out<T> = T extends z.ZodMiniType ? z.output<T> : Record<string, never>;

/** A validated request, as a route implementation receives it. */
export interface RouteRequest<S extends RouteSpec> {
  readonly params: Out<S['params']>;
  readonly query: Out<S['query']>;
  readonly body: Out<S['body']>;
  /** The caller's IAM ARN (`unknown` on a read without identity, which IAM auth never lets through). */
  readonly caller: { readonly arn: string; readonly requestId: string };
  readonly deps: AdminDeps;
}

/** An answer with a status other than the route's usual one. */
export class Reply {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {}
}

/** What a route does; mutating routes also name what they change and what they need deployed. */
export type RouteImplementation<S extends RouteSpec> = {
  readonly handle: (request: RouteRequest<S>) => Promise<unknown>;
  /** A message when a control function the route needs is not deployed (answered 503). */
  readonly unavailable?: (deps: AdminDeps) => string | undefined;
} & (S['mutating'] extends true ? { readonly target: (request: RouteRequest<S>) => string } : unknown);

/** Every route's implementation, checked against the catalogue at compile time. */
export type Implementations = { readonly [K in RouteId]: RouteImplementation<(typeof routes)[K]> };

/** Logs what a mutating request asks for, before it runs. */
export type ExplainFn = (message: string, details: Record<string, unknown>) => void;

/**
 * Runs one route: validates path, query, headers and body with the catalogue's schemas, then
 * calls the implementation; a mutating route runs inside {@link runMutation} (idempotency key,
 * audit trail). Errors propagate to the error mapper.
 */
export async function dispatch<S extends RouteSpec>(
  spec: S,
  implementation: RouteImplementation<S>,
  event: APIGatewayProxyEvent,
  deps: AdminDeps,
  explain: ExplainFn,
  /** When the function times out (epoch ms): an `Idempotency-Key` in progress is held until then. */
  deadline: number,
): Promise<APIGatewayProxyResult> {
  const requestId = event.requestContext?.requestId ?? 'unknown';
  const params = spec.params ? parseInput(spec.params, event.pathParameters ?? {}, 'path') : {};
  const query = spec.query ? parseInput(spec.query, singleQuery(event), 'query') : {};
  let body: unknown = {};
  if (spec.body) body = parseInput(spec.body, jsonBody(event), 'body');
  else noBody(event);
  const arn = spec.mutating ? requireCaller(event) : (callerArn(event) ?? 'unknown');
  const request = { params, query, body, caller: { arn, requestId }, deps } as RouteRequest<S>;
  const missing = implementation.unavailable?.(deps);
  if (missing) throw new NotDeployedError(missing);
  if (!spec.mutating) {
    const answer = await implementation.handle(request);
    return answer instanceof Reply
      ? jsonResponse(answer.status, answer.body)
      : jsonResponse(spec.status, answer);
  }
  const keyHeader = header(event, 'idempotency-key');
  const idempotencyKey =
    keyHeader === undefined ? undefined : parseInput(idempotencyKeySchema, keyHeader, 'header');
  const target =
    'target' in implementation ? (implementation.target as (r: RouteRequest<S>) => string)(request) : spec.id;
  const reason = (body as { reason?: string }).reason ?? (query as { reason?: string }).reason ?? '';
  explain('admin change requested', {
    action: spec.id,
    target,
    reason,
    caller: arn,
    requestId,
    dryRun: (body as { dryRun?: boolean }).dryRun,
  });
  const result = await runMutation(
    deps,
    {
      action: spec.id,
      target,
      reason,
      caller: arn,
      requestId,
      instance: `${spec.method} ${event.path}`,
      ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
      fingerprint: fingerprint(spec.method, event.path, { params, query, body }),
      deadline,
      request: { params, query, body },
    },
    async () => {
      const answer = await implementation.handle(request);
      return answer instanceof Reply ? answer : { status: spec.status, body: answer };
    },
  );
  const headers: Record<string, string> = result.replayed ? { 'Idempotent-Replayed': 'true' } : {};
  return result.problem
    ? problemResponse(result.body as Parameters<typeof problemResponse>[0], headers)
    : jsonResponse(result.status, result.body, headers);
}
