import { commandRegion, describeRegions } from '../../../core/admin/services/region';
import { type Implementations, Reply } from '../route';
import type { SectionLogger } from './status';

const notConfigured = (deps: Parameters<NonNullable<Implementations['getRegions']['unavailable']>>[0]) =>
  deps.regions ? undefined : 'No standby region is configured (regions)';

/** The region component: state and decision, and operators' region operations. */
export function regionRoutes(
  onSectionError: SectionLogger,
): Pick<Implementations, 'getRegions' | 'commandRegion'> {
  return {
    getRegions: {
      unavailable: notConfigured,
      handle: ({ deps, query, caller }) =>
        describeRegions(
          deps,
          { requestId: caller.requestId, observe: query.observe === 'true' },
          onSectionError,
        ),
    },
    commandRegion: {
      target: ({ params }) => `region/${params.operation}`,
      unavailable: notConfigured,
      handle: async ({ deps, params, body, caller }) => {
        const answer = await commandRegion(deps, params.operation, body, caller);
        return new Reply(answer.status, answer.body);
      },
    },
  };
}
