import { describeLoadBalancer, setAlgorithm, setWeights } from '../../../core/admin/services/load-balancer';
import type { Implementations } from '../route';

/** The ALB's algorithm and target group weights. */
export const loadBalancerRoutes = {
  getLoadBalancer: { handle: ({ deps }) => describeLoadBalancer(deps) },
  setAlgorithm: {
    target: () => 'load-balancer/target-groups',
    handle: ({ deps, body }) => setAlgorithm(deps, body),
  },
  setWeights: {
    target: () => 'load-balancer/listener',
    handle: ({ deps, body }) => setWeights(deps, body),
  },
} satisfies Pick<Implementations, 'getLoadBalancer' | 'setAlgorithm' | 'setWeights'>;
