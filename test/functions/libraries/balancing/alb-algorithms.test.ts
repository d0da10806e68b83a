import { type AlbAlgorithm, SELECTOR_ALGORITHMS } from '../../../../functions/libraries/balancing/algorithms';
import {
  type LoadBalancingAlgorithm,
  loadBalancingAlgorithm,
} from '../../../../functions/shared/config/schema';

// The library spells out the ALB's algorithm names instead of importing the platform's schema (it is
// published on its own); these checks keep the two lists from drifting apart.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameNames: Same<AlbAlgorithm, LoadBalancingAlgorithm> = true;

describe('the ALB algorithm names in misybot-ha/balancing', () => {
  it('are the names the platform config accepts for the ALB', () => {
    expect(sameNames).toBe(true);
    expect(SELECTOR_ALGORITHMS).toEqual(expect.arrayContaining([...loadBalancingAlgorithm.options]));
  });
});
