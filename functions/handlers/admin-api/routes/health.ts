import { getCheck, listChecks } from '../../../core/admin/services/health';
import { getIncident, listIncidents } from '../../../core/admin/services/incidents';
import { createSilence, listSilences, removeSilence } from '../../../core/admin/services/silences';
import type { Implementations } from '../route';

/** Health checks, incidents and alert silences. */
export const healthRoutes = {
  listChecks: { handle: ({ deps }) => listChecks(deps) },
  getCheck: { handle: ({ deps, params }) => getCheck(deps, params.id) },
  listIncidents: { handle: ({ deps, query }) => listIncidents(deps, query) },
  getIncident: { handle: ({ deps, params }) => getIncident(deps, params.id) },
  listSilences: { handle: ({ deps }) => listSilences(deps) },
  createSilence: {
    target: () => 'alerts/silences',
    handle: ({ deps, body, caller }) => createSilence(deps, body, caller),
  },
  removeSilence: {
    target: ({ params }) => `alerts/silences/${params.id}`,
    handle: ({ deps, params }) => removeSilence(deps, params.id),
  },
} satisfies Pick<
  Implementations,
  | 'listChecks'
  | 'getCheck'
  | 'listIncidents'
  | 'getIncident'
  | 'listSilences'
  | 'createSilence'
  | 'removeSilence'
>;
