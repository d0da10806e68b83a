import type * as z from '../../shared/config/zod';
import { AdminApiError } from './errors';
import type { problemSchema } from './schemas/responses';

/** Problem types are URNs: stable names that need no hosted documentation page. */
export const PROBLEM_TYPE_PREFIX = 'urn:misybot-ha:problem:';

/** The media type of every error answer (RFC 9457). */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

const MAX_PROBLEMS = 20;
const MAX_TEXT = 300;

/**
 * An RFC 9457 problem document with the request's correlation id. Its schema documents it in
 * the OpenAPI document and is built with it, on first use.
 */
export type ProblemDetails = z.infer<typeof problemSchema>;

/**
 * The problem document for `error`. Domain errors keep their message and field list; anything
 * else becomes a generic 500 that reveals nothing but the correlation id.
 */
export function problemFor(error: unknown, instance: string, correlationId: string): ProblemDetails {
  if (error instanceof AdminApiError) {
    const errors = error.problems
      .slice(0, MAX_PROBLEMS)
      .map((p) => ({ field: clip(p.field), message: clip(p.message) }));
    return {
      type: `${PROBLEM_TYPE_PREFIX}${error.slug}`,
      title: error.title,
      status: error.status,
      detail: clip(error.message),
      instance: clip(instance),
      correlationId,
      ...(errors.length > 0 ? { errors } : {}),
    };
  }
  return {
    type: `${PROBLEM_TYPE_PREFIX}internal`,
    title: 'Internal error',
    status: 500,
    detail: 'The request failed unexpectedly. Quote the correlation id to the platform team.',
    instance: clip(instance),
    correlationId,
  };
}

/** Bounds what echoes back user input, so a huge field name cannot make a huge answer. */
function clip(text: string): string {
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text;
}
