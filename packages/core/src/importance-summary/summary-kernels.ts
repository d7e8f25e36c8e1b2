import {
  FINE_BUCKETS,
  FINE_SHIFT,
  SEGMENT_BUCKETS,
  SEGMENT_SHIFT,
  type ImportanceSummary,
  type SegmentSummary,
} from './summary-types.js';

// Module-local copies: under a CommonJS transform (tsx in worker threads) an imported constant is a
// getter call, which in the per-value loops below costs several times the loop itself.
const FINE = FINE_SHIFT;
const SEGMENT = SEGMENT_SHIFT;
const NAN_KEY = 0xffffffff;
const ZERO_KEY = 0x80000000;
const POS_INF_KEY = 0xff800000;
const NEG_INF_KEY = 0x007fffff;

/** One segment's pass; adds to the fine counts, returns the segment's own summary. */
function summarizeSegment(
  values: Float32Array,
  bits: Uint32Array,
  offset: number,
  length: number,
  fine: Uint32Array,
  scratch: Uint32Array,
): SegmentSummary {
  const totals = { posInf: 0, negInf: 0 };
  scratch.fill(0);
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  let zeros = 0;
  let nan = 0;
  const end = offset + length;
  for (let i = offset; i < end; i++) {
    const b = bits[i] as number;
    let key: number;
    if ((b & 0x7fffffff) > 0x7f800000) {
      key = NAN_KEY;
      nan++;
    } else if ((b & 0x7fffffff) === 0) {
      key = ZERO_KEY;
      zeros++;
    } else {
      key = b & 0x80000000 ? ~b >>> 0 : (b | 0x80000000) >>> 0;
      if (key === POS_INF_KEY) totals.posInf++;
      else if (key === NEG_INF_KEY) totals.negInf++;
      else {
        const v = values[i] as number;
        sum += v;
        if (v < min) min = v;
        if (v > max) max = v;
      }
    }
    // In range by construction (a 32-bit key shifted down); `!` keeps the hot loop free of checks.
    fine[key >>> FINE]!++;
    scratch[key >>> SEGMENT]!++;
  }
  // ±0 are finite too.
  if (zeros > 0) {
    if (0 < min) min = 0;
    if (0 > max) max = 0;
  }
  let from = 0;
  while (from < SEGMENT_BUCKETS && scratch[from] === 0) from++;
  let to = SEGMENT_BUCKETS;
  while (to > from && scratch[to - 1] === 0) to--;
  return {
    offset,
    length,
    sum,
    min: min === Infinity ? null : min,
    max: max === -Infinity ? null : max,
    zeros,
    nan,
    ...totals,
    bucketsFrom: from,
    counts: scratch.slice(from, to),
  };
}

/**
 * The importance summary in one pass over `values`: fine bucket counts, zeros / NaN / ±inf, and
 * per segment (contiguous, in order, covering `values`) its own coarser counts and sum/min/max.
 * `segments` defaults to one segment spanning everything.
 */
export function summarizeImportance(
  values: Float32Array,
  segments: readonly number[] = [values.length],
): ImportanceSummary {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const fine = new Uint32Array(FINE_BUCKETS);
  const scratch = new Uint32Array(SEGMENT_BUCKETS);
  const out: SegmentSummary[] = [];
  let offset = 0;
  for (const length of segments) {
    if (!Number.isInteger(length) || length < 0 || offset + length > values.length) {
      throw new RangeError(`segment lengths must be non-negative integers within ${values.length} values`);
    }
    out.push(summarizeSegment(values, bits, offset, length, fine, scratch));
    offset += length;
  }
  if (offset !== values.length) {
    throw new RangeError(`segment lengths sum to ${offset}, expected ${values.length}`);
  }
  let sum = 0;
  let min: number | null = null;
  let max: number | null = null;
  let zeros = 0;
  let nan = 0;
  let posInf = 0;
  let negInf = 0;
  for (const s of out) {
    sum += s.sum;
    zeros += s.zeros;
    nan += s.nan;
    posInf += s.posInf;
    negInf += s.negInf;
    if (s.min !== null && (min === null || s.min < min)) min = s.min;
    if (s.max !== null && (max === null || s.max > max)) max = s.max;
  }
  return { length: values.length, counts: fine, zeros, nan, posInf, negInf, sum, min, max, segments: out };
}
