import { bucketHoldingRank } from './radix-histogram.js';

/**
 * Lists of indices with their unsigned 32-bit order keys (larger key = ranks higher), as the large
 * float32 top-k collects them: the key travels with its index, so nothing here reads the values.
 * A list may come in parts (the band scan's per-range lists): the parts in order are the list, and
 * nothing here joins them, because at BERT scale every fresh megabyte costs page faults.
 */
export interface KeyedList {
  readonly indices: Int32Array;
  readonly keys: Uint32Array;
}

/** Entries in all parts. */
export function totalLength(parts: readonly KeyedList[]): number {
  let n = 0;
  for (const p of parts) n += p.indices.length;
  return n;
}

/**
 * The `rank`-th largest key (1-based) of the parts and how many keys lie above it, by a two-level
 * 16-bit histogram: O(n), no copy.
 */
function keyOfRank(parts: readonly KeyedList[], rank: number): { key: number; above: number } {
  const hi = new Uint32Array(65536);
  for (const { keys } of parts) {
    for (let j = 0; j < keys.length; j++) {
      const b = (keys[j] as number) >>> 16;
      hi[b] = (hi[b] as number) + 1;
    }
  }
  const [hiBucket, aboveHi] = bucketHoldingRank(hi, rank);
  const lo = new Uint32Array(65536);
  for (const { keys } of parts) {
    for (let j = 0; j < keys.length; j++) {
      const kk = keys[j] as number;
      if (kk >>> 16 === hiBucket) lo[kk & 0xffff] = (lo[kk & 0xffff] as number) + 1;
    }
  }
  const [loBucket, aboveLo] = bucketHoldingRank(lo, rank - aboveHi);
  return { key: ((hiBucket << 16) | loBucket) >>> 0, above: aboveHi + aboveLo };
}

/**
 * The `need` largest entries of an ascending-index list (ties at the boundary to the lowest
 * indices), still ascending by index.
 */
export function pickTop(parts: readonly KeyedList[], need: number): KeyedList {
  const outIdx = new Int32Array(need);
  const outKeys = new Uint32Array(need);
  if (need === 0) return { indices: outIdx, keys: outKeys };
  const { key: threshold, above } = keyOfRank(parts, need);
  let needEqual = need - above;
  let w = 0;
  for (const { indices, keys } of parts) {
    for (let j = 0; j < indices.length; j++) {
      const kk = keys[j] as number;
      if (kk > threshold || (kk === threshold && needEqual-- > 0)) {
        outIdx[w] = indices[j] as number;
        outKeys[w++] = kk;
      }
    }
  }
  return { indices: outIdx, keys: outKeys };
}

/** The indices of an ascending-index list `x` (in parts) and an ascending-index list `y`, merged. */
export function mergeAscending(x: readonly KeyedList[], y: Int32Array): Int32Array {
  const out = new Int32Array(totalLength(x) + y.length);
  let w = 0;
  let j = 0;
  for (const { indices } of x) {
    for (let i = 0; i < indices.length; i++) {
      const ix = indices[i] as number;
      while (j < y.length && (y[j] as number) < ix) out[w++] = y[j++] as number;
      out[w++] = ix;
    }
  }
  while (j < y.length) out[w++] = y[j++] as number;
  return out;
}

/** Digits of the LSD sort are at most this many bits: 2^13 counters (32 KB) stay in the L1 cache. */
const MAX_DIGIT_BITS = 13;

/**
 * The indices of `parts` (taken in order) ordered by descending key, equal keys keeping their
 * order (so ascending-index parts whose keys never tie across parts rank ties by lowest index).
 *
 * A stable LSD radix sort over only the bits in which the keys differ (the distance hi − key spans
 * hi − lo): a top-k's keys are close together, so this is usually two passes with small counter
 * arrays. All digits are counted in one read; the first pass reads the parts in place and the last
 * writes indices only, so a two-pass sort touches one (index, distance) scratch and the result.
 */
export function sortByKeysDescending(...parts: KeyedList[]): Int32Array {
  const n = totalLength(parts);
  let lo = 0xffffffff;
  let hi = 0;
  for (const { keys } of parts) {
    for (let i = 0; i < keys.length; i++) {
      const kk = keys[i] as number;
      if (kk < lo) lo = kk;
      if (kk > hi) hi = kk;
    }
  }
  const span = n === 0 ? 0 : hi - lo;
  const bitsNeeded = span === 0 ? 0 : 32 - Math.clz32(span);
  const passes = Math.ceil(bitsNeeded / MAX_DIGIT_BITS);
  const out = new Int32Array(n);
  if (passes === 0) {
    let at = 0;
    for (const { indices } of parts) {
      out.set(indices, at);
      at += indices.length;
    }
    return out;
  }
  const digitBits = Math.ceil(bitsNeeded / passes);
  const size = 2 ** digitBits;
  const digitMask = size - 1;
  // counts[p·size + d]: entries whose pass-p digit is d, turned into each digit's first slot.
  const counts = new Uint32Array(passes * size);
  for (const { keys } of parts) {
    for (let i = 0; i < keys.length; i++) {
      const dist = hi - (keys[i] as number);
      for (let p = 0; p < passes; p++) {
        const c = p * size + ((dist >>> (p * digitBits)) & digitMask);
        counts[c] = (counts[c] as number) + 1;
      }
    }
  }
  for (let p = 0; p < passes; p++) {
    let at = 0;
    for (let d = p * size; d < (p + 1) * size; d++) {
      const c = counts[d] as number;
      counts[d] = at;
      at += c;
    }
  }
  let idx = passes > 1 ? new Int32Array(n) : out;
  let dist = passes > 1 ? new Uint32Array(n) : new Uint32Array(0);
  for (const { indices, keys } of parts) {
    for (let i = 0; i < keys.length; i++) {
      const di = hi - (keys[i] as number);
      const d = di & digitMask;
      const to = counts[d] as number;
      counts[d] = to + 1;
      idx[to] = indices[i] as number;
      if (passes > 1) dist[to] = di;
    }
  }
  for (let p = 1; p < passes; p++) {
    const last = p === passes - 1;
    const shift = p * digitBits;
    const base = p * size;
    const nextIdx = last ? out : new Int32Array(n);
    const nextDist = last ? dist : new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      const di = dist[i] as number;
      const c = base + ((di >>> shift) & digitMask);
      const to = counts[c] as number;
      counts[c] = to + 1;
      nextIdx[to] = idx[i] as number;
      if (!last) nextDist[to] = di;
    }
    idx = nextIdx;
    dist = nextDist;
  }
  return out;
}
