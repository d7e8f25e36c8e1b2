import { PruneArgumentError } from '../errors.js';
import type { GradiendModel } from '../model/gradiend-model.js';
import type { ImportancePart } from '../model/importance.js';
import { selectInputDims } from '../model/prune-selection.js';
import type { FloatArray } from '../model/types.js';
import { bucketHoldingRank } from '../model/topk/radix-histogram.js';
import { orderKeyFromBits } from '../model/topk/float-order-keys.js';

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

/** Exact k-th largest score for each k (ascending ks → descending thresholds). */
function thresholds(values: ArrayLike<number>, absolute: boolean, ks: readonly number[]): Float64Array {
  const n = values.length;
  const out = new Float64Array(ks.length);
  if (values instanceof Float32Array && n > 1 << 20) {
    // Two 16-bit histogram passes over float32 order keys: exact for float32, no copy of the scores.
    const bits = new Uint32Array(values.buffer, values.byteOffset, n);
    const key = (i: number): number =>
      orderKeyFromBits(absolute ? (bits[i] as number) & 0x7fffffff : (bits[i] as number));
    const hist = new Float64Array(65536);
    for (let i = 0; i < n; i++) {
      const b = key(i) >>> 16;
      hist[b] = (hist[b] as number) + 1;
    }
    const first = ks.map((k) => bucketHoldingRank(hist, k));
    const slot = new Int32Array(65536).fill(-1);
    const fine: Float64Array[] = [];
    for (const [b] of first) if (slot[b] === -1) slot[b] = fine.push(new Float64Array(65536)) - 1;
    for (let i = 0; i < n; i++) {
      const k = key(i);
      const s = slot[k >>> 16] as number;
      if (s >= 0) {
        const f = fine[s] as Float64Array;
        f[k & 0xffff] = (f[k & 0xffff] as number) + 1;
      }
    }
    const f32 = new Float32Array(1);
    const u32 = new Uint32Array(f32.buffer);
    ks.forEach((k, j) => {
      const [b, above] = first[j] as [number, number];
      const [b2] = bucketHoldingRank(fine[slot[b] as number] as Float64Array, k - above);
      const orderKey = ((b << 16) | b2) >>> 0;
      u32[0] = orderKey & 0x80000000 ? orderKey ^ 0x80000000 : ~orderKey >>> 0;
      out[j] = Number.isNaN(f32[0] as number) ? Infinity : (f32[0] as number);
    });
    return out;
  }
  const sorted = new Float64Array(n);
  for (let i = 0; i < n; i++) sorted[i] = score(values[i] as number, absolute);
  sorted.sort();
  ks.forEach((k, j) => (out[j] = sorted[n - k] as number));
  return out;
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

/** The kept sets of prune at every k of `ks` (ascending, each in [1, input_dim]). */
export function pruneRanking(
  model: GradiendModel,
  source: RankingSource,
  ks: readonly number[],
): PruneRanking {
  const n = model.inputDim;
  const { values, absolute } = scoresOf(model, source);
  const m = ks.length;
  const t = thresholds(values, absolute, ks);
  // hits[j]: dims whose first grid point with score ≥ t[j] is j, so Σ_{j' ≤ j} hits = #(score ≥ t[j]).
  const hits = new Float64Array(m + 1);
  for (let i = 0; i < n; i++) {
    const j = firstAtLeast(t, score(values[i] as number, absolute));
    hits[j] = (hits[j] as number) + 1;
  }
  const straddles = new Uint8Array(m);
  let atLeast = 0;
  for (let j = 0; j < m; j++) {
    atLeast += hits[j] as number;
    // k inside a run of ties: more dims reach the threshold than k keeps.
    straddles[j] = atLeast > (ks[j] as number) ? 1 : 0;
  }
  const bucket = m < 255 ? new Uint8Array(n) : new Uint16Array(n);
  for (let i = 0; i < n; i++) {
    const s = score(values[i] as number, absolute);
    let j = firstAtLeast(t, s);
    while (j < m && s === t[j] && straddles[j]) j++;
    bucket[i] = j;
  }
  const extras = new Map<number, Int32Array>();
  for (let j = 0; j < m; j++) {
    if (!straddles[j]) continue;
    const { keepIdx } = selectInputDims(
      { topk: { count: ks[j] as number }, ...source },
      {
        inputDim: n,
        dtype: model.architecture.dtype,
        weightImportance: () => model.rankedImportance(source.part ?? 'decoder-weight'),
      },
    );
    extras.set(
      j,
      keepIdx.filter((i) => (bucket[i] as number) > j),
    );
  }
  return { ks, bucket, extras };
}
