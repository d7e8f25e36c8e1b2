import { bucketHoldingRank } from './radix-histogram.js';
import { mergeAscending, pickTop, sortByKeysDescending, totalLength } from './keyed-lists.js';
import type { KeyedList } from './keyed-lists.js';

/**
 * torch's ranking order of a float32 bit pattern (as int32) as an unsigned key: NaNs above +inf,
 * -0 equal to +0. Same mapping as orderKeyFromBits, written for int32 input so it inlines into
 * the scan loops below.
 */
export function key(b: number): number {
  if ((b & 0x7fffffff) > 0x7f800000) return 0xffffffff;
  if (b === -0x80000000) return 0x80000000;
  return b < 0 ? ~b >>> 0 : (b | 0x80000000) >>> 0;
}

/** Bits to keep of each value: all of them, or all but the sign when ranking magnitudes |x|. */
function signMask(absolute: boolean): number {
  return absolute ? 0x7fffffff : -1;
}

function bump(hist: Uint32Array, bucket: number): void {
  hist[bucket] = (hist[bucket] as number) + 1;
}

/** Below this many values the exact three-scan select is cheap enough on its own. */
const SAMPLING_MIN_LENGTH = 1 << 20;
const SAMPLE_SIZE = 1 << 16;

/**
 * What the band scan of sampledTopK found, each list in parts (one per scanned range, in order)
 * that together ascend by index; null when a list overflowed.
 */
export interface BandScanResult {
  /** Indices whose key is above the band (certainly selected), with their keys. */
  readonly above: readonly KeyedList[];
  /** Indices whose key is inside the band, with their keys. */
  readonly cand: readonly KeyedList[];
}

/** Scans float32 bit patterns for sampledTopK; the kernel pool supplies a threaded one. */
export type BandScan = (
  bits: Int32Array,
  mask: number,
  lower: number,
  upper: number,
  aboveCap: number,
  candCap: number,
) => BandScanResult | null;

/**
 * The band scan over bits[start, end): writes up to aboveCap indices above `upper` (with keys) to
 * above/aboveKeys[aOff…] and up to candCap indices in [lower, upper] (with keys) to
 * cand/candKeys[cOff…]; counts[2u] and counts[2u + 1] receive how many were found, or the cap + 1
 * on overflow. Self-contained but for `key`: the kernel pool runs its source text in its workers.
 */
export function bandScanRange(
  bits: Int32Array,
  mask: number,
  lower: number,
  upper: number,
  start: number,
  end: number,
  above: Int32Array,
  aboveKeys: Uint32Array,
  aOff: number,
  aboveCap: number,
  cand: Int32Array,
  candKeys: Uint32Array,
  cOff: number,
  candCap: number,
  counts: Int32Array,
  u: number,
): void {
  let a = 0;
  let c = 0;
  // Whenever `lower` is a positive threshold, every value whose magnitude m is below
  // floorM = lower − 2^31 has a key below `lower` (a positive value's key is m + 2^31, a negative
  // non-NaN one's is below 2^31, a NaN's is 2^32 − 1 and m > floorM), so blocks of 8 such values
  // are skipped after one combined sign test (one branch per 8 values instead of per value: ~2×
  // faster over BERT-sized weights). Ranking |x|, `floor` also skips single values by magnitude.
  const skip = lower >= 0x80000000;
  const floorM = skip ? Math.min(lower - 0x80000000, 0x7f800001) | 0 : 0;
  const floor = mask === 0x7fffffff && skip ? floorM : -0x80000000;
  const below = (floorM - 1) | 0;
  const end8 = skip ? end - ((end - start) & 7) : start;
  let i = start;
  scan: for (;;) {
    // below − m ≥ 0 for all eight ⇔ their OR is not negative (no overflow: 0 ≤ m < 2^31).
    for (; i < end8; i += 8) {
      const t =
        (below - ((bits[i] as number) & 0x7fffffff)) |
        (below - ((bits[i + 1] as number) & 0x7fffffff)) |
        (below - ((bits[i + 2] as number) & 0x7fffffff)) |
        (below - ((bits[i + 3] as number) & 0x7fffffff)) |
        (below - ((bits[i + 4] as number) & 0x7fffffff)) |
        (below - ((bits[i + 5] as number) & 0x7fffffff)) |
        (below - ((bits[i + 6] as number) & 0x7fffffff)) |
        (below - ((bits[i + 7] as number) & 0x7fffffff));
      if (t < 0) break;
    }
    // One block that may hold entries, or the tail (or everything, when nothing can be skipped).
    const stop = i < end8 ? i + 8 : end;
    for (; i < stop; i++) {
      const b = (bits[i] as number) & mask;
      if (b < floor) continue;
      const kk = key(b);
      if (kk < lower) continue;
      if (kk > upper) {
        if (a === aboveCap) {
          a++;
          break scan;
        }
        above[aOff + a] = i;
        aboveKeys[aOff + a++] = kk;
      } else {
        if (c === candCap) {
          c++;
          break scan;
        }
        cand[cOff + c] = i;
        candKeys[cOff + c++] = kk;
      }
    }
    if (i >= end) break;
  }
  counts[2 * u] = a;
  counts[2 * u + 1] = c;
}

/** The band scan on this thread. */
export const serialBandScan: BandScan = (bits, mask, lower, upper, aboveCap, candCap) => {
  const above = new Int32Array(aboveCap);
  const aboveKeys = new Uint32Array(aboveCap);
  const cand = new Int32Array(candCap);
  const candKeys = new Uint32Array(candCap);
  const counts = new Int32Array(2);
  bandScanRange(
    bits,
    mask,
    lower,
    upper,
    0,
    bits.length,
    above,
    aboveKeys,
    0,
    aboveCap,
    cand,
    candKeys,
    0,
    candCap,
    counts,
    0,
  );
  const a = counts[0] as number;
  const c = counts[1] as number;
  if (a > aboveCap || c > candCap) return null;
  return {
    above: [{ indices: above.subarray(0, a), keys: aboveKeys.subarray(0, a) }],
    cand: [{ indices: cand.subarray(0, c), keys: candKeys.subarray(0, c) }],
  };
};

/**
 * radixTopK for float32 data, reading the bit patterns directly (no per-element closure). Large
 * inputs first try a single scan bracketed by a sample; the exact three-scan select is the fallback.
 * Either way ties at the boundary go to the lowest indices and the result comes out ascending.
 * `scan` runs the band scan (default: on this thread); any scan returning the same lists gives the
 * same result.
 */
export function radixTopKFloat32(
  values: Float32Array,
  k: number,
  absolute = false,
  scan: BandScan = serialBandScan,
): Int32Array {
  const { above, chosen } = selectGroups(values, k, absolute, scan);
  return mergeAscending(above, chosen.indices);
}

/**
 * radixTopKFloat32's indices, most important first (ties by lowest index): the keys the select
 * collected order them, so the values are not read again.
 */
export function radixTopKFloat32Sorted(
  values: Float32Array,
  k: number,
  absolute = false,
  scan: BandScan = serialBandScan,
): Int32Array {
  const { above, chosen } = selectGroups(values, k, absolute, scan);
  return sortByKeysDescending(...above, chosen);
}

/**
 * The selected entries in two ascending-index groups (`above` in parts); every key of `above` is
 * larger than every key of `chosen`, so the groups need no merge to be sorted by key.
 */
interface SelectedGroups {
  readonly above: readonly KeyedList[];
  readonly chosen: KeyedList;
}

const EMPTY: KeyedList = { indices: new Int32Array(0), keys: new Uint32Array(0) };

function selectGroups(values: Float32Array, k: number, absolute: boolean, scan: BandScan): SelectedGroups {
  const mask = signMask(absolute);
  const bits = new Int32Array(values.buffer, values.byteOffset, values.length);
  return (
    (bits.length >= SAMPLING_MIN_LENGTH && sampledTopK(bits, k, mask, scan)) || {
      above: [exactTopK(bits, k, mask)],
      chosen: EMPTY,
    }
  );
}

function exactTopK(bits: Int32Array, k: number, mask: number): KeyedList {
  const n = bits.length;
  const hi = new Uint32Array(65536);
  for (let i = 0; i < n; i++) bump(hi, key((bits[i] as number) & mask) >>> 16);
  const [hiBucket, aboveHi] = bucketHoldingRank(hi, k);
  const lo = new Uint32Array(65536);
  for (let i = 0; i < n; i++) {
    const kk = key((bits[i] as number) & mask);
    if (kk >>> 16 === hiBucket) bump(lo, kk & 0xffff);
  }
  const [loBucket, aboveLo] = bucketHoldingRank(lo, k - aboveHi);
  const threshold = ((hiBucket << 16) | loBucket) >>> 0;
  let needEqual = k - aboveHi - aboveLo;
  const indices = new Int32Array(k);
  const keys = new Uint32Array(k);
  let w = 0;
  for (let i = 0; i < n; i++) {
    const kk = key((bits[i] as number) & mask);
    if (kk > threshold || (kk === threshold && needEqual-- > 0)) {
      indices[w] = i;
      keys[w++] = kk;
    }
  }
  return { indices, keys };
}

/**
 * One scan: keys above a sampled upper bound are certainly selected, keys inside the sampled band
 * [lower, upper] are candidates. Returns null (caller falls back) when the band turns out not to
 * hold the k-th largest key or holds too many entries (heavy ties, adversarial layouts).
 */
function sampledTopK(bits: Int32Array, k: number, mask: number, scan: BandScan): SelectedGroups | null {
  const n = bits.length;
  const stride = Math.floor(n / SAMPLE_SIZE);
  const sample = new Float64Array(SAMPLE_SIZE);
  for (let s = 0; s < SAMPLE_SIZE; s++) sample[s] = key((bits[s * stride] as number) & mask);
  sample.sort();
  // Sample rank of the k-th largest key ~ Binomial(m, k/n): a band of ±6σ misses with p < 1e-8.
  const expected = (k / n) * SAMPLE_SIZE;
  const margin = 6 * Math.sqrt(expected * (1 - k / n)) + 4;
  const upperRank = Math.floor(expected - margin);
  const lowerRank = Math.ceil(expected + margin);
  const upper = upperRank < 1 ? 0xffffffff : (sample[SAMPLE_SIZE - upperRank] as number);
  const lower = lowerRank > SAMPLE_SIZE ? 0 : (sample[SAMPLE_SIZE - lowerRank] as number);
  const cap = Math.max(4 * (lowerRank - upperRank) * stride, 1 << 16);
  const found = scan(bits, mask, lower, upper, k, cap);
  if (found === null) return null;
  const need = k - totalLength(found.above);
  if (need > totalLength(found.cand)) return null;
  return { above: found.above, chosen: pickTop(found.cand, need) };
}

/**
 * sortIndicesDescending for float32 data: the keys are gathered once (one random read per index
 * instead of one per sort pass), then sorted with their indices.
 */
export function sortIndicesDescendingFloat32(
  indices: Int32Array,
  values: Float32Array,
  absolute = false,
): void {
  const mask = signMask(absolute);
  const n = indices.length;
  const bits = new Int32Array(values.buffer, values.byteOffset, values.length);
  const keys = new Uint32Array(n);
  for (let i = 0; i < n; i++) keys[i] = key((bits[indices[i] as number] as number) & mask);
  indices.set(sortByKeysDescending({ indices, keys }));
}
