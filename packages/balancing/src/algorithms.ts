/**
 * The Application Load Balancer's algorithm names. Platforms that configure an ALB and use this
 * package on the client side can validate one setting against this list.
 */
export const ALB_ALGORITHMS = ['round_robin', 'least_outstanding_requests', 'weighted_random'] as const;

/** One of {@link ALB_ALGORITHMS}. */
export type AlbAlgorithm = (typeof ALB_ALGORITHMS)[number];

/**
 * Selection algorithms; every one honours the endpoints' weights. The first three are the ALB's
 * names ({@link ALB_ALGORITHMS}):
 *
 * - `round_robin`: each available endpoint in turn, `weight` times per cycle, interleaved (nginx's
 *   smooth weighted round robin; with equal weights, plain round robin);
 * - `least_outstanding_requests`: fewest requests in flight per unit of weight,
 *   `(in flight + 1) / weight`, ties in turn (with equal weights: fewest in flight);
 * - `weighted_random`: random in proportion to the weights (the ALB's algorithm of that name;
 *   its anomaly mitigation corresponds to the passive health checks here);
 * - `smooth_weighted_round_robin`: the same algorithm as `round_robin`, by nginx's name;
 * - `p2c_ewma`: power of two choices: two random endpoints, the one with the lower
 *   peak-EWMA latency × (in flight + 1) / weight wins (before any latency sample, the lower
 *   (in flight + 1) / weight).
 */
export type SelectorAlgorithm = AlbAlgorithm | 'smooth_weighted_round_robin' | 'p2c_ewma';

/** Every algorithm name, for validation and docs. */
export const SELECTOR_ALGORITHMS: readonly SelectorAlgorithm[] = [
  ...ALB_ALGORITHMS,
  'smooth_weighted_round_robin',
  'p2c_ewma',
];

/** What an algorithm sees of an endpoint. */
export interface Candidate {
  /** Position in the selector's endpoint list (stable order). */
  readonly index: number;
  readonly weight: number;
  readonly outstanding: number;
  /** Peak-EWMA latency in ms; 0 before the first sample. */
  readonly ewmaMs: number;
  /** nginx `current_weight`, owned by the smooth weighted algorithm. */
  currentWeight: number;
}

/** Picks one of `candidates` (never empty). */
export type Picker = (candidates: readonly Candidate[]) => Candidate;

/** The first candidate after position `last` in list order, wrapping. */
function after(candidates: readonly Candidate[], last: number): Candidate {
  return candidates.find((c) => c.index > last) ?? candidates[0]!;
}

/** Builds the picker of `algorithm`; pickers keep their own cursor state. */
export function createPicker(algorithm: SelectorAlgorithm, random: () => number): Picker {
  let last = -1;
  const remember = (c: Candidate) => {
    last = c.index;
    return c;
  };
  const load = (c: Candidate) => (c.outstanding + 1) / c.weight;
  switch (algorithm) {
    case 'least_outstanding_requests':
      return (candidates) => {
        const lowest = Math.min(...candidates.map(load));
        return remember(
          after(
            candidates.filter((c) => load(c) === lowest),
            last,
          ),
        );
      };
    case 'weighted_random':
      return (candidates) => {
        const total = candidates.reduce((sum, c) => sum + c.weight, 0);
        let point = random() * total;
        for (const c of candidates) {
          point -= c.weight;
          if (point < 0) return c;
        }
        return candidates[candidates.length - 1]!;
      };
    case 'round_robin':
    case 'smooth_weighted_round_robin':
      return (candidates) => {
        let total = 0;
        let best: Candidate | undefined;
        for (const c of candidates) {
          c.currentWeight += c.weight;
          total += c.weight;
          if (!best || c.currentWeight > best.currentWeight) best = c;
        }
        best!.currentWeight -= total;
        return best!;
      };
    case 'p2c_ewma':
      return (candidates) => {
        if (candidates.length === 1) return candidates[0]!;
        const i = Math.floor(random() * candidates.length);
        let j = Math.floor(random() * (candidates.length - 1));
        if (j >= i) j += 1;
        // The latency floor keeps weights and in-flight counts deciding before the first samples.
        const cost = (c: Candidate) => Math.max(c.ewmaMs, 1e-3) * load(c);
        const a = candidates[i]!;
        const b = candidates[j]!;
        return cost(b) < cost(a) ? b : a;
      };
  }
}

/**
 * A seeded pseudo-random source (mulberry32): same seed, same sequence, so selections are
 * reproducible in tests and simulations. Not for cryptography.
 *
 * @example
 * ```ts
 * const selector = createSelector(endpoints, { algorithm: 'weighted_random', random: seededRandom(42) });
 * ```
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
