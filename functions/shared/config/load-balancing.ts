import * as z from 'zod';

/** The ALB's load-balancing algorithms; the admin API validates requests against them. */
export const loadBalancingAlgorithm = z.enum([
  'round_robin',
  'least_outstanding_requests',
  'weighted_random',
]);
export type LoadBalancingAlgorithm = z.infer<typeof loadBalancingAlgorithm>;
