import type { BandScan } from './topk/radix-select-f32.js';
import { PruneArgumentError } from '../errors.js';
import { dtypeRounder } from './dtype-rounding.js';
import { describe, normaliseTopK } from './prune-arguments.js';
import type { PruneOptions } from './prune-arguments.js';
import { selectTopK } from './topk/select-top-k.js';
import type { RankedScores } from './types.js';
import type { ModelDType } from '../tensor/dtype.js';

export interface Selection {
  /** Kept input indices, ascending and unique. */
  readonly keepIdx: Int32Array;
  /** One byte per old input dim: 1 = kept. */
  readonly combinedMask: Uint8Array;
}

/** What the selection needs from the model, computed only when a criterion asks for it. */
export interface SelectionContext {
  readonly inputDim: number;
  readonly dtype: ModelDType;
  readonly weightImportance: () => RankedScores;
  /** The large float32 top-k's band scan (default: on this thread). */
  readonly bandScan?: BandScan | undefined;
}

function fail(message: string, type: 'ValueError' | 'TypeError' = 'ValueError'): never {
  throw new PruneArgumentError(message, type);
}

/** True when prune should return the model unchanged: a float top-k of exactly 1.0. */
export function isKeepEverything(options: PruneOptions): boolean {
  if (options.topk === undefined || options.topk === null) return false;
  if (typeof options.topk === 'object' && 'fraction' in options.topk) return options.topk.fraction === 1;
  return false;
}

/**
 * The reference's selection: keep_idx, or mask → threshold → top-k on the remaining dims.
 * Validation order and messages follow ParamMappedGradiendModel.prune.
 */
export function selectInputDims(options: PruneOptions, ctx: SelectionContext): Selection {
  const n = ctx.inputDim;
  const { topk, threshold, mask, importance, keepIdx } = options;
  const given = (v: unknown): boolean => v !== undefined && v !== null;
  if (given(keepIdx) && (given(topk) || given(threshold) || given(mask) || given(importance))) {
    fail('keep_idx cannot be combined with topk, threshold, mask, or importance.');
  }
  if (!given(topk) && !given(threshold) && !given(mask) && !given(keepIdx)) {
    fail('At least one of topk, threshold, mask must be provided.');
  }
  if (keepIdx !== undefined && keepIdx !== null) return fromKeepIdx(keepIdx, n);

  const combined = new Uint8Array(n).fill(1);
  if (mask !== undefined && mask !== null) {
    if (!isMaskLike(mask) || mask.length !== n) fail(`mask must be bool tensor with shape (${n},)`);
    for (let i = 0; i < n; i++) if (!mask[i]) combined[i] = 0;
  }
  if (given(threshold) || given(topk)) {
    let scores: ArrayLike<number>;
    let absolute = false;
    let roundThreshold: ((x: number) => number) | null;
    if (importance !== undefined && importance !== null) {
      if (!isNumberArray(importance) || importance.length !== n) {
        fail(`importance must be 1D tensor of length ${n}, got shape torch.Size([${lengthOf(importance)}])`);
      }
      scores = importance;
      roundThreshold = importance instanceof Float32Array ? Math.fround : null;
    } else {
      ({ values: scores, absolute } = ctx.weightImportance());
      roundThreshold = dtypeRounder(ctx.dtype);
    }
    if (threshold !== undefined && threshold !== null) {
      if (typeof threshold !== 'number' || Number.isNaN(threshold) || threshold < 0) {
        fail('threshold must be a non-negative float/int');
      }
      // torch compares a tensor with a Python scalar in the tensor's dtype.
      const t = roundThreshold ? roundThreshold(threshold) : threshold;
      for (let i = 0; i < n; i++) {
        const v = scores[i] as number;
        if (!((absolute ? Math.abs(v) : v) >= t)) combined[i] = 0;
      }
    }
    if (topk !== undefined && topk !== null) {
      // Without a mask or threshold every dim is active, so nothing needs counting, and the top-k's
      // own (ascending) indices are the kept dims: no scan of the mask (0.1 GB at BERT scale).
      const allActive = !given(mask) && !given(threshold);
      const keep = applyTopK(topk, scores, absolute, combined, ctx.bandScan, allActive);
      if (keep !== null) return { keepIdx: keep, combinedMask: combined };
    }
  }
  return fromMask(combined);
}

function applyTopK(
  topk: unknown,
  scores: ArrayLike<number>,
  absolute: boolean,
  combined: Uint8Array,
  bandScan: BandScan | undefined,
  allActive: boolean,
): Int32Array | null {
  const spec = normaliseTopK(topk);
  let nActive = allActive ? combined.length : 0;
  if (!allActive) for (let i = 0; i < combined.length; i++) nActive += combined[i] as number;
  if (nActive === 0) fail('No dimensions left after mask/threshold.');
  let k: number;
  if (spec.kind === 'fraction') {
    if (!(spec.value > 0 && spec.value <= 1)) fail('If topk is float, it must be in (0, 1].');
    k = Math.ceil(spec.value * nActive);
  } else {
    if (spec.value <= 0) fail('If topk is int, it must be >= 1.');
    k = Math.min(spec.value, nActive);
  }
  if (k >= nActive) return null;
  if (nActive === combined.length && (scores instanceof Float32Array || scores instanceof Float64Array)) {
    // Nothing masked: rank the scores in place rather than copying them (1.3 GB at BERT scale).
    const keep = selectTopK(scores, k, { sorted: false, absolute, bandScan });
    combined.fill(0);
    let ascending = true;
    for (let i = 0; i < keep.length; i++) {
      combined[keep[i] as number] = 1;
      if (i > 0 && (keep[i] as number) <= (keep[i - 1] as number)) ascending = false;
    }
    if (!ascending) keep.sort();
    return keep;
  }
  const active = new Int32Array(nActive);
  const activeScores = new Float64Array(nActive);
  let j = 0;
  for (let i = 0; i < combined.length; i++) {
    if (combined[i]) {
      active[j] = i;
      const v = scores[i] as number;
      activeScores[j++] = absolute ? Math.abs(v) : v;
    }
  }
  const candidates = scores instanceof Float32Array ? Float32Array.from(activeScores) : activeScores;
  const keepLocal = selectTopK(candidates, k, { sorted: false, bandScan });
  combined.fill(0);
  for (let i = 0; i < keepLocal.length; i++) combined[active[keepLocal[i] as number] as number] = 1;
  return null;
}

function fromMask(combined: Uint8Array): Selection {
  let count = 0;
  for (let i = 0; i < combined.length; i++) count += combined[i] as number;
  if (count === 0) fail('Pruning would remove all dimensions (combined_mask all False).');
  const keepIdx = new Int32Array(count);
  let j = 0;
  for (let i = 0; i < combined.length; i++) if (combined[i]) keepIdx[j++] = i;
  return { keepIdx, combinedMask: combined };
}

function fromKeepIdx(keepIdx: unknown, n: number): Selection {
  if (!isNumberArray(keepIdx)) fail('keep_idx must be a tensor.', 'TypeError');
  if (keepIdx.length === 0) fail('keep_idx must not be empty.');
  const combined = new Uint8Array(n);
  for (let i = 0; i < keepIdx.length; i++) {
    const v = keepIdx[i] as number;
    if (!Number.isInteger(v) || v < 0 || v >= n) fail(`keep_idx out of bounds for input_dim=${n}`);
    combined[v] = 1;
  }
  return fromMask(combined);
}

function isNumberArray(v: unknown): v is ArrayLike<number> {
  if (ArrayBuffer.isView(v))
    return !(v instanceof DataView) && !(v instanceof BigInt64Array) && !(v instanceof BigUint64Array);
  return Array.isArray(v) && v.every((x) => typeof x === 'number');
}

function isMaskLike(v: unknown): v is ArrayLike<number | boolean> {
  if (v instanceof Uint8Array) return true;
  return Array.isArray(v) && v.every((x) => typeof x === 'boolean');
}

function lengthOf(v: unknown): string {
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return String((v as Uint8Array).length);
  if (Array.isArray(v)) return String(v.length);
  return describe(v);
}
