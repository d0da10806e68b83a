import { commandFailover, describeFailover } from '../../../core/admin/services/failover';
import { type Implementations, Reply } from '../route';

/** Failover state and operator commands. */
export const failoverRoutes = {
  getFailover: { handle: ({ deps }) => describeFailover(deps) },
  commandFailover: {
    target: ({ params }) => `failover/${params.component}`,
    unavailable: (deps) => (deps.failoverCommander ? undefined : 'The failover function is not deployed'),
    handle: async ({ deps, params, body, caller }) => {
      const answer = await commandFailover(deps, params.component, body, caller);
      return new Reply(answer.status, answer.body);
    },
  },
} satisfies Pick<Implementations, 'getFailover' | 'commandFailover'>;
