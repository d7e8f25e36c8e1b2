import type { FloatArray } from '../types.js';
import { radixTopK, sortIndicesDescending } from './radix-select.js';
import { torchTopkEmulation } from './torch-topk-emulation.js';

/**
 * Up to this many candidates, top-k runs the exact emulation of torch's CPU algorithm, so ties are
 * broken like the reference. Above it an O(n) radix select breaks boundary ties by lowest index:
 * the emulation's (value, index) pairs would cost 12 bytes per candidate at BERT scale.
 */
export const EXACT_TIE_EMULATION_LIMIT = 1 << 22;

export interface TopKOptions {
  /** Most important first (the reference's sorted=True); otherwise ascending index order. */
  readonly sorted: boolean;
}

/** Indices of the k largest values (NaN ranks highest, as in torch). */
export function selectTopK(values: FloatArray, k: number, options: TopKOptions): Int32Array {
  const n = values.length;
  if (k <= 0) return new Int32Array(0);
  if (k >= n) {
    const all = new Int32Array(n);
    for (let i = 0; i < n; i++) all[i] = i;
    if (options.sorted) sortIndicesDescending(all, values);
    return all;
  }
  if (n <= EXACT_TIE_EMULATION_LIMIT) {
    const idx = torchTopkEmulation(values, k, false);
    if (options.sorted) sortIndicesDescending(idx, values);
    else idx.sort();
    return idx;
  }
  const idx = radixTopK(values, k);
  if (options.sorted) sortIndicesDescending(idx, values);
  return idx;
}
