/**
 * The ALB's algorithm names. The library is published on its own, so it spells them out rather than
 * importing the platform's config schema; a test keeps the two lists equal.
 */
export type AlbAlgorithm = 'round_robin' | 'least_outstanding_requests' | 'weighted_random';

/**
 * Selection algorithms. The first three are the ALB's:
 *
 * - `round_robin`: each available endpoint in turn;
 * - `least_outstanding_requests`: fewest requests in flight, ties in turn;
 * - `weighted_random`: random in proportion to the weights (the ALB's algorithm of that name;
 *   its anomaly mitigation corresponds to the passive health checks here);
 * - `smooth_weighted_round_robin`: nginx's smooth weighted round-robin: exact proportions over
 *   every cycle of `sum(weights)` picks, heavy endpoints interleaved rather than in bursts;
 * - `p2c_ewma`: power of two choices: two random endpoints, the one with the lower
 *   peak-EWMA latency × (in flight + 1) wins.
 */
export type SelectorAlgorithm = AlbAlgorithm | 'smooth_weighted_round_robin' | 'p2c_ewma';

/** Every algorithm name, for validation and docs. */
export const SELECTOR_ALGORITHMS: readonly SelectorAlgorithm[] = [
  'round_robin',
  'least_outstanding_requests',
  'weighted_random',
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
  switch (algorithm) {
    case 'round_robin':
      return (candidates) => remember(after(candidates, last));
    case 'least_outstanding_requests':
      return (candidates) => {
        const fewest = Math.min(...candidates.map((c) => c.outstanding));
        return remember(
          after(
            candidates.filter((c) => c.outstanding === fewest),
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
        const cost = (c: Candidate) => c.ewmaMs * (c.outstanding + 1);
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
