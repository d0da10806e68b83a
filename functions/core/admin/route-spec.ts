import * as z from '../../shared/config/zod';
import { reasonSchema } from './schemas/common';

/** The HTTP methods the admin API uses. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** One route: its method and path (API Gateway syntax), schemas and answer. */
export interface RouteSpec {
  readonly id: string;
  readonly method: HttpMethod;
  readonly path: string;
  readonly summary: string;
  readonly tag: string;
  /** Changes something: audited, idempotent by key, and only in the operator policy. */
  readonly mutating: boolean;
  readonly params?: z.ZodMiniType<Record<string, unknown>>;
  readonly query?: z.ZodMiniType<Record<string, unknown>>;
  readonly body?: z.ZodMiniType<Record<string, unknown>>;
  readonly status: 200 | 201 | 202;
  /** The answer's schema, built when first asked for (see {@link responses}). */
  readonly response: () => z.ZodMiniType;
}

/**
 * The response schemas, built on first use. Only the OpenAPI document reads them (the handler
 * validates requests, not its own answers), so a cold start of the admin API skips building
 * them: ~8 ms of CPU under Node 24.
 */
export const responses = (): typeof import('./schemas/responses') =>
  require('./schemas/responses') as typeof import('./schemas/responses');

/**
 * The request body schemas, built with the first request that has a body (the routes wrap them
 * in `z.lazy`), not in the cold start: with the scaling policy and silence schemas they hold,
 * ~10 ms of CPU under Node 24.
 */
export const requests = (): typeof import('./schemas/requests') =>
  require('./schemas/requests') as typeof import('./schemas/requests');

/** Keeps a route's literal types (id, method, schemas) for the handler's typed implementations. */
export const route = <const S extends RouteSpec>(spec: S): S => spec;

/** A route without query parameters: any given one is refused. */
export const noQuery = z.strictObject({});

/** DELETE routes take their reason in the query string (a DELETE has no body). */
export const reasonQuery = z.strictObject({ reason: reasonSchema });
