import * as z from '../../shared/config/zod';
import { PROBLEM_CONTENT_TYPE } from './problem';
import { responses } from './route-spec';
import { type RouteSpec, routeList } from './routes';
import { idempotencyKeySchema } from './schemas/common';

type JsonSchema = Record<string, unknown>;

/** Options of {@link buildOpenApiDocument}. */
export interface OpenApiOptions {
  /** @default '1.0.0' */
  readonly version?: string;
  /** The stage's invoke URL; left out, the document has no `servers`. */
  readonly serverUrl?: string;
}

const ERROR_STATUSES: Record<string, string> = {
  '400': 'The request does not match the schema; `errors` names each field',
  '401': 'No IAM identity reached the function',
  '404': 'No such resource',
  '409': 'Busy, or the Idempotency-Key is in use',
  '413': 'Body larger than 64 KiB',
  '415': 'Body is not application/json',
  '422': 'Well-formed but not applicable (bounds, unknown names, refused by a guard)',
  '500': 'Unexpected failure; the detail is in the logs under the correlation id',
  '502': 'A control function failed',
  '503': 'The backend is not deployed or unavailable',
};

function toSchema(schema: z.ZodMiniType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    io,
    unrepresentable: 'any',
    reused: 'inline',
  });
  return rest as JsonSchema;
}

function parameters(spec: RouteSpec): JsonSchema[] {
  const from = (schema: z.ZodMiniType | undefined, where: 'path' | 'query') => {
    if (!schema) return [];
    const json = toSchema(schema, 'input') as {
      properties?: Record<string, JsonSchema>;
      required?: string[];
    };
    return Object.entries(json.properties ?? {}).map(([name, property]) => ({
      name,
      in: where,
      required: where === 'path' || (json.required ?? []).includes(name),
      schema: property,
    }));
  };
  const header = spec.mutating
    ? [
        {
          name: 'Idempotency-Key',
          in: 'header',
          required: false,
          description:
            'Replays the first answer for a repeated request instead of acting twice (per caller, 24 h)',
          schema: toSchema(idempotencyKeySchema, 'input'),
        },
      ]
    : [];
  return [...from(spec.params, 'path'), ...from(spec.query, 'query'), ...header];
}

function operation(spec: RouteSpec): JsonSchema {
  const problem = { $ref: '#/components/schemas/Problem' };
  const errors = Object.fromEntries(
    Object.entries(ERROR_STATUSES).map(([status, description]) => [
      status,
      { description, content: { [PROBLEM_CONTENT_TYPE]: { schema: problem } } },
    ]),
  );
  return {
    operationId: spec.id,
    summary: spec.summary,
    tags: [spec.tag],
    'x-misybot-mutating': spec.mutating,
    parameters: parameters(spec),
    ...(spec.body
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: toSchema(spec.body, 'input') } },
          },
        }
      : {}),
    responses: {
      [String(spec.status)]: {
        description: spec.summary,
        content: { 'application/json': { schema: toSchema(spec.response(), 'output') } },
      },
      ...errors,
    },
    security: [{ sigv4: [] }],
  };
}

/**
 * The OpenAPI 3.1 document of the admin API, generated from the same zod schemas that validate
 * the requests, so the two cannot drift. Every operation needs SigV4 (IAM) signing.
 */
export function buildOpenApiDocument(options: OpenApiOptions = {}): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const spec of routeList) {
    paths[spec.path] ??= {};
    paths[spec.path]![spec.method.toLowerCase()] = operation(spec);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'MisyBot HA admin API',
      version: options.version ?? '1.0.0',
      description:
        "Operate the MisyBot high-availability control plane. Every call is signed with SigV4; every change is audited with the caller's IAM identity and its reason. Errors are RFC 9457 problem documents.",
    },
    ...(options.serverUrl ? { servers: [{ url: options.serverUrl }] } : {}),
    paths,
    components: {
      schemas: { Problem: toSchema(responses().problemSchema, 'output') },
      securitySchemes: {
        sigv4: {
          type: 'apiKey',
          name: 'Authorization',
          in: 'header',
          description: 'AWS Signature Version 4 (service execute-api)',
          'x-amazon-apigateway-authtype': 'awsSigv4',
        },
      },
    },
  };
}
