/**
 * Durations of one query, for its percentiles. Up to {@link EXACT_LIMIT} executions are kept as
 * they are, so the percentile of a small group is exact; beyond that they move into log-spaced
 * buckets 2 % apart, which answer within {@link SKETCH_RELATIVE_ERROR} of the exact value in
 * constant memory however many executions a log holds.
 */
export const EXACT_LIMIT = 512;
const RATIO = 1.02;
/** Half a bucket's width: the most a bucketed percentile can be off, relative to the exact one. */
export const SKETCH_RELATIVE_ERROR = 0.01;
const LOG_RATIO = Math.log(RATIO);
// Durations are logged in ms with 3 decimals; anything below a microsecond shares the first bucket.
const FLOOR_MS = 0.001;

/** A percentile and how far from the exact value it may be (0: exact). */
export interface Percentile {
  readonly valueMs: number;
  /** 0 when exact, else {@link SKETCH_RELATIVE_ERROR}. */
  readonly relativeError: number;
}

/** A histogram of durations in milliseconds. */
export class DurationHistogram {
  private exact: number[] | undefined = [];
  private readonly buckets = new Map<number, number>();
  private total = 0;
  private min = Number.POSITIVE_INFINITY;
  private max = Number.NEGATIVE_INFINITY;

  /** Records one execution. */
  add(durationMs: number): void {
    this.total += 1;
    this.min = Math.min(this.min, durationMs);
    this.max = Math.max(this.max, durationMs);
    if (this.exact) {
      this.exact.push(durationMs);
      if (this.exact.length <= EXACT_LIMIT) return;
      for (const value of this.exact) this.bucket(value);
      this.exact = undefined;
      return;
    }
    this.bucket(durationMs);
  }

  private bucket(durationMs: number): void {
    const bucket = Math.floor(Math.log(Math.max(durationMs, FLOOR_MS) / FLOOR_MS) / LOG_RATIO);
    this.buckets.set(bucket, (this.buckets.get(bucket) ?? 0) + 1);
  }

  /** How many executions were recorded. */
  get count(): number {
    return this.total;
  }

  /**
   * The duration below which `fraction` (0–1) of executions fall (nearest rank: the
   * ceil(fraction × n)-th smallest); `undefined` when nothing was recorded. Exact while at most
   * {@link EXACT_LIMIT} executions were recorded; after that the centre of the rank's bucket,
   * kept within the smallest and largest execution seen.
   */
  percentile(fraction: number): Percentile | undefined {
    if (this.total === 0) return undefined;
    const rank = Math.max(1, Math.ceil(fraction * this.total));
    if (this.exact) {
      const sorted = [...this.exact].sort((a, b) => a - b);
      return { valueMs: sorted[rank - 1]!, relativeError: 0 };
    }
    const ordered = [...this.buckets.entries()].sort((a, b) => a[0] - b[0]);
    let seen = 0;
    for (const [bucket, count] of ordered) {
      seen += count;
      if (seen >= rank) {
        const centre = FLOOR_MS * RATIO ** (bucket + 0.5);
        return {
          valueMs: Math.min(this.max, Math.max(this.min, centre)),
          relativeError: SKETCH_RELATIVE_ERROR,
        };
      }
    }
    return undefined;
  }
}
