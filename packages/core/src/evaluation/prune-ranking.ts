import { PruneArgumentError } from '../errors.js';
import type { GradiendModel } from '../model/gradiend-model.js';
import type { ImportancePart } from '../model/importance.js';
import { selectInputDims } from '../model/prune-selection.js';
import type { FloatArray, RankedScores } from '../model/types.js';
import { bucketHoldingRank } from '../model/topk/radix-histogram.js';
import { EXACT_TIE_EMULATION_LIMIT } from '../model/topk/select-top-k.js';
import { SERIAL_KERNELS } from '../model/input-kernels.js';
import type { InputKernels } from '../model/input-kernels.js';
import {
  RANK_COARSE_BINS as COARSE_BINS,
  RANK_FINE_KEYS as FINE_KEYS,
  INFINITY_BIN,
  thresholdSlot,
} from './prune-ranking-kernels.js';

/** Tied dims remembered per straddled threshold; beyond that prune's selection is run for the k. */
const MAX_COLLECTED_TIES = 1 << 20;

/** Where the ranking comes from: a part's weight importance, or an importance vector (as prune takes them). */
export interface RankingSource {
  readonly part?: ImportancePart;
  readonly importance?: FloatArray | readonly number[];
}

/**
 * The nested kept sets of `prune({ topk: k })` for every k of a grid, as one bucket per input dim:
 * dim i is kept from grid point `bucket[i]` on (bucket = ks.length: kept at none). Where a k falls
 * inside a run of tied importances, prune's own choice among the tied dims is taken for that k
 * (`extras`), since it need not be nested across k.
 */
export interface PruneRanking {
  readonly ks: readonly number[];
  readonly bucket: Uint8Array | Uint16Array;
  /** Grid index → the tied dims prune keeps at that k beyond the dims of buckets ≤ index. */
  readonly extras: ReadonlyMap<number, Int32Array>;
}

/** ≈`points` log-spaced k from 1 to n, plus the given ones, ascending and unique. */
export function pruneGrid(n: number, points = 40, extra: readonly number[] = []): number[] {
  if (!Number.isSafeInteger(n) || n < 1)
    throw new RangeError(`input_dim must be a positive integer, got ${n}`);
  if (!Number.isInteger(points) || points < 2)
    throw new RangeError(`points must be an integer ≥ 2, got ${points}`);
  const ks = new Set<number>();
  for (let j = 0; j < points; j++)
    ks.add(Math.min(n, Math.max(1, Math.round(Math.exp((Math.log(n) * j) / (points - 1))))));
  for (const k of extra) {
    if (!Number.isInteger(k) || k < 1 || k > n)
      throw new PruneArgumentError(`k must be an integer in [1, ${n}], got ${k}`, 'ValueError');
    ks.add(k);
  }
  return [...ks].sort((a, b) => a - b);
}

/** The scores prune ranks by: NaN (ranked first by torch) as +∞. */
function scoresOf(
  model: GradiendModel,
  source: RankingSource,
): { values: ArrayLike<number>; absolute: boolean } {
  if (source.importance) {
    if (source.importance.length !== model.inputDim)
      throw new PruneArgumentError(
        `importance must be 1D tensor of length ${model.inputDim}, got shape torch.Size([${source.importance.length}])`,
        'ValueError',
      );
    return { values: source.importance, absolute: false };
  }
  return model.rankedImportance(source.part ?? 'decoder-weight');
}

function score(v: number, absolute: boolean): number {
  return Number.isNaN(v) ? Infinity : absolute ? Math.abs(v) : v;
}

/** First grid index j with s ≥ t[j] (t descending), or t.length. */
function firstAtLeast(t: Float64Array, s: number): number {
  let lo = 0;
  let hi = t.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (s >= (t[mid] as number)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

interface Ranked {
  /** Exact k-th largest score for each k (ascending ks → descending thresholds). */
  readonly t: Float64Array;
  /** The only dims that can equal a threshold, or null: any dim can. */
  readonly candidates: Candidates | null;
}

/** The dims in threshold bins (ascending), their ranking keys and buckets, and the thresholds' keys. */
interface Candidates {
  readonly index: Int32Array;
  readonly key: Uint32Array;
  readonly bucket: Uint8Array | Uint16Array;
  /** Equal keys are equal scores: key = tKey[j] ⇔ score = t[j]. */
  readonly tKey: Uint32Array;
}

const FINE_BITS = 12;

/**
 * For ascending ranks, the bin holding each rank's key (counting from the top bin) and the count in
 * higher bins: bucketHoldingRank for all of them in one sweep.
 */
function binsHoldingRanks(hist: Uint32Array, ranks: readonly number[]): [number, number][] {
  const out: [number, number][] = [];
  let above = 0;
  let b = hist.length - 1;
  for (const rank of ranks) {
    while (b > 0 && above + (hist[b] as number) < rank) above += hist[b--] as number;
    out.push([b, above]);
  }
  return out;
}

/**
 * Finds the thresholds and sets bucket[i] = first j with score_i ≥ t[j] (t.length when none),
 * hits[j] += 1 for it. Large float32 scores take two passes over their ranking keys: a coarse
 * histogram, then one pass that settles every dim outside the ≤ ks.length bins holding a threshold
 * by table lookup, and lists the rest with their keys and histograms them finely; once the exact
 * thresholds are known, a table per threshold bin places those few. Smaller or float64 scores are
 * sorted.
 */
function rankScores(
  values: ArrayLike<number>,
  absolute: boolean,
  ks: readonly number[],
  bucket: Uint8Array | Uint16Array,
  hits: Float64Array,
  kernels: InputKernels,
): Ranked {
  const n = values.length;
  const m = ks.length;
  const t = new Float64Array(m);
  if (!(values instanceof Float32Array && n > 1 << 20)) {
    const sorted = new Float64Array(n);
    for (let i = 0; i < n; i++) sorted[i] = score(values[i] as number, absolute);
    sorted.sort();
    ks.forEach((k, j) => (t[j] = sorted[n - k] as number));
    for (let i = 0; i < n; i++) {
      const j = firstAtLeast(t, score(values[i] as number, absolute));
      bucket[i] = j;
      hits[j] = (hits[j] as number) + 1;
    }
    return { t, candidates: null };
  }
  const mask = absolute ? 0x7fffffff : -1;
  const hist = kernels.rankHistogram(values, mask);
  const coarse = binsHoldingRanks(hist, ks);
  // grid[bin]: the grid point of every key in a bin without a threshold (thresholds in higher bins
  // are not met, those in lower bins are), the marker (the type's largest value; grid points are
  // ≤ m, below it) for a bin holding one; slotBins: those bins, descending (slot = index).
  const grid = m < 0xff ? new Uint8Array(COARSE_BINS) : new Uint16Array(COARSE_BINS);
  const marker = m < 0xff ? 0xff : 0xffff;
  const slotList: number[] = [];
  let candidateCount = 0;
  for (let bin = COARSE_BINS - 1, j = 0; bin >= 0; bin--) {
    while (j < m && (coarse[j] as [number, number])[0] > bin) j++;
    if (j < m && (coarse[j] as [number, number])[0] === bin) {
      grid[bin] = marker;
      slotList.push(bin);
      candidateCount += hist[bin] as number;
    } else {
      grid[bin] = j;
      // The settled dims' hits come from the histogram, so the pass below only stores buckets.
      hits[j] = (hits[j] as number) + (hist[bin] as number);
    }
  }
  grid.fill(grid[INFINITY_BIN] as number, INFINITY_BIN + 1);
  const slotBins = Int32Array.from(slotList);
  const { candidates, candKeys, fine } = kernels.rankSettle(
    values,
    mask,
    grid,
    slotBins,
    bucket,
    candidateCount,
  );
  // The exact threshold keys, then per threshold bin the grid point of each of its fine keys.
  const tKey = new Uint32Array(m);
  const f32 = new Float32Array(1);
  const u32 = new Uint32Array(f32.buffer);
  ks.forEach((k, j) => {
    const [b, above] = coarse[j] as [number, number];
    const slot = thresholdSlot(slotBins, b);
    const [b2] = bucketHoldingRank(fine.subarray(slot * FINE_KEYS, (slot + 1) * FINE_KEYS), k - above);
    const orderKey = ((b << FINE_BITS) | b2) >>> 0;
    tKey[j] = orderKey;
    u32[0] = orderKey & 0x80000000 ? orderKey ^ 0x80000000 : ~orderKey >>> 0;
    t[j] = f32[0] as number;
  });
  const table = m < 255 ? new Uint8Array(fine.length) : new Uint16Array(fine.length);
  let j0 = 0;
  slotList.forEach((bin, slot) => {
    // Grid points [j0, j1) have their threshold in this bin; its keys meet all from j1 on.
    while (j0 < m && (tKey[j0] as number) >>> FINE_BITS > bin) j0++;
    let j1 = j0;
    while (j1 < m && (tKey[j1] as number) >>> FINE_BITS === bin) j1++;
    for (let low = FINE_KEYS - 1, j = j0; low >= 0; low--) {
      const key = ((bin << FINE_BITS) | low) >>> 0;
      while (j < j1 && key < (tKey[j] as number)) j++;
      table[slot * FINE_KEYS + low] = j;
    }
    j0 = j1;
  });
  // Kept beside the list too: the tie pass reads them in order instead of at scattered dims.
  const candBucket = m < 0xff ? new Uint8Array(candidateCount) : new Uint16Array(candidateCount);
  for (let c = 0; c < candidateCount; c++) {
    const key = candKeys[c] as number;
    const slot = thresholdSlot(slotBins, key >>> FINE_BITS);
    const j = table[slot * FINE_KEYS + (key & (FINE_KEYS - 1))] as number;
    bucket[candidates[c] as number] = j;
    candBucket[c] = j;
    hits[j] = (hits[j] as number) + 1;
  }
  return { t, candidates: { index: candidates, key: candKeys, bucket: candBucket, tKey } };
}

export interface PruneRankingOptions {
  /**
   * The input-dimension loops (default: this thread). With the kernel pool's, the bucket array is
   * allocated on shared memory, so pooled pruned encodes read it in place.
   */
  readonly kernels?: InputKernels | undefined;
}

/** The kept sets of prune at every k of `ks` (ascending, each in [1, input_dim]). */
export function pruneRanking(
  model: GradiendModel,
  source: RankingSource,
  ks: readonly number[],
  options: PruneRankingOptions = {},
): PruneRanking {
  const n = model.inputDim;
  const { values, absolute } = scoresOf(model, source);
  const m = ks.length;
  // Each dim's first grid point with score ≥ t[j]; hits[j] = how many dims that is for j, so
  // Σ_{j' ≤ j} hits = #(score ≥ t[j]).
  const bytes = m < 255 ? 1 : 2;
  const memory = options.kernels ? new SharedArrayBuffer(n * bytes) : new ArrayBuffer(n * bytes);
  const bucket = bytes === 1 ? new Uint8Array(memory) : new Uint16Array(memory);
  const hits = new Float64Array(m + 1);
  const { t, candidates } = rankScores(values, absolute, ks, bucket, hits, options.kernels ?? SERIAL_KERNELS);
  const straddles = new Uint8Array(m);
  let atLeast = 0;
  let anyStraddle = false;
  for (let j = 0; j < m; j++) {
    atLeast += hits[j] as number;
    // k inside a run of ties: more dims reach the threshold than k keeps.
    straddles[j] = atLeast > (ks[j] as number) ? 1 : 0;
    anyStraddle ||= straddles[j] === 1;
  }
  // Dims tied at a straddled threshold are not all kept there: they join the first later grid
  // point that keeps them for sure; prune's own pick at the straddled k goes into `extras`.
  // Above the exact-emulation size prune's top-k gives boundary ties to the lowest indices, so the
  // first tied dims in index order are collected here; below it torch's pick depends on k and the
  // selection itself is run for that k (cheap at that size).
  const lowestIndexTies = n > EXACT_TIE_EMULATION_LIMIT;
  const tied = new Map<number, { count: number; first: number[] }>();
  /** Dim i, at bucket j and tied with t[j]; `tiedAt(j')`: its score equals t[j']. */
  const moveTie = (i: number, j: number, tiedAt: (j: number) => boolean) => {
    if (lowestIndexTies) {
      let group = tied.get(j);
      if (!group) tied.set(j, (group = { count: 0, first: [] }));
      group.count++;
      if (group.first.length < MAX_COLLECTED_TIES) group.first.push(i);
    }
    while (j < m && tiedAt(j) && straddles[j]) j++;
    bucket[i] = j;
  };
  if (anyStraddle && candidates) {
    // Only candidates can equal a threshold; they are in ascending index order like all dims.
    const { index, key, bucket: candBucket, tKey } = candidates;
    for (let c = 0; c < index.length; c++) {
      const j = candBucket[c] as number;
      if (j >= m || !straddles[j]) continue;
      const k = key[c] as number;
      if (k === tKey[j]) moveTie(index[c] as number, j, (j2) => k === tKey[j2]);
    }
  } else if (anyStraddle)
    for (let i = 0; i < n; i++) {
      const j = bucket[i] as number;
      if (j >= m || !straddles[j]) continue;
      const sc = score(values[i] as number, absolute);
      if (sc === t[j]) moveTie(i, j, (j2) => sc === t[j2]);
    }
  const extras = new Map<number, Int32Array>();
  let weightScores: RankedScores | undefined;
  let atLeastJ = 0;
  for (let j = 0; j < m; j++) {
    atLeastJ += hits[j] as number;
    if (!straddles[j]) continue;
    // The tie group of t[j] is filed under the first grid point with that threshold.
    let first = j;
    while (first > 0 && t[first - 1] === t[j]) first--;
    const group = tied.get(first);
    if (lowestIndexTies && group) {
      const need = (ks[j] as number) - (atLeastJ - group.count);
      if (need <= group.first.length) {
        extras.set(j, Int32Array.from(group.first.slice(0, need)));
        continue;
      }
    }
    const { keepIdx } = selectInputDims(
      { topk: { count: ks[j] as number }, ...source },
      {
        inputDim: n,
        dtype: model.architecture.dtype,
        // Computed once for all straddled k's (below 2^22 dims it is a fresh importance vector).
        weightImportance: () => (weightScores ??= model.rankedImportance(source.part ?? 'decoder-weight')),
      },
    );
    extras.set(
      j,
      keepIdx.filter((i) => (bucket[i] as number) > j),
    );
  }
  return { ks, bucket, extras };
}
