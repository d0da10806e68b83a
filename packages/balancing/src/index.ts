/**
 * `@misybot-ha/balancing`: client-side selection across endpoints (Aurora readers, internal service
 * instances) with passive health checks.
 *
 * Algorithms ({@link SelectorAlgorithm}): the ALB's `round_robin`, `least_outstanding_requests` and
 * `weighted_random`, plus nginx's `smooth_weighted_round_robin` and power-of-two-choices on peak-EWMA
 * latency, `p2c_ewma`. Endpoints that fail `failureThreshold` times in a row are ejected with
 * exponential back-off and probed back in with one trial request. Clock and random source are
 * injectable ({@link seededRandom}) so every run can be replayed.
 *
 * @example
 * ```ts
 * import { createSelector } from '@misybot-ha/balancing';
 *
 * const instances = createSelector(urls.map((url) => ({ id: url, url })), { algorithm: 'p2c_ewma' });
 * const reply = await instances.run(({ url }) => fetch(`${url}/answer`).then((r) => r.json()));
 * ```
 * @packageDocumentation
 */

export {
  ALB_ALGORITHMS,
  type AlbAlgorithm,
  type Candidate,
  createPicker,
  type Picker,
  SELECTOR_ALGORITHMS,
  type SelectorAlgorithm,
  seededRandom,
} from './algorithms';
export {
  BalancingConfigError,
  type ErrorCauseOptions,
  NoHealthyEndpointError,
  UnknownEndpointError,
} from './errors';
export { type HealthOptions, type HealthState, PassiveHealth } from './health';
export {
  createSelector,
  type Endpoint,
  type EndpointStatus,
  type Lease,
  Selector,
  type SelectorOptions,
} from './selector';
