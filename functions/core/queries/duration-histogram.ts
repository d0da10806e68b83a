/**
 * Log-spaced buckets 2 % apart: percentiles within 1 % of the exact value in constant memory per
 * query, however many executions a log holds.
 */
const RATIO = 1.02;
const LOG_RATIO = Math.log(RATIO);
// Durations are logged in ms with 3 decimals; anything below a microsecond shares the first bucket.
const FLOOR_MS = 0.001;

/** A histogram of durations in milliseconds. */
export class DurationHistogram {
  private readonly buckets = new Map<number, number>();
  private total = 0;

  /** Records one execution. */
  add(durationMs: number): void {
    const bucket = Math.floor(Math.log(Math.max(durationMs, FLOOR_MS) / FLOOR_MS) / LOG_RATIO);
    this.buckets.set(bucket, (this.buckets.get(bucket) ?? 0) + 1);
    this.total += 1;
  }

  /** How many executions were recorded. */
  get count(): number {
    return this.total;
  }

  /**
   * The duration below which `fraction` (0–1) of executions fall (nearest-rank), as the centre of
   * its bucket; `undefined` when nothing was recorded.
   */
  percentile(fraction: number): number | undefined {
    if (this.total === 0) return undefined;
    const rank = Math.max(1, Math.ceil(fraction * this.total));
    const ordered = [...this.buckets.entries()].sort((a, b) => a[0] - b[0]);
    let seen = 0;
    for (const [bucket, count] of ordered) {
      seen += count;
      if (seen >= rank) return FLOOR_MS * RATIO ** (bucket + 0.5);
    }
    return undefined;
  }
}
