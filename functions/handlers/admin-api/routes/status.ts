import { platformStatus } from '../../../core/admin/services/status';
import type { Implementations } from '../route';

/** Logs a /status section that could not be read (the answer only says which). */
export type SectionLogger = (section: string, error: unknown) => void;

let openApi: Record<string, unknown> | undefined;

/**
 * The OpenAPI document, built once per container with the first GET /openapi.json: its builder
 * and every response schema load then, not in each cold start.
 */
function openApiDocument(): Record<string, unknown> {
  const { buildOpenApiDocument } =
    require('../../../core/admin/openapi') as typeof import('../../../core/admin/openapi');
  openApi ??= buildOpenApiDocument();
  return openApi;
}

/** GET /status and GET /openapi.json. */
export function statusRoutes(onSectionError: SectionLogger): Pick<Implementations, 'status' | 'openApi'> {
  return {
    status: { handle: ({ deps }) => platformStatus(deps, onSectionError) },
    openApi: { handle: async () => openApiDocument() },
  };
}
