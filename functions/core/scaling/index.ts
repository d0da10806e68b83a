/**
 * The scaling decision engine (pure): call {@link decide} with the group, the metrics, the
 * policy set, the recent recommendations and activities, and the time.
 */
export { combine, decide } from './decide';
export { defaultPolicyInput } from './default-policy';
export { formatExplanation } from './explain';
export {
  PolicyError,
  type PolicySet,
  type PolicySetInput,
  parsePolicySet,
  policySetSchema,
} from './policy-schema';
export type * from './types';
