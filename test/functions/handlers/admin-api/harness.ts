import type { APIGatewayProxyResult } from 'aws-lambda';
import type { AdminDeps } from '../../../../functions/core/admin/settings';
import { createAdminApiHandler } from '../../../../functions/handlers/admin-api/app';
import { apiEvent, lambdaContext, type RequestSpec } from './events';
import { fakeDeps, quietObservability } from './fakes';

/** An answer with its JSON body parsed. */
export interface Answer {
  readonly status: number;
  readonly headers: Record<string, string>;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary response fields.
  readonly json: any;
}

/** The real admin API handler over fakes; `send` runs one request through it. */
export function harness(overrides: Partial<AdminDeps> = {}) {
  const { deps, world } = fakeDeps(overrides);
  const handler = createAdminApiHandler(deps, quietObservability());
  const send = async (spec: RequestSpec): Promise<Answer> => {
    const result = (await handler(apiEvent(spec), lambdaContext)) as APIGatewayProxyResult;
    return {
      status: result.statusCode,
      headers: (result.headers ?? {}) as Record<string, string>,
      json: result.body ? JSON.parse(result.body) : undefined,
    };
  };
  return { deps, world, handler, send };
}
