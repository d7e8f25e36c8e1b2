/**
 * Buckets of the importance summary. Every float32 maps to a 32-bit order key whose integer order
 * is torch's ranking order (NaN above +inf, -0 equal to +0; see float-order-keys.ts). The summary
 * counts values per key prefix: the top FINE_BITS bits for the whole vector (sign, 8 exponent bits
 * and 7 mantissa bits: a bucket spans a relative width of 2^-7 ≈ 0.78 % of a normal value) and the
 * top SEGMENT_BITS bits per segment (one segment per parameter: 3 mantissa bits, 12.5 %).
 */
export const FINE_BITS = 16;
export const SEGMENT_BITS = 12;
export const FINE_BUCKETS = 1 << FINE_BITS;
export const SEGMENT_BUCKETS = 1 << SEGMENT_BITS;
/** Key bits below a fine / segment bucket. */
export const FINE_SHIFT = 32 - FINE_BITS;
export const SEGMENT_SHIFT = 32 - SEGMENT_BITS;

/** One contiguous range of the vector (one parameter's dims). */
export interface SegmentSummary {
  readonly offset: number;
  readonly length: number;
  /** Sum, min and max over the segment's finite values (null min/max when it has none). */
  readonly sum: number;
  readonly min: number | null;
  readonly max: number | null;
  readonly zeros: number;
  readonly nan: number;
  readonly posInf: number;
  readonly negInf: number;
  /** Counts per segment bucket, dense from bucket `bucketsFrom` on (trailing empty buckets dropped). */
  readonly bucketsFrom: number;
  readonly counts: Uint32Array;
}

export interface ImportanceSummary {
  readonly length: number;
  /** Counts per fine bucket (FINE_BUCKETS entries). */
  readonly counts: Uint32Array;
  /** ±0 values (they share one order key). */
  readonly zeros: number;
  readonly nan: number;
  readonly posInf: number;
  readonly negInf: number;
  /** Sum, min and max over the finite values. */
  readonly sum: number;
  readonly min: number | null;
  readonly max: number | null;
  readonly segments: readonly SegmentSummary[];
}

/** Answers about a count: exact, or only known to lie in [lower, upper]. */
export interface CountAnswer {
  readonly exact: boolean;
  /** The count when exact, else null. */
  readonly count: number | null;
  readonly lower: number;
  readonly upper: number;
}
