import { bucketHoldingRank } from './radix-histogram.js';

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

/** What the band scan of sampledTopK found, in ascending index order; null when a list overflowed. */
export interface BandScanResult {
  /** Indices whose key is above the band (certainly selected). */
  readonly above: Int32Array;
  /** Indices whose key is inside the band, and their keys. */
  readonly cand: Int32Array;
  readonly candKeys: Uint32Array;
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
 * The band scan over bits[start, end): writes up to aboveCap indices above `upper` to above[aOff…]
 * and up to candCap indices in [lower, upper] (with keys) to cand/candKeys[cOff…]; counts[2u] and
 * counts[2u + 1] receive how many were found, or the cap + 1 on overflow. Self-contained but for
 * `key`: the kernel pool runs its source text in its workers.
 */
export function bandScanRange(
  bits: Int32Array,
  mask: number,
  lower: number,
  upper: number,
  start: number,
  end: number,
  above: Int32Array,
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
  // Ranking |x|, the key of a magnitude m is m + 2^31 (m ≤ +inf) or 2^32 − 1 (NaN): below
  // `floor` a magnitude's key is below `lower` (NaN never is), so most values are skipped after
  // one compare instead of a key computation. Otherwise the floor (int32 minimum) lets every bit
  // pattern through, negative ones included.
  const floor =
    mask === 0x7fffffff && lower >= 0x80000000 ? Math.min(lower - 0x80000000, 0x7f800001) : -0x80000000;
  for (let i = start; i < end; i++) {
    const b = (bits[i] as number) & mask;
    if (b < floor) continue;
    const kk = key(b);
    if (kk < lower) continue;
    if (kk > upper) {
      if (a === aboveCap) {
        a++;
        break;
      }
      above[aOff + a++] = i;
    } else {
      if (c === candCap) {
        c++;
        break;
      }
      cand[cOff + c] = i;
      candKeys[cOff + c++] = kk;
    }
  }
  counts[2 * u] = a;
  counts[2 * u + 1] = c;
}

/** The band scan on this thread. */
export const serialBandScan: BandScan = (bits, mask, lower, upper, aboveCap, candCap) => {
  const above = new Int32Array(aboveCap);
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
  return { above: above.subarray(0, a), cand: cand.subarray(0, c), candKeys: candKeys.subarray(0, c) };
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
  const mask = signMask(absolute);
  const bits = new Int32Array(values.buffer, values.byteOffset, values.length);
  return (bits.length >= SAMPLING_MIN_LENGTH && sampledTopK(bits, k, mask, scan)) || exactTopK(bits, k, mask);
}

function exactTopK(bits: Int32Array, k: number, mask: number): Int32Array {
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
  const out = new Int32Array(k);
  let w = 0;
  for (let i = 0; i < n; i++) {
    const kk = key((bits[i] as number) & mask);
    if (kk > threshold || (kk === threshold && needEqual-- > 0)) out[w++] = i;
  }
  return out;
}

/**
 * One scan: keys above a sampled upper bound are certainly selected, keys inside the sampled band
 * [lower, upper] are candidates. Returns null (caller falls back) when the band turns out not to
 * hold the k-th largest key or holds too many entries (heavy ties, adversarial layouts).
 */
function sampledTopK(bits: Int32Array, k: number, mask: number, scan: BandScan): Int32Array | null {
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
  const need = k - found.above.length;
  if (need > found.cand.length) return null;
  return mergeAscending(found.above, pickTop(found.cand, found.candKeys, need));
}

/** The `need` largest candidates (ties by lowest index), ascending by index like `cand`. */
function pickTop(cand: Int32Array, keys: Uint32Array, need: number): Int32Array {
  const out = new Int32Array(need);
  if (need === 0) return out;
  const threshold = keys.slice().sort()[keys.length - need] as number;
  let needEqual = need;
  for (let j = 0; j < keys.length; j++) if ((keys[j] as number) > threshold) needEqual--;
  let w = 0;
  for (let j = 0; j < cand.length; j++) {
    const kk = keys[j] as number;
    if (kk > threshold || (kk === threshold && needEqual-- > 0)) out[w++] = cand[j] as number;
  }
  return out;
}

function mergeAscending(x: Int32Array, y: Int32Array): Int32Array {
  const out = new Int32Array(x.length + y.length);
  let i = 0;
  let j = 0;
  let w = 0;
  while (i < x.length && j < y.length)
    out[w++] = (x[i] as number) < (y[j] as number) ? (x[i++] as number) : (y[j++] as number);
  while (i < x.length) out[w++] = x[i++] as number;
  while (j < y.length) out[w++] = y[j++] as number;
  return out;
}

/**
 * sortIndicesDescending for float32 data: the keys are gathered once (one random read per index
 * instead of four), then two stable 16-bit LSD passes move (key, index) pairs sequentially.
 */
export function sortIndicesDescendingFloat32(
  indices: Int32Array,
  values: Float32Array,
  absolute = false,
): void {
  const mask = signMask(absolute);
  const n = indices.length;
  const bits = new Int32Array(values.buffer, values.byteOffset, values.length);
  let keys: Uint32Array = new Uint32Array(n);
  // Descending order = ascending order of the complemented key.
  for (let i = 0; i < n; i++) keys[i] = ~key((bits[indices[i] as number] as number) & mask) >>> 0;
  let idx: Int32Array = indices;
  let keysTmp: Uint32Array = new Uint32Array(n);
  let idxTmp: Int32Array = new Int32Array(n);
  for (const shift of [0, 16]) {
    const count = new Uint32Array(65537);
    for (let i = 0; i < n; i++) bump(count, (((keys[i] as number) >>> shift) & 0xffff) + 1);
    for (let b = 1; b < count.length; b++) count[b] = (count[b] as number) + (count[b - 1] as number);
    for (let i = 0; i < n; i++) {
      const kk = keys[i] as number;
      const bucket = (kk >>> shift) & 0xffff;
      const dst = count[bucket] as number;
      count[bucket] = dst + 1;
      keysTmp[dst] = kk;
      idxTmp[dst] = idx[i] as number;
    }
    [keys, keysTmp] = [keysTmp, keys];
    [idx, idxTmp] = [idxTmp, idx];
  }
  if (idx !== indices) indices.set(idx);
}
