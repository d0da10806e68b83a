import { buildOpenApiDocument } from '../../../core/admin/openapi';
import { platformStatus } from '../../../core/admin/services/status';
import type { Implementations } from '../route';

/** Logs a /status section that could not be read (the answer only says which). */
export type SectionLogger = (section: string, error: unknown) => void;

let openApi: Record<string, unknown> | undefined;

/** GET /status and GET /openapi.json. */
export function statusRoutes(onSectionError: SectionLogger): Pick<Implementations, 'status' | 'openApi'> {
  return {
    status: { handle: ({ deps }) => platformStatus(deps, onSectionError) },
    // Built once per container: it is the same for every request.
    openApi: { handle: async () => (openApi ??= buildOpenApiDocument()) },
  };
}
