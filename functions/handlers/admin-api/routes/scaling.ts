import { describeGroup, evaluate, putPolicies, setCapacity } from '../../../core/admin/services/scaling';
import type { Implementations } from '../route';

/** The fleet's Auto Scaling group and the scaling engine. */
export const scalingRoutes = {
  getGroup: { handle: ({ deps, params }) => describeGroup(deps, params.name) },
  putPolicies: {
    target: ({ params }) => `scaling/${params.name}/policies`,
    handle: ({ deps, params, body, caller }) => putPolicies(deps, params.name, body, caller),
  },
  evaluate: {
    target: ({ params }) => `scaling/${params.name}`,
    unavailable: (deps) => (deps.scalingEvaluator ? undefined : 'The scaling function is not deployed'),
    handle: ({ deps, params, body, caller }) => evaluate(deps, params.name, body, caller),
  },
  setCapacity: {
    target: ({ params }) => `scaling/${params.name}/capacity`,
    handle: ({ deps, params, body, caller }) => setCapacity(deps, params.name, body, caller),
  },
} satisfies Pick<Implementations, 'getGroup' | 'putPolicies' | 'evaluate' | 'setCapacity'>;
