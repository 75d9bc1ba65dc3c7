/**
 * A fixed-bucket, log-scale histogram of durations in milliseconds, from 1 µs to 60 s: O(1)
 * `record` with no allocation, quantiles within {@link MAX_RELATIVE_ERROR} of the true value.
 * Pure: no clock, no I/O.
 */

/**
 * Lower bound of the first regular bucket: 1 µs. Smaller values share the underflow bucket 0.
 *
 * @example
 * ```ts
 * bucketOf(LOWEST_MS); // 1
 * ```
 */
export const LOWEST_MS = 0.001;
/**
 * Upper bound of the last regular bucket: 60 s. Larger values share the overflow bucket.
 *
 * @example
 * ```ts
 * bucketOf(HIGHEST_MS); // BUCKET_COUNT - 1
 * ```
 */
export const HIGHEST_MS = 60_000;
/**
 * Buckets per doubling: each bucket is 2^(1/8) ≈ 9% wider than the previous one.
 *
 * @example
 * ```ts
 * bucketOf(0.002) - bucketOf(0.001); // BUCKETS_PER_OCTAVE
 * ```
 */
export const BUCKETS_PER_OCTAVE = 8;
const REGULAR_BUCKETS = Math.ceil(Math.log2(HIGHEST_MS / LOWEST_MS) * BUCKETS_PER_OCTAVE);
/**
 * Underflow + regular + overflow: 209 counters, 836 bytes per histogram.
 *
 * @example
 * ```ts
 * new LogHistogram().counts.length; // BUCKET_COUNT
 * ```
 */
export const BUCKET_COUNT = REGULAR_BUCKETS + 2;
const OVERFLOW = BUCKET_COUNT - 1;
/**
 * A quantile is reported as the geometric middle of its bucket (then clamped to the observed
 * min and max), so it is within 2^(1/16) − 1 ≈ 4.4% of the exact value, for values in range.
 *
 * @example
 * ```ts
 * const low = p99 / (1 + MAX_RELATIVE_ERROR); // the exact p99 is at least this
 * ```
 */
export const MAX_RELATIVE_ERROR = 2 ** (1 / (2 * BUCKETS_PER_OCTAVE)) - 1;

/**
 * The bucket a duration falls in: 0 below 1 µs (and for NaN), the overflow bucket at 60 s and up.
 *
 * @example
 * ```ts
 * bucketOf(0.0005); // 0
 * bucketOf(0.001);  // 1
 * bucketOf(1);      // 80 (1 ms = 2^9.97 µs → 1 + floor(9.97 × 8))
 * ```
 */
export function bucketOf(ms: number): number {
  if (!(ms >= LOWEST_MS)) return 0;
  if (ms >= HIGHEST_MS) return OVERFLOW;
  return Math.min(OVERFLOW - 1, 1 + Math.floor(Math.log2(ms / LOWEST_MS) * BUCKETS_PER_OCTAVE));
}

/**
 * The value a bucket reports: its geometric middle (half of 1 µs for underflow, 60 s for overflow).
 *
 * @example
 * ```ts
 * bucketValue(1); // ≈ 0.00104 (1 µs × 2^(1/16))
 * ```
 */
export function bucketValue(bucket: number): number {
  if (bucket <= 0) return LOWEST_MS / 2;
  if (bucket >= OVERFLOW) return HIGHEST_MS;
  return LOWEST_MS * 2 ** ((bucket - 0.5) / BUCKETS_PER_OCTAVE);
}

/**
 * Counts per bucket plus exact count, min and max.
 *
 * @example
 * ```ts
 * const h = new LogHistogram();
 * for (const ms of [1, 2, 3, 400]) h.record(ms);
 * h.quantile(0.5); // ≈ 2 (within 4.4%)
 * h.max;           // 400, exact
 * ```
 */
export class LogHistogram {
  readonly counts = new Uint32Array(BUCKET_COUNT);
  count = 0;
  min = Number.POSITIVE_INFINITY;
  max = 0;

  record(ms: number): void {
    const value = Number.isFinite(ms) && ms > 0 ? ms : 0;
    this.counts[bucketOf(value)]!++;
    this.count++;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
  }

  /** Adds `other` into this one (snapshots merge the slots of a window this way). */
  add(other: LogHistogram): void {
    if (other.count === 0) return;
    for (let i = 0; i < BUCKET_COUNT; i++) this.counts[i]! += other.counts[i]!;
    this.count += other.count;
    if (other.min < this.min) this.min = other.min;
    if (other.max > this.max) this.max = other.max;
  }

  reset(): void {
    this.counts.fill(0);
    this.count = 0;
    this.min = Number.POSITIVE_INFINITY;
    this.max = 0;
  }

  /**
   * The nearest-rank quantile `q` in [0, 1]: the value at rank ⌈q × count⌉. 0 when empty.
   * `quantile(1)` is the exact max.
   */
  quantile(q: number): number {
    if (this.count === 0) return 0;
    if (q >= 1) return this.max;
    const rank = Math.max(1, Math.ceil(q * this.count));
    let seen = 0;
    for (let i = 0; i < BUCKET_COUNT; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return Math.min(this.max, Math.max(this.min, bucketValue(i)));
    }
    return this.max;
  }
}
