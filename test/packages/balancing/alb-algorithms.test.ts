import { ALB_ALGORITHMS, type AlbAlgorithm, SELECTOR_ALGORITHMS } from '@misybot-ha/balancing';
import { type LoadBalancingAlgorithm, loadBalancingAlgorithm } from '../../../functions/shared/config/schema';

// The package owns the ALB's algorithm names and the platform's config schema takes them from it
// (the dependency points from the platform to the package, never back).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameNames: Same<AlbAlgorithm, LoadBalancingAlgorithm> = true;

describe('the ALB algorithm names in @misybot-ha/balancing', () => {
  it('are the names the platform config accepts for the ALB, and the selector implements each', () => {
    expect(sameNames).toBe(true);
    expect([...loadBalancingAlgorithm.options]).toEqual([...ALB_ALGORITHMS]);
    expect(SELECTOR_ALGORITHMS).toEqual(expect.arrayContaining([...ALB_ALGORITHMS]));
  });
});
