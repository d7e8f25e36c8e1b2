// The two passes of the float32 ranking over the input dims. Self-contained (no imports, no module
// state): the kernel pool runs their source text in its workers, so a range gives the same result
// on any thread. Keys are split into a 20-bit coarse bin and a 12-bit fine part: with 16-bit bins,
// BERT-scale weights put 5.5 % of the dims into threshold bins (a data-dependent branch and a
// scattered fine count each, which made the second pass 3× slower); with 20 bits it is 0.6 %, and
// the occupied part of the coarse histogram (weights span few exponents) still stays in cache.

/**
 * The ranking key of a float32 bit pattern (already masked to |x| when ranking magnitudes): an
 * unsigned integer in torch's ranking order, -0 equal to +0, and NaN equal to +∞ — the ranking
 * scores NaN as +∞ (prune ranks NaN first), so equal keys are exactly equal scores.
 */
export function rankKey(b: number): number {
  const a = b & 0x7fffffff;
  if (a > 0x7f800000) return 0xff800000;
  if (b < 0) return a === 0 ? 0x80000000 : ~b >>> 0;
  return (b | 0x80000000) >>> 0;
}

/**
 * The coarse bin of +∞'s key (and NaN's, ranked as +∞). The |x| loops take a NaN's bin straight
 * from its bits, above this one: the histogram moves those counts here, the settle pass's table
 * repeats this bin's entry there.
 */
export const INFINITY_BIN = 0xff800;

/**
 * hist[key >>> 12] += 1 for the keys of bits[start, end) (hist and odd: 2^20 counts each, odd
 * all zero and left so). Every other position counts into `odd` first, added at the end: runs of
 * equal bins (common in weights) would otherwise make every increment wait for the previous one's
 * store. With |x| the bin comes straight from the bits, four per iteration, and NaNs (bins above
 * INFINITY_BIN) are moved into +∞'s bin at the end instead of clamped per dim: ~1.3× faster at
 * BERT scale (measured).
 */
export function rankHistogramRange(
  bits: Int32Array,
  mask: number,
  start: number,
  end: number,
  hist: Uint32Array,
  odd: Uint32Array,
): void {
  let i = start;
  if (mask === 0x7fffffff) {
    for (; i + 3 < end; i += 4) {
      const a = (((bits[i] as number) & 0x7fffffff) >>> 12) | 0x80000;
      const b = (((bits[i + 1] as number) & 0x7fffffff) >>> 12) | 0x80000;
      const c = (((bits[i + 2] as number) & 0x7fffffff) >>> 12) | 0x80000;
      const d = (((bits[i + 3] as number) & 0x7fffffff) >>> 12) | 0x80000;
      hist[a] = (hist[a] as number) + 1;
      odd[b] = (odd[b] as number) + 1;
      hist[c] = (hist[c] as number) + 1;
      odd[d] = (odd[d] as number) + 1;
    }
  }
  for (; i + 1 < end; i += 2) {
    const a = rankKey((bits[i] as number) & mask) >>> 12;
    const b = rankKey((bits[i + 1] as number) & mask) >>> 12;
    hist[a] = (hist[a] as number) + 1;
    odd[b] = (odd[b] as number) + 1;
  }
  if (i < end) {
    const a = rankKey((bits[i] as number) & mask) >>> 12;
    hist[a] = (hist[a] as number) + 1;
  }
  for (let b = 0; b < 1 << 20; b++) {
    const c = odd[b] as number;
    if (c !== 0) {
      hist[b] = (hist[b] as number) + c;
      odd[b] = 0;
    }
  }
  for (let b = 0xff801; b < 1 << 20; b++) {
    hist[0xff800] = (hist[0xff800] as number) + (hist[b] as number);
    hist[b] = 0;
  }
}

/**
 * The slot of a threshold bin: its index in `slotBins` (the threshold bins, descending). Only dims
 * in threshold bins (≈0.6 % at BERT scale) look it up.
 */
export function thresholdSlot(slotBins: Int32Array, bin: number): number {
  let lo = 0;
  let hi = slotBins.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((slotBins[mid] as number) > bin) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The second pass over bits[start, end): every dim gets bucket[i] = grid[bin], its bin's grid
 * point — for a bin holding a threshold (grid value 0xff in a byte table, 0xffff in a 16-bit one)
 * a placeholder that the caller overwrites; such dims are listed in cand/candKeys from cOff on
 * (ascending index) and counted in their slot's fine histogram fine[slot·4096 + (key & 0xfff)].
 * Returns how many dims were listed. For |x| into byte buckets from a 4-aligned byte, four dims
 * are settled per 32-bit store (little-endian), with the table in bytes (the occupied part stays
 * in L1): ~1.5× faster than byte stores from an int32 table at BERT scale (measured).
 */
export function rankSettleRange(
  bits: Int32Array,
  mask: number,
  start: number,
  end: number,
  grid: Uint8Array | Uint16Array,
  slotBins: Int32Array,
  bucket: Uint8Array | Uint16Array,
  cand: Int32Array,
  candKeys: Uint32Array,
  cOff: number,
  fine: Uint32Array,
): number {
  let c = cOff;
  const marker = grid instanceof Uint8Array ? 0xff : 0xffff;
  let i = start;
  const littleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
  if (
    mask === 0x7fffffff &&
    grid instanceof Uint8Array &&
    bucket instanceof Uint8Array &&
    littleEndian &&
    (bucket.byteOffset + start) % 4 === 0
  ) {
    // |x|: the bin straight from the bits (rankKey >>> 12; a NaN's bin above +∞'s holds +∞'s entry).
    const words = new Uint32Array(bucket.buffer, bucket.byteOffset + start, (end - start) >>> 2);
    for (let k = 0; k < words.length; k++, i += 4) {
      const g0 = grid[(((bits[i] as number) & 0x7fffffff) >>> 12) | 0x80000] as number;
      const g1 = grid[(((bits[i + 1] as number) & 0x7fffffff) >>> 12) | 0x80000] as number;
      const g2 = grid[(((bits[i + 2] as number) & 0x7fffffff) >>> 12) | 0x80000] as number;
      const g3 = grid[(((bits[i + 3] as number) & 0x7fffffff) >>> 12) | 0x80000] as number;
      words[k] = g0 | (g1 << 8) | (g2 << 16) | (g3 << 24);
      // A marker (0xff) + 1 sets bit 8: one test for the four.
      if (((g0 + 1) | (g1 + 1) | (g2 + 1) | (g3 + 1)) & 0x100)
        for (let t = i; t < i + 4; t++) {
          const key = rankKey((bits[t] as number) & 0x7fffffff);
          if (grid[key >>> 12] !== 0xff) continue;
          const f = (thresholdSlot(slotBins, key >>> 12) << 12) | (key & 0xfff);
          fine[f] = (fine[f] as number) + 1;
          cand[c] = t;
          candKeys[c] = key;
          c++;
        }
    }
  }
  for (; i < end; i++) {
    const key = rankKey((bits[i] as number) & mask);
    const g = grid[key >>> 12] as number;
    bucket[i] = g;
    if (g === marker) {
      const f = (thresholdSlot(slotBins, key >>> 12) << 12) | (key & 0xfff);
      fine[f] = (fine[f] as number) + 1;
      cand[c] = i;
      candKeys[c] = key;
      c++;
    }
  }
  return c - cOff;
}

/** Coarse bins of the ranking keys (their top 20 bits) and fine keys within a bin (the low 12). */
export const RANK_COARSE_BINS = 1 << 20;
export const RANK_FINE_KEYS = 1 << 12;

/** What the ranking's second pass finds besides the buckets it stores. */
export interface RankSettled {
  /** The dims in threshold bins, ascending, and their keys. */
  readonly candidates: Int32Array;
  readonly candKeys: Uint32Array;
  /** Per threshold bin (slot), the counts of its RANK_FINE_KEYS fine keys. */
  readonly fine: Uint32Array;
}

/** The bit patterns of float32 scores (as int32: sign-masked keys inline best so). */
export function scoreBits(scores: Float32Array): Int32Array {
  return new Int32Array(scores.buffer, scores.byteOffset, scores.length);
}

/** The serial first pass: the coarse histogram of all the scores. */
export function rankHistogram(scores: Float32Array, mask: number): Uint32Array {
  const bits = scoreBits(scores);
  const hist = new Uint32Array(RANK_COARSE_BINS);
  rankHistogramRange(bits, mask, 0, bits.length, hist, new Uint32Array(RANK_COARSE_BINS));
  return hist;
}

/** The serial second pass over all the scores (`candidateCount`: how many dims the threshold bins hold). */
export function rankSettle(
  scores: Float32Array,
  mask: number,
  grid: Uint8Array | Uint16Array,
  slotBins: Int32Array,
  bucket: Uint8Array | Uint16Array,
  candidateCount: number,
): RankSettled {
  const candidates = new Int32Array(candidateCount);
  const candKeys = new Uint32Array(candidateCount);
  const fine = new Uint32Array(slotBins.length * RANK_FINE_KEYS);
  const bits = scoreBits(scores);
  rankSettleRange(bits, mask, 0, bits.length, grid, slotBins, bucket, candidates, candKeys, 0, fine);
  return { candidates, candKeys, fine };
}
