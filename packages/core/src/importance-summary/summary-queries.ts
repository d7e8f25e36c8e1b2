import { ceilKey, keyValue, NAN_KEY } from './order-keys.js';
import {
  FINE_BUCKETS,
  FINE_SHIFT,
  SEGMENT_SHIFT,
  type CountAnswer,
  type ImportanceSummary,
  type SegmentSummary,
} from './summary-types.js';

const NEG_INF_BUCKET = 0x007fffff >>> FINE_SHIFT;
const POS_INF_BUCKET = 0xff800000 >>> FINE_SHIFT;
const NAN_BUCKET = NAN_KEY >>> FINE_SHIFT;
const ZERO_BUCKET = 0x80000000 >>> FINE_SHIFT;

function exactCount(count: number): CountAnswer {
  return { exact: true, count, lower: count, upper: count };
}

function rangeCount(lower: number, inBucket: number): CountAnswer {
  return inBucket === 0 ? exactCount(lower) : { exact: false, count: null, lower, upper: lower + inBucket };
}

function shift(answer: CountAnswer, by: number): CountAnswer {
  const lower = answer.lower - by;
  const upper = answer.upper - by;
  return { exact: answer.exact, count: answer.exact ? lower : null, lower, upper };
}

/** How many values have an order key ≥ `key` (NaN included: it ranks highest). */
export function countFromKey(summary: ImportanceSummary, key: number): CountAnswer {
  const b = key >>> FINE_SHIFT;
  let above = 0;
  for (let i = b + 1; i < FINE_BUCKETS; i++) above += summary.counts[i] as number;
  const inBucket = summary.counts[b] as number;
  // A key at a bucket's lower edge takes the whole bucket.
  if ((key & ((1 << FINE_SHIFT) - 1)) === 0) return exactCount(above + inBucket);
  return rangeCount(above, inBucket);
}

/** `countFromKey` within one segment, from its coarser buckets. */
export function segmentCountFromKey(segment: SegmentSummary, key: number): CountAnswer {
  const b = (key >>> SEGMENT_SHIFT) - segment.bucketsFrom;
  const counts = segment.counts;
  let above = 0;
  for (let i = Math.max(b + 1, 0); i < counts.length; i++) above += counts[i] as number;
  const inBucket = b >= 0 && b < counts.length ? (counts[b] as number) : 0;
  if ((key & ((2 ** SEGMENT_SHIFT - 1) | 0)) === 0) return exactCount(above + inBucket);
  return rangeCount(above, inBucket);
}

/** How many values satisfy `v >= t` (prune's threshold rule: NaN never does). */
export function countAtLeast(summary: ImportanceSummary, t: number): CountAnswer {
  if (Number.isNaN(t)) return exactCount(0);
  return shift(countFromKey(summary, ceilKey(t)), summary.nan);
}

export function segmentCountAtLeast(segment: SegmentSummary, t: number): CountAnswer {
  if (Number.isNaN(t)) return exactCount(0);
  return shift(segmentCountFromKey(segment, ceilKey(t)), segment.nan);
}

export interface TopKBoundary {
  /** True when the k largest values are exactly those with key ≥ `key`. */
  readonly exact: boolean;
  /** Lower edge of the bucket holding the k-th largest value. */
  readonly key: number;
  /** How many values lie in buckets above it, and in it. */
  readonly above: number;
  readonly inBucket: number;
}

/** Where the k-th largest value (torch's ranking: NaN first) lies, 1 ≤ k ≤ length. */
export function topKBoundary(summary: ImportanceSummary, k: number): TopKBoundary {
  if (!(Number.isInteger(k) && k >= 1 && k <= summary.length)) {
    throw new RangeError(`k must be an integer in [1, ${summary.length}], got ${k}`);
  }
  let above = 0;
  for (let b = FINE_BUCKETS - 1; b >= 0; b--) {
    const c = summary.counts[b] as number;
    if (above + c >= k) return { exact: above + c === k, key: (b << FINE_SHIFT) >>> 0, above, inBucket: c };
    above += c;
  }
  // Unreachable: the counts sum to length ≥ k.
  throw new RangeError('summary counts do not cover its length');
}

export interface PerSegmentAnswer {
  /** True when every count is exact. */
  readonly exact: boolean;
  /** Per segment: the count when exact, else null. */
  readonly counts: readonly (number | null)[];
  readonly total: CountAnswer;
}

function perSegment(
  summary: ImportanceSummary,
  total: CountAnswer,
  each: (s: SegmentSummary) => CountAnswer,
) {
  const answers = summary.segments.map(each);
  return {
    exact: total.exact && answers.every((a) => a.exact),
    counts: answers.map((a) => a.count),
    total,
  };
}

/** Per segment, how many values `v >= t` keeps (exact when t's bucket edges allow). */
export function keptPerSegmentByThreshold(summary: ImportanceSummary, t: number): PerSegmentAnswer {
  return perSegment(summary, countAtLeast(summary, t), (s) => segmentCountAtLeast(s, t));
}

/**
 * Per segment, how many of the k largest values it holds. Exact only when the k-th largest ends a
 * fine bucket (then no tie can straddle the boundary) and the segments' buckets resolve it.
 */
export function keptPerSegmentByTopK(summary: ImportanceSummary, k: number): PerSegmentAnswer {
  const boundary = topKBoundary(summary, k);
  if (!boundary.exact) {
    const total = { exact: true, count: k, lower: k, upper: k };
    return { exact: false, counts: summary.segments.map(() => null), total };
  }
  return perSegment(summary, exactCount(k), (s) => segmentCountFromKey(s, boundary.key));
}

/** A value interval [lower, upper) of float32s, the range of one bucket clipped to the data. */
export interface BucketValue {
  /** True when lower === upper (the bucket holds one value). */
  readonly exact: boolean;
  readonly lower: number;
  readonly upper: number;
}

/** Values in fine bucket `b` that are finite. */
function finiteIn(summary: ImportanceSummary, b: number): number {
  const c = summary.counts[b] as number;
  if (b === NEG_INF_BUCKET) return c - summary.negInf;
  if (b === POS_INF_BUCKET) return c - summary.posInf;
  if (b === NAN_BUCKET) return c - summary.nan;
  return c;
}

/** The closed value range a fine bucket's finite values may span, clipped to [min, max]. */
function bucketRange(summary: ImportanceSummary, b: number): [number, number] {
  const lo = keyValue((b << FINE_SHIFT) >>> 0);
  // The largest key of the bucket; for the zero bucket its lower edge is -0/+0.
  const hi = keyValue((((b + 1) << FINE_SHIFT) - 1) >>> 0);
  const min = summary.min ?? lo;
  const max = summary.max ?? hi;
  return [Math.min(Math.max(lo, min), max), Math.max(Math.min(hi, max), min)];
}

export function finiteCount(summary: ImportanceSummary): number {
  return summary.length - summary.nan - summary.posInf - summary.negInf;
}

/**
 * The value at rank ⌊q·(N−1)⌋ of the N finite values in ascending order, to the bucket: the closed
 * range of its bucket (clipped to the data's min/max). Null when there are no finite values.
 */
export function quantile(summary: ImportanceSummary, q: number, positiveOnly = false): BucketValue | null {
  const skip = positiveOnly ? positiveBelow(summary) : 0;
  const n = positiveOnly ? positiveCount(summary) : finiteCount(summary);
  if (n === 0) return null;
  const rank = skip + Math.floor(Math.min(Math.max(q, 0), 1) * (n - 1));
  let seen = 0;
  for (let b = 0; b < FINE_BUCKETS; b++) {
    const c = finiteIn(summary, b);
    if (seen + c > rank) {
      const [edge, upper] = bucketRange(summary, b);
      const lower = positiveOnly && b === ZERO_BUCKET ? keyValue(0x80000001) : edge;
      return { exact: lower === upper, lower, upper };
    }
    seen += c;
  }
  return null;
}

/** Finite values ≤ 0 (they precede every positive one in key order). */
function positiveBelow(summary: ImportanceSummary): number {
  let n = summary.zeros;
  for (let b = 0; b < ZERO_BUCKET; b++) n += finiteIn(summary, b);
  return n;
}

function positiveCount(summary: ImportanceSummary): number {
  return finiteCount(summary) - positiveBelow(summary);
}

export interface SummaryHistogram {
  readonly scale: 'linear' | 'log';
  readonly edges: number[];
  readonly counts: number[];
  readonly below: number;
  readonly above: number;
  /** False when a bin edge cuts a non-empty bucket (its values then go to the bin of its middle). */
  readonly exact: boolean;
  readonly range: readonly [number, number] | null;
}

/**
 * A histogram of the finite values (with `log`: of the positive ones, log10-spaced) from the
 * summary. The default range runs from the 0.1 % to the 99.9 % quantile's bucket so a few extreme
 * values cannot squash every other bin; values outside are counted below/above.
 */
export function summaryHistogram(
  summary: ImportanceSummary,
  options: { bins: number; scale: 'linear' | 'log'; range?: readonly [number, number] },
): SummaryHistogram {
  const { bins, scale } = options;
  if (!(Number.isInteger(bins) && bins >= 1))
    throw new RangeError(`bins must be a positive integer, got ${bins}`);
  const log = scale === 'log';
  const empty = {
    scale,
    edges: [],
    counts: new Array<number>(bins).fill(0),
    below: 0,
    above: 0,
    exact: true,
    range: null,
  };
  let range = options.range;
  if (!range) {
    const lo = quantile(summary, 0.001, log);
    const hi = quantile(summary, 0.999, log);
    if (!lo || !hi) return empty;
    range = [lo.lower, hi.upper];
  }
  const t = (v: number): number => (log ? Math.log10(v) : v);
  const lo = t(range[0]);
  let hi = t(range[1]);
  const widened = !(hi > lo);
  if (widened) hi = lo + (Math.abs(lo) || 1) * 1e-6;
  const width = (hi - lo) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, i) => (log ? 10 ** (lo + i * width) : lo + i * width));
  const counts = new Array<number>(bins).fill(0);
  let below = 0;
  let above = 0;
  let exact = true;
  const first = log ? ZERO_BUCKET : 0;
  const binOf = (v: number): number => Math.min(bins - 1, Math.max(0, Math.floor((v - lo) / width)));
  for (let b = first; b < FINE_BUCKETS; b++) {
    let c = finiteIn(summary, b);
    if (log && b === ZERO_BUCKET) c -= summary.zeros;
    if (c === 0) continue;
    const [edge, z] = bucketRange(summary, b);
    const a = log && b === ZERO_BUCKET ? keyValue(0x80000001) : edge;
    const ta = t(a);
    const tz = t(z);
    if (tz < lo) below += c;
    else if (ta > hi) above += c;
    else if (ta >= lo && tz <= hi && binOf(ta) === binOf(tz)) counts[binOf(ta)]! += c;
    else {
      exact = false;
      const mid = (ta + tz) / 2;
      if (mid < lo) below += c;
      else if (mid > hi) above += c;
      else counts[binOf(mid)]! += c;
    }
  }
  return {
    scale,
    edges,
    counts,
    below,
    above,
    exact,
    range: [range[0], widened ? (edges[bins] ?? range[1]) : range[1]],
  };
}
