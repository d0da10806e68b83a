import { ALB_ALGORITHMS } from '@misybot-ha/balancing';
import * as z from './zod';

/**
 * The ALB's load-balancing algorithms, named as `@misybot-ha/balancing` names them for its
 * client-side selector; the admin API validates requests against them.
 */
export const loadBalancingAlgorithm = z.enum(ALB_ALGORITHMS);
export type LoadBalancingAlgorithm = z.infer<typeof loadBalancingAlgorithm>;
