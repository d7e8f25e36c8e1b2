import { forEachShared } from './selection-view.js';
import type { SelectionView } from './selection-view.js';
import type { Blocks } from './model-coordinates.js';
import { pearson } from '../training/encoder-evaluation.js';

/** One model's coordinates for the vector measures: its view, blocks and squared norm. */
export interface VectorSide {
  readonly view: SelectionView;
  readonly blocks: Blocks;
  readonly squaredNorm: number;
}

/** Dot product of two models' blocks over the base coordinates both hold (zero-filled elsewhere). */
export function sharedDot(a: VectorSide, b: VectorSide): number {
  const { data: x, strideLocal: xl, strideDim: xd } = a.blocks;
  const { data: y, strideLocal: yl, strideDim: yd } = b.blocks;
  const dim = Math.min(a.blocks.dim, b.blocks.dim);
  let dot = 0;
  // Each run sums into a local: `dot` lives in the closure's context, so it is touched once per run.
  forEachShared(a.view, b.view, (la, lb, length) => {
    let s = 0;
    if (dim === 1) {
      for (let k = 0; k < length; k++) s += (x[(la + k) * xl] as number) * (y[(lb + k) * yl] as number);
    } else {
      for (let k = 0; k < length; k++) {
        const pa = (la + k) * xl;
        const pb = (lb + k) * yl;
        for (let d = 0; d < dim; d++) s += (x[pa + d * xd] as number) * (y[pb + d * yd] as number);
      }
    }
    dot += s;
  });
  return dot;
}

/** The reference's sparse cosine: 0 when either vector is zero. */
export function cosine(a: VectorSide, b: VectorSide): number {
  if (a.squaredNorm === 0 || b.squaredNorm === 0) return 0;
  // A model with itself: its dot product is its squared norm, already summed.
  const dot = a === b ? a.squaredNorm : sharedDot(a, b);
  return dot / (Math.sqrt(a.squaredNorm) * Math.sqrt(b.squaredNorm));
}

/**
 * Average ranks of one model's values over the whole zero-filled base space (length
 * unpruned_length × block dim), kept sparse: only the non-zero values are sorted.
 */
export interface RankInfo {
  readonly side: VectorSide;
  readonly totalLength: number;
  readonly negatives: Float64Array;
  readonly positives: Float64Array;
  readonly zeroRank: number;
  readonly meanRank: number;
  /** Σ over non-zero coordinates of (rank − zeroRank), and of its square. */
  readonly sumExcess: number;
  readonly sumExcessSquared: number;
}

export function rankInfo(side: VectorSide, unprunedLength: number): RankInfo {
  const { data, dim, strideLocal, strideDim } = side.blocks;
  const neg: number[] = [];
  const pos: number[] = [];
  for (const seg of side.view.segments) {
    const count = seg.kind === 'range' ? seg.length : seg.local.length;
    for (let k = 0; k < count; k++) {
      const local = seg.kind === 'range' ? seg.localStart + k : (seg.local[k] as number);
      for (let d = 0; d < dim; d++) {
        const v = data[local * strideLocal + d * strideDim] as number;
        if (v < 0) neg.push(v);
        else if (v > 0) pos.push(v);
      }
    }
  }
  const negatives = Float64Array.from(neg).sort();
  const positives = Float64Array.from(pos).sort();
  const totalLength = unprunedLength * dim;
  const nZero = totalLength - negatives.length - positives.length;
  const zeroRank = nZero > 0 ? negatives.length + (nZero + 1) / 2 : 0;
  let sumExcess = 0;
  let sumExcessSquared = 0;
  const accumulate = (sorted: Float64Array, startRank: number): void => {
    for (let p = 0; p < sorted.length;) {
      let end = p + 1;
      while (end < sorted.length && sorted[end] === sorted[p]) end++;
      const e = (startRank + p + startRank + end - 1) / 2 - zeroRank;
      sumExcess += (end - p) * e;
      sumExcessSquared += (end - p) * e * e;
      p = end;
    }
  };
  accumulate(negatives, 1);
  accumulate(positives, negatives.length + nZero + 1);
  return {
    side,
    totalLength,
    negatives,
    positives,
    zeroRank,
    meanRank: (totalLength + 1) / 2,
    sumExcess,
    sumExcessSquared,
  };
}

/** Average rank of a non-zero value of the model. */
function rankOf(info: RankInfo, v: number): number {
  const sorted = v < 0 ? info.negatives : info.positives;
  const start = v < 0 ? 1 : info.totalLength - info.positives.length + 1;
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) < v) lo = mid + 1;
    else hi = mid;
  }
  const first = lo;
  hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) <= v) lo = mid + 1;
    else hi = mid;
  }
  return start + (first + lo - 1) / 2;
}

/**
 * The reference's sparse Spearman over the zero-filled base space: Pearson r of the two rank
 * vectors, written as deviations from each model's zero rank so that only coordinates non-zero in
 * both models are visited (the same value as its Σ r_x·r_y − n·m² form, with less cancellation).
 * 0 when the spaces differ in length or a model's ranks are constant.
 */
export function sparseSpearman(x: RankInfo, y: RankInfo): number {
  const n = x.totalLength;
  if (n === 0 || n !== y.totalLength) return 0;
  const ux = x.zeroRank - x.meanRank;
  const uy = y.zeroRank - y.meanRank;
  const A = x.side.blocks;
  const B = y.side.blocks;
  let shared = 0;
  forEachShared(x.side.view, y.side.view, (la, lb, length) => {
    for (let k = 0; k < length; k++) {
      const pa = (la + k) * A.strideLocal;
      const pb = (lb + k) * B.strideLocal;
      for (let d = 0; d < A.dim; d++) {
        const vx = A.data[pa + d * A.strideDim] as number;
        const vy = B.data[pb + d * B.strideDim] as number;
        if (vx !== 0 && vy !== 0) shared += (rankOf(x, vx) - x.zeroRank) * (rankOf(y, vy) - y.zeroRank);
      }
    }
  });
  const xy = n * ux * uy + uy * x.sumExcess + ux * y.sumExcess + shared;
  const xx = n * ux * ux + 2 * ux * x.sumExcess + x.sumExcessSquared;
  const yy = n * uy * uy + 2 * uy * y.sumExcess + y.sumExcessSquared;
  // The reference returns 0 when a centred sum is ≤ 0 (constant ranks). A non-constant rank vector
  // of length n has Σ(r − m)² ≥ n(n − 1)/4 (one coordinate apart from n − 1 tied ones), so half of
  // that separates "constant up to rounding" from every real spread.
  const constant = (n * (n - 1)) / 8;
  if (xx <= constant || yy <= constant) return 0;
  return xy / Math.sqrt(xx * yy);
}

/** Average ranks (1-based) of `values`, ties sharing their mean rank (the reference's _rankdata_average). */
export function averageRanks(values: ArrayLike<number>): Float64Array {
  const order = Array.from({ length: values.length }, (_, i) => i).sort(
    (a, b) => (values[a] as number) - (values[b] as number),
  );
  const ranks = new Float64Array(values.length);
  for (let p = 0; p < order.length;) {
    let end = p + 1;
    while (end < order.length && values[order[end] as number] === values[order[p] as number]) end++;
    const r = (p + end - 1) / 2 + 1;
    for (let q = p; q < end; q++) ranks[order[q] as number] = r;
    p = end;
  }
  return ranks;
}

/** Pearson r; 0 for empty, unequal-length or constant series (the reference's _pearson). */
export function pearsonOrZero(x: ArrayLike<number>, y: ArrayLike<number>): number {
  return x.length === y.length ? pearson(x, y) : 0;
}
