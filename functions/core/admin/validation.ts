import type * as z from '../../shared/config/zod';
import { type FieldProblem, RequestValidationError } from './errors';

/** Where a request value came from; field names in errors start with it. */
export type InputLocation = 'body' | 'path' | 'query' | 'header';

/**
 * Parses one part of a request with the route's schema.
 * @throws {RequestValidationError} naming every field that is wrong, e.g. `body.weights[0].weight`.
 */
export function parseInput<S extends z.ZodMiniType>(
  schema: S,
  input: unknown,
  location: InputLocation,
): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.flatMap((issue) => toProblems(issue, location));
  const first = problems[0];
  const summary = first ? `${first.field}: ${first.message}` : `${location} is invalid`;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
  throw new RequestValidationError(`Invalid ${location}: ${summary}${more}`, problems, {
    cause: result.error,
  });
}

function toProblems(issue: z.core.$ZodIssue, location: InputLocation): FieldProblem[] {
  const field = fieldName(location, issue.path);
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({
      field: fieldName(location, [...issue.path, key]),
      message: 'is not a known field',
    }));
  }
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    return [{ field, message: 'does not match any of the allowed shapes' }];
  }
  return [{ field, message: issue.message }];
}

/** `body`, `body.weights[0].weight`, `path.id`. */
export function fieldName(location: InputLocation, path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (name, segment) => (typeof segment === 'number' ? `${name}[${segment}]` : `${name}.${String(segment)}`),
    location,
  );
}
